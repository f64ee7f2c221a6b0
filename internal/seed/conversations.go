package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// demoTicket is one sample conversation: a real-looking buyer question on a channel, in one of
// our three languages, sometimes with an order and an agent's answer.
type demoTicket struct {
	channel, marketplace, store, lang string
	name, email, alias                string
	subject                           string
	messages                          []string // customer, agent, customer, … in turn
	order                             *demoOrder
	presale                           bool
	ageHours, dueHours                int
	tags                              []string
	assignTo                          string // a demo email, or ""
	status                            string
}

type demoOrder struct {
	number, status, currency, account string
	amountMinor                       int64
	lines                             []demoLine
	carrier, service, tracking        string
	// Days before the ticket: shipped, delivered (0: not yet); expected delivery from–to (negative
	// is before the ticket, so a late parcel's window has passed).
	shippedDays, deliveredDays int
	expectedDays               [2]int
}

type demoLine struct {
	title, sku, asin string
	qty              int
	priceMinor       int64
}

var demoTickets = []demoTicket{
	{channel: "amazon", marketplace: "amazon.de", store: "Demo Shop DE", lang: "en", name: "Laura Becker", alias: "x7k2m9p4q1r8s3@marketplace.amazon.de",
		subject:  "Inquiry from Amazon customer Laura Becker (Order: 302-4418211-7765932)",
		messages: []string{"Hello, my order was supposed to arrive on Tuesday but tracking has not moved for four days. Can you check with the carrier?"},
		order: &demoOrder{number: "302-4418211-7765932", status: "shipped", amountMinor: 5480, currency: "EUR", account: "Amazon Seller Central EU (Demo Shop)",
			lines:   []demoLine{{"Ceramic pour-over coffee set", "CPO-SET-WHT", "B0C7JX4Q2M", 1, 4990}, {"Paper filters size 02, 100 pcs", "FLT-02-100", "B08KTR7L1D", 1, 490}},
			carrier: "DHL", service: "Paket", tracking: "00340434161094042557", shippedDays: 5, expectedDays: [2]int{-1, 1}}, ageHours: 9, dueHours: 3, tags: []string{"where-is-my-order"}},
	{channel: "amazon", marketplace: "amazon.co.uk", store: "Demo Shop UK", lang: "en", name: "Oliver Grant", alias: "b3n8w2c6d1f4@marketplace.amazon.co.uk",
		subject:  "Inquiry from Amazon customer Oliver Grant (Order: 204-9912873-1120455)",
		messages: []string{"The kettle arrived with a dent on the side. I attached photos in the Amazon message. Can I get a replacement?", "Sorry to hear that, Oliver. A replacement is on its way today; no need to send the dented one back.", "Thank you, that was quick!"},
		order: &demoOrder{number: "204-9912873-1120455", status: "delivered", amountMinor: 3499, currency: "GBP", account: "Amazon Seller Central UK (Demo Shop)",
			lines:   []demoLine{{"Stainless steel kettle 1.7 l", "KTL-17-SS", "B09XQ8PJ4N", 1, 3499}},
			carrier: "Royal Mail", service: "Tracked 48", tracking: "JB123456789GB", shippedDays: 4, deliveredDays: 2, expectedDays: [2]int{-3, -2}}, ageHours: 30, tags: []string{"damaged"}, assignTo: "agent@demo.test", status: "resolved"},
	{channel: "ebay", marketplace: "ebay.com", store: "demoshop-outlet", lang: "en", name: "Mike Chen", alias: "mikec_2019",
		subject:  "Question about item: Vintage brass desk lamp",
		messages: []string{"Hi, does the lamp work with 220V? I'm buying it for my sister in Europe. Thanks!"},
		presale:  true, ageHours: 1, dueHours: 1},
	{channel: "email", store: "demoshop.ro", lang: "ro", name: "Ioana Popescu", email: "ioana.popescu@example.ro",
		subject:  "Aplicația nu pornește după actualizare",
		messages: []string{"Bună ziua, după actualizarea de ieri aplicația pentru cântarul inteligent nu mai pornește. Am încercat să o reinstalez, dar fără succes. Comanda mea este DS-10452. Mulțumesc!"},
		order: &demoOrder{number: "DS-10452", status: "delivered", amountMinor: 18900, currency: "RON", account: "demoshop.ro (Shopify)",
			lines:   []demoLine{{"Cântar inteligent Wi-Fi", "SCL-WIFI-BLK", "", 1, 17900}, {"Baterii AAA, 4 buc.", "BAT-AAA-4", "", 1, 1000}},
			carrier: "Sameday", service: "Easybox", tracking: "1ONB24117123456", shippedDays: 6, deliveredDays: 4, expectedDays: [2]int{-5, -4}}, ageHours: 5, dueHours: 6, assignTo: "agent2@demo.test"},
	{channel: "email", store: "demoshop.ro", lang: "ro", name: "Andrei Ionescu", email: "andrei.ionescu@example.ro",
		subject:  "Retur produs — mărime greșită",
		messages: []string{"Salut, am primit geaca în mărimea M, dar am comandat L. Cum pot face returul? Aș vrea o înlocuire, nu rambursare.", "Bună, Andrei! Îți trimitem eticheta de retur pe e-mail; geaca în mărimea L pleacă imediat ce scanăm coletul."},
		order: &demoOrder{number: "DS-10388", status: "delivered", amountMinor: 34900, currency: "RON", account: "demoshop.ro (Shopify)",
			lines:   []demoLine{{"Geacă impermeabilă, mărimea M", "JKT-RAIN-M", "", 1, 34900}},
			carrier: "FAN Courier", service: "Standard", tracking: "2171234567", shippedDays: 5, deliveredDays: 3, expectedDays: [2]int{-4, -3}}, ageHours: 20, dueHours: 20, tags: []string{"return"}, assignTo: "agent2@demo.test", status: "pending"},
	{channel: "email", store: "demoshop.kr", lang: "ko", name: "김민지", email: "minji.kim@example.kr",
		subject:  "배송 문의드립니다",
		messages: []string{"안녕하세요, 지난주에 주문한 텀블러가 아직 도착하지 않았어요. 배송 조회가 안 되는데 확인 부탁드립니다. 주문번호는 KR-88231입니다."},
		order: &demoOrder{number: "KR-88231", status: "shipped", amountMinor: 25900, currency: "KRW", account: "demoshop.kr (Cafe24)",
			lines:   []demoLine{{"보온 텀블러 500ml", "TMB-500-NVY", "", 1, 22900}, {"텀블러 세척솔", "TMB-BRUSH", "", 1, 3000}},
			carrier: "CJ Logistics", service: "택배", tracking: "612345678901", shippedDays: 7, expectedDays: [2]int{-4, -3}}, ageHours: 26, dueHours: -2, tags: []string{"where-is-my-order"}},
	{channel: "amazon", marketplace: "amazon.de", store: "Demo Shop DE", lang: "ko", name: "박서준", alias: "k9d2m4n7p1@marketplace.amazon.de",
		subject:  "Inquiry from Amazon customer 박서준 (Order: 028-3345671-2290014)",
		messages: []string{"환불 요청합니다. 제품 색상이 사진과 너무 달라요. 반품 절차를 알려주세요."},
		order: &demoOrder{number: "028-3345671-2290014", status: "delivered", amountMinor: 5900, currency: "EUR", account: "Amazon Seller Central EU (Demo Shop)",
			lines:   []demoLine{{"Wool throw blanket, sage green", "THR-WOOL-SGE", "B0BZ9M3K7T", 1, 5900}},
			carrier: "Amazon Logistics", tracking: "DE4815162342", shippedDays: 4, deliveredDays: 2, expectedDays: [2]int{-2, -2}}, ageHours: 3, dueHours: 9, tags: []string{"refund"}},
	{channel: "ebay", marketplace: "ebay.de", store: "demoshop-outlet", lang: "en", name: "Sofia Rossi", alias: "sofia_r_88",
		subject:  "Combined shipping for two items?",
		messages: []string{"Hi! If I buy the lamp and the matching shade, can you combine shipping to Italy?"},
		presale:  true, ageHours: 0, dueHours: 2},
	{channel: "email", store: "demoshop.com", lang: "en", name: "Hannah Weber", email: "hannah.weber@example.com",
		subject:  "Invoice with VAT number please",
		messages: []string{"Could you send me an invoice with our company VAT number DE293847561 for order DS-10477?"},
		order: &demoOrder{number: "DS-10477", status: "partially_shipped", amountMinor: 12800, currency: "EUR", account: "demoshop.com (Shopify)",
			lines: []demoLine{{"Office chair seat cushion", "CSH-SEAT-GRY", "", 2, 2950}, {"Office chair back cushion", "CSH-BACK-GRY", "", 2, 2950},
				{"Cushion cover, spare", "CSH-COVER", "", 1, 1900}, {"Cleaning spray 250 ml", "CLN-250", "", 1, 1050}},
			carrier: "UPS", service: "Standard", tracking: "1Z999AA10123456784", shippedDays: 2, expectedDays: [2]int{1, 3}}, ageHours: 48, dueHours: 30, assignTo: "agent@demo.test"},
	{channel: "email", store: "demoshop.ro", lang: "ro", name: "Mihai Dumitrescu", email: "mihai.d@example.ro",
		subject:  "Întrebare înainte de comandă: compatibilitate încărcător",
		messages: []string{"Bună ziua, încărcătorul wireless funcționează și cu telefoanele Samsung mai vechi? Vreau să comand două bucăți înainte să cumpăr."},
		presale:  true, ageHours: 2, dueHours: 0},
}

// sampleHistory stands in for the channels of the demo's past replies: they are history written
// by the seed (answers "sent long ago"), not replies anyone sends now, so they are recorded as
// delivered without going anywhere. Live replies in the demo go through the real senders.
type sampleHistory struct{}

func (sampleHistory) Send(context.Context, conversation.Outgoing) (conversation.Sent, error) {
	return conversation.Sent{}, nil
}

func (sampleHistory) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

func sampleSenders() *conversation.Senders {
	r := conversation.NewSenders()
	for _, ch := range conversation.Channels {
		r.Register(ch, sampleHistory{})
	}
	return r
}

// demoConversations adds the sample tickets once; a workspace that has tickets keeps them.
func demoConversations(ctx context.Context, st *store.Store, jobs *river.Client[pgx.Tx], sc tenant.Scope, users map[string]uuid.UUID, now time.Time) (int, error) {
	var existing int
	if err := st.InTenantTx(ctx, sc.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM tickets WHERE tenant_id = $1", sc.TenantID()).Scan(&existing)
	}); err != nil {
		return 0, err
	}
	if existing > 0 {
		return 0, nil
	}
	withAutomation := func(at time.Time) *conversation.Service { return demoService(st, jobs, at) }
	svc := withAutomation(now)
	for i, d := range demoTickets {
		start := now.Add(-time.Duration(d.ageHours)*time.Hour - time.Duration(i)*time.Minute)
		var due *time.Time
		if d.status == "" || d.status == "pending" {
			t := now.Add(time.Duration(d.dueHours)*time.Hour + time.Duration(i)*time.Minute)
			due = &t
		}
		ref := conversation.CustomerRef{Name: d.name, Email: d.email, Language: d.lang}
		if d.alias != "" {
			ref.Channel, ref.ExternalID = d.channel, d.alias
			if d.channel == "amazon" {
				ref.Email = d.alias
			}
		}
		orderNumber := ""
		if d.order != nil {
			orderNumber = d.order.number
		}
		tk, err := svc.CreateInbound(ctx, sc, conversation.NewTicket{Channel: d.channel, Marketplace: d.marketplace, Store: d.store,
			Subject: d.subject, Language: d.lang, Presale: d.presale, Tags: d.tags, SLADueAt: due, OrderNumber: orderNumber,
			Customer: ref, Message: conversation.Inbound{Text: d.messages[0], At: start, From: ref.Email}})
		if err != nil {
			return 0, fmt.Errorf("seed: demo ticket %d: %w", i, err)
		}
		if d.order != nil {
			if err := addDemoOrder(ctx, svc, sc, tk, d, start, now); err != nil {
				return 0, err
			}
		}
		agent := sc
		if d.assignTo != "" {
			agent = tenant.Scope{Workspace: sc.Workspace, UserID: users[d.assignTo], Role: tenant.RoleAgent}
			if err := svc.Assign(ctx, sc, tk.Number, agent.UserID); err != nil {
				return 0, err
			}
		}
		for j, text := range d.messages[1:] {
			at := start.Add(time.Duration(j+1) * 40 * time.Minute)
			asvc := withAutomation(at)
			if j%2 == 0 {
				cur, err := asvc.Ticket(ctx, agent, tk.Number)
				if err != nil {
					return 0, err
				}
				m, err := asvc.Reply(ctx, agent, tk.Number, conversation.ReplyInput{Body: text, SeenLastMessageAt: &cur.LastMessageAt})
				if err != nil {
					return 0, err
				}
				// Sample history: the answer went out long ago.
				if err := asvc.Deliver(ctx, sampleHistory{}, sc.TenantID(), m.ID); err != nil {
					return 0, err
				}
			} else if _, err := asvc.AppendInbound(ctx, sc, tk.Number, conversation.Inbound{Text: text, At: at}); err != nil {
				return 0, err
			}
		}
		if d.status != "" {
			if err := svc.SetStatus(ctx, sc, tk.Number, d.status, nil); err != nil {
				return 0, err
			}
		}
	}
	return len(demoTickets), nil
}

// addDemoOrder records the ticket's order as a marketplace fetch would, a few minutes before now.
func addDemoOrder(ctx context.Context, svc *conversation.Service, sc tenant.Scope, tk conversation.Ticket, d demoTicket, at, now time.Time) error {
	o := d.order
	marketplace := d.marketplace
	if marketplace == "" {
		marketplace = "webshop"
	}
	day := func(n int) *time.Time {
		t := at.AddDate(0, 0, -n)
		return &t
	}
	in := conversation.OrderInput{Marketplace: marketplace, Store: d.store, Number: o.number, SourceAccount: o.account,
		CustomerID: tk.CustomerID, Status: o.status, AmountMinor: o.amountMinor, Currency: o.currency,
		OrderedAt: at.AddDate(0, 0, -o.shippedDays-1), ExpectedFrom: day(-o.expectedDays[0]), ExpectedTo: day(-o.expectedDays[1]),
		FetchedAt: now.Add(-7 * time.Minute)}
	for _, l := range o.lines {
		in.Lines = append(in.Lines, conversation.OrderLineInput{Title: l.title, SKU: l.sku, ItemID: l.asin, Quantity: l.qty, UnitPriceMinor: l.priceMinor})
	}
	if o.tracking != "" {
		sh := conversation.ShipmentInput{Carrier: o.carrier, Service: o.service, TrackingNumber: o.tracking, ShippedAt: day(o.shippedDays)}
		if o.deliveredDays > 0 {
			sh.DeliveredAt = day(o.deliveredDays)
		}
		in.Shipments = append(in.Shipments, sh)
	}
	_, err := svc.UpsertOrder(ctx, sc, in)
	return err
}

// demoService is the inbox service with rules, SLA clocks and routing, under a clock stopped at
// the moment a sample step happened. It has no send jobs: sample replies are recorded as history
// right away (sampleHistory).
func demoService(st *store.Store, jobs *river.Client[pgx.Tx], at time.Time) *conversation.Service {
	clock := func() time.Time { return at }
	svc := conversation.New(st, nil, clock)
	auto := automation.New(st, clock)
	if jobs != nil {
		auto.UseJobs(jobs)
	}
	svc.UseAutomation(auto)
	svc.UseSenders(sampleSenders())
	return svc
}
