package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
)

// OrderLinkForm is the "link an order by number" form as it comes back after a refusal: what
// was typed, the marketplaces to choose from when several have that number, and the reason.
type OrderLinkForm struct {
	Number       string
	Marketplaces []string
	Error        string
}

// linesShown is how many lines of an order show before the rest fold away: a ten-line order
// would otherwise push everything else below the fold.
const linesShown = 3

// zeroDecimal are the currencies whose minor unit is the unit (ISO 4217 exponent 0).
var zeroDecimal = []string{"KRW", "JPY", "VND", "CLP", "ISK", "UGX", "PYG", "XOF", "XAF"}

// orderMoney formats minor units of a currency in the reader's number style: "54.80 EUR",
// "54,80 EUR", "25,900 KRW".
func orderMoney(ctx context.Context, minor int64, currency string) string {
	p := i18n.FromContext(ctx)
	if slices.Contains(zeroDecimal, currency) {
		return p.Number(minor) + " " + currency
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	dec := "."
	if p.Lang() == "ro" {
		dec = ","
	}
	return fmt.Sprintf("%s%s%s%02d %s", sign, p.Number(minor/100), dec, minor%100, currency)
}

// orderStatusLabel is an order status in the reader's language; a status outside the known set
// (a source's own word) shows as the source wrote it.
func orderStatusLabel(ctx context.Context, status string) string {
	if slices.Contains(conversation.OrderStatuses, status) {
		return i18n.T(ctx, "order.status."+status)
	}
	return status
}

// itemIDLabel names the marketplace's item id as its sellers know it.
func itemIDLabel(ctx context.Context, marketplace, id string) string {
	if strings.HasPrefix(marketplace, "amazon") {
		return i18n.T(ctx, "order.asin", id)
	}
	return i18n.T(ctx, "order.item_id", id)
}

// dayRange is "Dec 3, 2026" for one day and "Dec 3, 2026 – Dec 5, 2026" for a window.
func dayRange(ctx context.Context, from, to *time.Time) string {
	p := i18n.FromContext(ctx)
	switch {
	case from != nil && to != nil && p.Date(*from) != p.Date(*to):
		return p.Date(*from) + " – " + p.Date(*to)
	case to != nil:
		return p.Date(*to)
	case from != nil:
		return p.Date(*from)
	}
	return ""
}

// fetchedText says how fresh an order is: "fetched 5 min ago".
func fetchedText(ctx context.Context, at, now time.Time) string {
	if now.Sub(at) < time.Minute {
		return i18n.T(ctx, "order.fetched_now")
	}
	return i18n.T(ctx, "order.fetched_ago", relTime(ctx, at, now))
}

// orderPlace is the order's marketplace and store, as one line.
func orderPlace(o conversation.Order) string {
	parts := []string{o.Marketplace}
	if o.Store != "" && o.Store != o.Marketplace {
		parts = append(parts, o.Store)
	}
	return strings.Join(parts, " · ")
}

// orderEventText is the timeline line of a link or unlink: "Order 302-… (amazon.de) linked".
func orderEventText(ctx context.Context, kind string, data []byte) string {
	var ev struct{ Order, Marketplace string }
	_ = json.Unmarshal(data, &ev)
	return i18n.T(ctx, "event."+kind, ev.Order, ev.Marketplace)
}

// orderLinkError is the refusal under the order-number field, if any.
func (t TicketView) orderLinkError() string {
	if t.OrderLink == nil {
		return ""
	}
	return t.OrderLink.Error
}
