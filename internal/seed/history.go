package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// HistoryOptions shapes the demo's month of history.
type HistoryOptions struct {
	Days     int    // how far back the history starts
	PerDay   int    // tickets a day on average
	Seed     uint64 // same seed, same history (relative to Now)
	Now      time.Time
	Progress io.Writer
	Terminal bool
}

// DefaultHistory is what `shopdesk seed --demo` adds: a month of a small seller's support.
var DefaultHistory = HistoryOptions{Days: 30, PerDay: 10, Seed: 20261205}

// historyTicket is one planned conversation: everything about it is drawn from the seed before
// anything is written, so a rerun plans the same tickets and skips those already made.
type historyTicket struct {
	key                         string // the first message's id, which makes a rerun skip it
	lang, channel, marketplace  string
	store, name, email, alias   string
	scenario                    historyScenario
	orderNumber                 string
	product                     int
	priority                    *int16
	created                     time.Time
	assignee                    string // a demo login, "" for routing's choice
	assignAfter, answerAfter    time.Duration
	followUpAfter, closingAfter time.Duration // 0: no follow-up
	resolveAfter                time.Duration // 0: stays open or pending
	pending                     bool
	reopenAfter                 time.Duration // 0: not reopened
	note                        string
}

// DemoHistory adds the month of history to the demo workspace through the real services, each
// step under a clock set to the moment it happened, so events, SLA records and routing are what
// live traffic would have produced. It returns the tickets it created.
func DemoHistory(ctx context.Context, st *store.Store, jobs *river.Client[pgx.Tx], o HistoryOptions) (int, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	sc, users, err := demoScope(ctx, st)
	if err != nil {
		return 0, err
	}
	plan := planHistory(o, sc.Workspace.TimeZone)
	p := newProgress(o.Progress, o.Terminal, len(plan))
	p.name = "demo history"
	defer p.done()
	made := 0
	for _, h := range plan {
		exists := false
		if err := st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
			_, err := q.MessageByChannelID(ctx, dbsqlc.MessageByChannelIDParams{TenantID: sc.TenantID(), ChannelMessageID: h.key})
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			exists = err == nil
			return err
		}); err != nil {
			return made, err
		}
		if !exists {
			if err := playHistory(ctx, st, jobs, sc, users, h, o.Now); err != nil {
				return made, fmt.Errorf("seed: history ticket %s: %w", h.key, err)
			}
			made++
		}
		p.add(1)
	}
	return made, nil
}

// demoScope finds the demo workspace and its logins (Demo made them).
func demoScope(ctx context.Context, st *store.Store) (tenant.Scope, map[string]uuid.UUID, error) {
	users := map[string]uuid.UUID{}
	var ws dbsqlc.Tenant
	err := st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if ws, err = q.TenantBySlug(ctx, DemoSlug); err != nil {
			return fmt.Errorf("seed: demo workspace: %w", err)
		}
		for _, du := range DemoUsers {
			u, err := q.UserByEmail(ctx, du.Email)
			if err != nil {
				return fmt.Errorf("seed: demo login %s: %w", du.Email, err)
			}
			users[du.Email] = u.ID
		}
		return nil
	})
	return tenant.Scope{Workspace: ws, UserID: users["admin@demo.test"], Role: tenant.RoleAdmin}, users, err
}

// planHistory draws every ticket of the history from the seed.
func planHistory(o HistoryOptions, zone string) []historyTicket {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(r.Int64N(int64(hi-lo)+1)) }
	today := time.Date(o.Now.In(loc).Year(), o.Now.In(loc).Month(), o.Now.In(loc).Day(), 0, 0, 0, 0, loc)
	var plan []historyTicket
	n := 0
	for d := o.Days; d >= 0; d-- {
		day := today.AddDate(0, 0, -d)
		count := o.PerDay/2 + r.IntN(o.PerDay+1)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			count = count * 2 / 3
		}
		for range count {
			n++
			h := historyTicket{key: fmt.Sprintf("demo-history-%d@shopdesk.demo", n)}
			h.created = day.Add(7*time.Hour + between(0, 15*time.Hour))
			switch x := r.IntN(100); {
			case x < 62:
				h.lang = "en"
			case x < 84:
				h.lang = "ro"
			default:
				h.lang = "ko"
			}
			h.pickChannel(r)
			scenarios := historyScenarios[h.lang]
			h.scenario = scenarios[r.IntN(len(scenarios))]
			names := historyNames[h.lang]
			nameIdx := r.IntN(len(names))
			h.name = names[nameIdx]
			h.identify(nameIdx)
			h.product = r.IntN(len(historyProducts))
			if h.scenario.order {
				h.orderNumber = orderNumber(r, h.channel)
			}
			switch x := r.IntN(100); {
			case x < 8:
				p := int16(0)
				h.priority = &p
			case x < 25:
				p := int16(1)
				h.priority = &p
			}
			switch h.lang {
			case "ro":
				h.assignee = "agent2@demo.test"
			case "ko":
				h.assignee = "manager@demo.test"
			default:
				h.assignee = []string{"agent@demo.test", "agent2@demo.test"}[r.IntN(2)]
			}
			h.assignAfter = between(2*time.Minute, 40*time.Minute)
			// Most answers come within the hour; some wait for the next shift, a few breach.
			switch x := r.IntN(100); {
			case x < 55:
				h.answerAfter = between(8*time.Minute, 70*time.Minute)
			case x < 85:
				h.answerAfter = between(2*time.Hour, 9*time.Hour)
			default:
				h.answerAfter = between(14*time.Hour, 40*time.Hour)
			}
			if h.scenario.followUp != "" && r.IntN(100) < 65 {
				h.followUpAfter = between(time.Hour, 20*time.Hour)
				h.closingAfter = between(15*time.Minute, 6*time.Hour)
			}
			switch x := r.IntN(100); {
			case x < 84:
				h.resolveAfter = between(5*time.Minute, 3*time.Hour)
			case x < 92:
				h.pending = true
			}
			if h.resolveAfter > 0 && r.IntN(100) < 7 {
				h.reopenAfter = between(20*time.Hour, 72*time.Hour)
			}
			if r.IntN(100) < 12 {
				h.note = historyNote(h.lang, h.assignee)
			}
			if h.created.Before(o.Now) {
				plan = append(plan, h)
			}
		}
	}
	return plan
}

func (h *historyTicket) pickChannel(r *rand.Rand) {
	x := r.IntN(100)
	switch h.lang {
	case "en":
		switch {
		case x < 30:
			h.channel, h.store = "email", "demoshop.com"
		case x < 65:
			h.channel = "amazon"
			h.marketplace, h.store = []string{"amazon.de", "amazon.co.uk", "amazon.com"}[r.IntN(3)], ""
			h.store = map[string]string{"amazon.de": "Demo Shop DE", "amazon.co.uk": "Demo Shop UK", "amazon.com": "Demo Shop US"}[h.marketplace]
		case x < 88:
			h.channel, h.marketplace, h.store = "ebay", []string{"ebay.com", "ebay.de"}[r.IntN(2)], "demoshop-outlet"
		default:
			h.channel, h.marketplace, h.store = "walmart", "walmart.com", "Demo Shop US"
		}
	case "ko":
		if x < 65 {
			h.channel, h.store = "email", "demoshop.kr"
		} else {
			h.channel, h.marketplace, h.store = "amazon", "amazon.com", "Demo Shop US"
		}
	default:
		h.channel, h.store = "email", "demoshop.ro"
	}
}

// identify gives the buyer the address or alias the channel knows them by; the same name on the
// same channel is the same customer, so some buyers come back with earlier tickets.
func (h *historyTicket) identify(nameIdx int) {
	slug := fmt.Sprintf("buyer%02d%s", nameIdx, h.lang)
	switch h.channel {
	case "amazon":
		h.alias = fmt.Sprintf("%x@marketplace.%s", []byte(slug)[:6], h.marketplace)
		h.email = h.alias
	case "ebay":
		h.alias = slug + "_ebay"
	case "walmart":
		h.alias = slug + "@relay.walmart.com"
		h.email = h.alias
	default:
		tld := map[string]string{"en": "com", "ro": "ro", "ko": "kr"}[h.lang]
		h.email = slug + "@example." + tld
	}
}

func orderNumber(r *rand.Rand, channel string) string {
	switch channel {
	case "amazon":
		return fmt.Sprintf("%03d-%07d-%07d", 200+r.IntN(200), r.IntN(10_000_000), r.IntN(10_000_000))
	case "ebay":
		return fmt.Sprintf("%02d-%05d-%05d", 10+r.IntN(90), r.IntN(100_000), r.IntN(100_000))
	case "walmart":
		return fmt.Sprintf("10%013d", r.Int64N(10_000_000_000_000))
	default:
		return fmt.Sprintf("DS-%05d", 10_000+r.IntN(90_000))
	}
}

func historyNote(lang, assignee string) string {
	other := "ioana"
	if assignee == "agent2@demo.test" {
		other = "alex"
	}
	switch lang {
	case "ro":
		return "@" + other + " poți verifica stocul în depozit înainte să răspund?"
	case "ko":
		return "@" + other + " 창고 재고 확인 부탁드려요."
	default:
		return "@" + other + " can you check the warehouse stock before I answer?"
	}
}

func (h historyTicket) subject() string {
	s := h.scenario.subject
	if strings.Contains(s, "%s") {
		s = fmt.Sprintf(s, h.orderNumber)
	}
	switch {
	case h.channel == "amazon" && h.orderNumber != "":
		return fmt.Sprintf("Inquiry from Amazon customer %s (Order: %s)", h.name, h.orderNumber)
	case h.channel == "amazon":
		return fmt.Sprintf("Product details inquiry from Amazon customer %s", h.name)
	case h.channel == "walmart" && h.orderNumber != "":
		return fmt.Sprintf("Customer inquiry for order #%s", h.orderNumber)
	}
	return s
}

// playHistory runs one planned ticket through the services, each step at its own time; steps
// that would lie in the future are left for the demo's users to take.
func playHistory(ctx context.Context, st *store.Store, jobs *river.Client[pgx.Tx], sc tenant.Scope, users map[string]uuid.UUID, h historyTicket, now time.Time) error {
	svc := func(at time.Time) *conversation.Service { return demoService(st, jobs, at) }
	ref := conversation.CustomerRef{Name: h.name, Email: h.email, Language: h.lang}
	if h.alias != "" {
		ref.Channel, ref.ExternalID = h.channel, h.alias
	}
	from := h.email
	if from == "" {
		from = h.alias
	}
	tk, err := svc(h.created).CreateInbound(ctx, sc, conversation.NewTicket{Channel: h.channel, Marketplace: h.marketplace, Store: h.store,
		Subject: h.subject(), Language: h.lang, Presale: h.scenario.presale, Priority: h.priority, Tags: []string{h.scenario.tag},
		OrderNumber: h.orderNumber, Customer: ref,
		Message: conversation.Inbound{Text: h.scenario.question, At: h.created, From: from, ChannelMessageID: h.key}})
	if err != nil {
		return err
	}
	if h.orderNumber != "" {
		if err := addDemoOrder(ctx, svc(h.created), sc, tk, h.demoTicket(), h.created, h.created); err != nil {
			return err
		}
	}
	agent := tenant.Scope{Workspace: sc.Workspace, UserID: users[h.assignee], Role: tenant.RoleAgent}
	at := h.created.Add(h.assignAfter)
	if !at.Before(now) {
		return nil
	}
	cur, err := svc(at).Ticket(ctx, sc, tk.Number)
	if err != nil {
		return err
	}
	if !cur.AssigneeID.Valid {
		if err := svc(at).Assign(ctx, sc, tk.Number, agent.UserID); err != nil {
			return err
		}
	} else {
		agent.UserID = cur.AssigneeID.UUID
	}
	if h.note != "" {
		at = at.Add(3 * time.Minute)
		if at.Before(now) {
			if _, err := svc(at).Reply(ctx, agent, tk.Number, conversation.ReplyInput{Body: h.note, Note: true}); err != nil {
				return err
			}
		}
	}
	answer := func(at time.Time, body string) error {
		s := svc(at)
		cur, err := s.Ticket(ctx, agent, tk.Number)
		if err != nil {
			return err
		}
		m, err := s.Reply(ctx, agent, tk.Number, conversation.ReplyInput{Body: body, SeenLastMessageAt: &cur.LastMessageAt})
		if err != nil {
			return err
		}
		// The answer was accepted by its channel when it was written (sample history).
		return s.Deliver(ctx, sampleHistory{}, sc.TenantID(), m.ID)
	}
	at = h.created.Add(h.answerAfter)
	if !at.Before(now) {
		return nil
	}
	if err := answer(at, h.scenario.answer); err != nil {
		return err
	}
	if h.followUpAfter > 0 {
		at = at.Add(h.followUpAfter)
		if !at.Before(now) {
			return nil
		}
		if _, err := svc(at).AppendInbound(ctx, sc, tk.Number, conversation.Inbound{Text: h.scenario.followUp, At: at, From: from}); err != nil {
			return err
		}
		if h.scenario.closing != "" {
			at = at.Add(h.closingAfter)
			if !at.Before(now) {
				return nil
			}
			if err := answer(at, h.scenario.closing); err != nil {
				return err
			}
		}
	}
	switch {
	case h.pending:
		at = at.Add(2 * time.Minute)
		if at.Before(now) {
			return svc(at).SetStatus(ctx, agent, tk.Number, "pending", nil)
		}
		return nil
	case h.resolveAfter == 0:
		return nil
	}
	at = at.Add(h.resolveAfter)
	if !at.Before(now) {
		return nil
	}
	if err := svc(at).SetStatus(ctx, agent, tk.Number, "resolved", nil); err != nil {
		return err
	}
	if h.reopenAfter == 0 {
		return nil
	}
	at = at.Add(h.reopenAfter)
	if !at.Before(now) {
		return nil
	}
	if _, err := svc(at).AppendInbound(ctx, sc, tk.Number, conversation.Inbound{Text: reopenText(h.lang), At: at, From: from}); err != nil {
		return err
	}
	at = at.Add(90 * time.Minute)
	if !at.Before(now) {
		return nil
	}
	if err := answer(at, reopenAnswer(h.lang)); err != nil {
		return err
	}
	at = at.Add(10 * time.Minute)
	if !at.Before(now) {
		return nil
	}
	return svc(at).SetStatus(ctx, agent, tk.Number, "resolved", nil)
}

func reopenText(lang string) string {
	switch lang {
	case "ro":
		return "Bună din nou, am încă o întrebare: puteți trimite și factura?"
	case "ko":
		return "다시 문의드립니다. 영수증도 보내 주실 수 있나요?"
	}
	return "Hello again, one more thing: could you also send the invoice?"
}

func reopenAnswer(lang string) string {
	switch lang {
	case "ro":
		return "Sigur, factura este atașată. O zi frumoasă!"
	case "ko":
		return "네, 영수증을 첨부해 드렸습니다. 좋은 하루 보내세요!"
	}
	return "Of course, the invoice is attached. Have a great day!"
}

// demoTicket describes the ticket's order as the sample tickets describe theirs: the product in
// the currency of the buyer's market, shipped by a carrier of that market a few days earlier.
func (h historyTicket) demoTicket() demoTicket {
	p := historyProducts[h.product]
	o := &demoOrder{number: h.orderNumber, status: "shipped", currency: "EUR", amountMinor: p.price,
		lines:       []demoLine{{title: p.title, sku: p.sku, qty: 1, priceMinor: p.price}},
		shippedDays: 3, expectedDays: [2]int{-1, 1}}
	switch {
	case h.lang == "ko":
		o.currency, o.amountMinor, o.carrier = "KRW", p.price*15, "CJ Logistics"
		o.lines[0].priceMinor = o.amountMinor
	case h.lang == "ro":
		o.currency, o.amountMinor, o.carrier = "RON", p.price*5, "Sameday"
		o.lines[0].priceMinor = o.amountMinor
	case h.channel == "walmart" || h.marketplace == "amazon.com":
		o.currency, o.carrier = "USD", "UPS"
	case h.marketplace == "amazon.co.uk":
		o.currency, o.carrier = "GBP", "Royal Mail"
	default:
		o.carrier = "DHL"
	}
	if h.channel == "amazon" {
		o.lines[0].asin = "B0" + strings.ToUpper(fmt.Sprintf("%08x", uint32(h.product)*2654435761))
		o.account = "Amazon " + h.marketplace
	} else if h.channel != "email" {
		o.account = h.store
	}
	o.tracking = fmt.Sprintf("%s%010d", map[string]string{"UPS": "1Z999AA1", "Royal Mail": "JB", "DHL": "00340434", "CJ Logistics": "6", "Sameday": "1ONB"}[o.carrier], len(h.key)*7919+int(h.created.Unix()%1_000_000))
	if h.scenario.tag == "damaged" || h.scenario.tag == "return" || h.scenario.tag == "refund" || h.scenario.tag == "invoice" {
		o.status, o.deliveredDays = "delivered", 1
	}
	return demoTicket{marketplace: h.marketplace, store: h.store, order: o}
}
