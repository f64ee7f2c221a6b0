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
	number, status, item, tracking string
	amountMinor                    int64
	currency                       string
}

var demoTickets = []demoTicket{
	{channel: "amazon", marketplace: "amazon.de", store: "Demo Shop DE", lang: "en", name: "Laura Becker", alias: "x7k2m9p4q1r8s3@marketplace.amazon.de",
		subject:  "Inquiry from Amazon customer Laura Becker (Order: 302-4418211-7765932)",
		messages: []string{"Hello, my order was supposed to arrive on Tuesday but tracking has not moved for four days. Can you check with the carrier?"},
		order:    &demoOrder{"302-4418211-7765932", "shipped", "Ceramic pour-over coffee set", "DHL 00340434161094042557", 4990, "EUR"}, ageHours: 9, dueHours: 3, tags: []string{"where-is-my-order"}},
	{channel: "amazon", marketplace: "amazon.co.uk", store: "Demo Shop UK", lang: "en", name: "Oliver Grant", alias: "b3n8w2c6d1f4@marketplace.amazon.co.uk",
		subject:  "Inquiry from Amazon customer Oliver Grant (Order: 204-9912873-1120455)",
		messages: []string{"The kettle arrived with a dent on the side. I attached photos in the Amazon message. Can I get a replacement?", "Sorry to hear that, Oliver. A replacement is on its way today; no need to send the dented one back.", "Thank you, that was quick!"},
		order:    &demoOrder{"204-9912873-1120455", "delivered", "Stainless steel kettle 1.7 l", "Royal Mail JB123456789GB", 3499, "GBP"}, ageHours: 30, tags: []string{"damaged"}, assignTo: "agent@demo.test", status: "resolved"},
	{channel: "ebay", marketplace: "ebay.com", store: "demoshop-outlet", lang: "en", name: "Mike Chen", alias: "mikec_2019",
		subject:  "Question about item: Vintage brass desk lamp",
		messages: []string{"Hi, does the lamp work with 220V? I'm buying it for my sister in Europe. Thanks!"},
		presale:  true, ageHours: 1, dueHours: 1},
	{channel: "email", store: "demoshop.ro", lang: "ro", name: "Ioana Popescu", email: "ioana.popescu@example.ro",
		subject:  "Aplicația nu pornește după actualizare",
		messages: []string{"Bună ziua, după actualizarea de ieri aplicația pentru cântarul inteligent nu mai pornește. Am încercat să o reinstalez, dar fără succes. Comanda mea este DS-10452. Mulțumesc!"},
		order:    &demoOrder{"DS-10452", "delivered", "Cântar inteligent Wi-Fi", "", 18900, "RON"}, ageHours: 5, dueHours: 6, assignTo: "agent2@demo.test"},
	{channel: "email", store: "demoshop.ro", lang: "ro", name: "Andrei Ionescu", email: "andrei.ionescu@example.ro",
		subject:  "Retur produs — mărime greșită",
		messages: []string{"Salut, am primit geaca în mărimea M, dar am comandat L. Cum pot face returul? Aș vrea o înlocuire, nu rambursare.", "Bună, Andrei! Îți trimitem eticheta de retur pe e-mail; geaca în mărimea L pleacă imediat ce scanăm coletul."},
		order:    &demoOrder{"DS-10388", "delivered", "Geacă impermeabilă", "FAN Courier 2171234567", 34900, "RON"}, ageHours: 20, dueHours: 20, tags: []string{"return"}, assignTo: "agent2@demo.test", status: "pending"},
	{channel: "email", store: "demoshop.kr", lang: "ko", name: "김민지", email: "minji.kim@example.kr",
		subject:  "배송 문의드립니다",
		messages: []string{"안녕하세요, 지난주에 주문한 텀블러가 아직 도착하지 않았어요. 배송 조회가 안 되는데 확인 부탁드립니다. 주문번호는 KR-88231입니다."},
		order:    &demoOrder{"KR-88231", "shipped", "보온 텀블러 500ml", "CJ대한통운 612345678901", 2590000, "KRW"}, ageHours: 26, dueHours: -2, tags: []string{"where-is-my-order"}},
	{channel: "amazon", marketplace: "amazon.de", store: "Demo Shop DE", lang: "ko", name: "박서준", alias: "k9d2m4n7p1@marketplace.amazon.de",
		subject:  "Inquiry from Amazon customer 박서준 (Order: 028-3345671-2290014)",
		messages: []string{"환불 요청합니다. 제품 색상이 사진과 너무 달라요. 반품 절차를 알려주세요."},
		order:    &demoOrder{"028-3345671-2290014", "delivered", "Wool throw blanket", "", 5900, "EUR"}, ageHours: 3, dueHours: 9, tags: []string{"refund"}},
	{channel: "ebay", marketplace: "ebay.de", store: "demoshop-outlet", lang: "en", name: "Sofia Rossi", alias: "sofia_r_88",
		subject:  "Combined shipping for two items?",
		messages: []string{"Hi! If I buy the lamp and the matching shade, can you combine shipping to Italy?"},
		presale:  true, ageHours: 0, dueHours: 2},
	{channel: "email", store: "demoshop.com", lang: "en", name: "Hannah Weber", email: "hannah.weber@example.com",
		subject:  "Invoice with VAT number please",
		messages: []string{"Could you send me an invoice with our company VAT number DE293847561 for order DS-10477?"},
		order:    &demoOrder{"DS-10477", "shipped", "Office chair cushion set", "UPS 1Z999AA10123456784", 8900, "EUR"}, ageHours: 48, dueHours: 30, assignTo: "agent@demo.test"},
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
			if err := addDemoOrder(ctx, st, sc, tk, d, start); err != nil {
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

func addDemoOrder(ctx context.Context, st *store.Store, sc tenant.Scope, tk conversation.Ticket, d demoTicket, at time.Time) error {
	return st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		shipped := at.Add(-48 * time.Hour)
		var shippedAt *time.Time
		if d.order.status != "unshipped" {
			shippedAt = &shipped
		}
		marketplace := d.marketplace
		if marketplace == "" {
			marketplace = "webshop"
		}
		_, err := q.OrderCreate(ctx, dbsqlc.OrderCreateParams{TenantID: sc.TenantID(), CustomerID: uuid.NullUUID{UUID: tk.CustomerID, Valid: true},
			Marketplace: marketplace, Store: d.store, Number: d.order.number, Status: d.order.status,
			Items: []byte(fmt.Sprintf(`[{"title": %q, "quantity": 1}]`, d.order.item)), AmountMinor: d.order.amountMinor, Currency: d.order.currency,
			OrderedAt: at.Add(-72 * time.Hour), ShippedAt: shippedAt, TrackingNumber: d.order.tracking})
		return err
	})
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
