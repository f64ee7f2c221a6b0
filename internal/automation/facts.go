package automation

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// loadFacts reads what conditions test in one query; business hours are looked up only when a
// condition asks.
func (e *Engine) loadFacts(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, ticketID, messageID int64, needHours bool) (*rule.Facts, dbsqlc.RuleFactsRow, error) {
	p := dbsqlc.RuleFactsParams{TenantID: tenantID, TicketID: ticketID}
	if messageID != 0 {
		p.MessageID = pgInt8(messageID)
	}
	row, err := q.RuleFacts(ctx, p)
	if err != nil {
		return nil, row, err
	}
	f := &rule.Facts{
		Channel: row.Channel, Marketplace: row.Marketplace, Store: row.Store, Sender: row.Sender, Subject: row.Subject,
		Body: row.Body, Language: row.Language, Priority: conversation.Priorities[row.Priority], Status: row.Status,
		CustomerTags: row.CustomerTags, Tags: row.Tags, OrderStatuses: row.OrderStatuses,
		OrderValue: float64(row.OrderAmountMinor) / 100, HasOrder: row.OrderCount > 0, Presale: row.Presale,
	}
	if needHours {
		open, err := e.openNow(ctx, q, tenantID)
		if err != nil {
			return nil, row, err
		}
		f.InBusinessHours = open
	}
	return f, row, nil
}

func (e *Engine) openNow(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID) (bool, error) {
	cal, err := e.SLA.DefaultCalendar(ctx, q, tenantID)
	if err != nil {
		return false, err
	}
	return cal.Open(e.now()), nil
}

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// productQuestion spots a pre-sale question: asked before buying, about stock, size, fit,
// compatibility or shipping, in English, Romanian or Korean.
func productQuestion(subject, body string) bool {
	text := strings.ToLower(subject + "\n" + body)
	for _, p := range presalePhrases {
		if strings.Contains(text, p) {
			return true
		}
	}
	return false
}

var presalePhrases = []string{
	"before i buy", "before buying", "before i order", "before ordering", "before i purchase", "planning to buy",
	"in stock", "back in stock", "is it compatible", "compatible with", "will it fit", "does it fit", "what size",
	"which size", "do you ship to", "can you ship to", "pre-order", "preorder", "bulk discount",
	"înainte să cumpăr", "inainte sa cumpar", "înainte de a comanda", "inainte de a comanda", "aveți în stoc",
	"aveti in stoc", "este compatibil", "ce mărime", "ce marime",
	"구매 전", "구매하기 전", "주문하기 전", "재고 있", "재입고", "사이즈 문의", "호환",
}
