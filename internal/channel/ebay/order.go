package ebay

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

const fulfillmentPath = "/sell/fulfillment/v1"

// Amount is eBay's money: a decimal string and an ISO 4217 currency.
type Amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// Order is the part of Fulfillment's order the helpdesk shows.
type Order struct {
	OrderID                string `json:"orderId"`
	CreationDate           string `json:"creationDate"`
	OrderFulfillmentStatus string `json:"orderFulfillmentStatus"` // NOT_STARTED, IN_PROGRESS, FULFILLED
	OrderPaymentStatus     string `json:"orderPaymentStatus"`     // FAILED, FULLY_REFUNDED, PAID, PARTIALLY_REFUNDED, PENDING
	CancelStatus           struct {
		CancelState string `json:"cancelState"` // CANCELED, IN_PROGRESS, NONE_REQUESTED
	} `json:"cancelStatus"`
	Buyer struct {
		Username string `json:"username"`
	} `json:"buyer"`
	PricingSummary struct {
		Total Amount `json:"total"`
	} `json:"pricingSummary"`
	LineItems []LineItem `json:"lineItems"`
}

// LineItem is one line of an order.
type LineItem struct {
	LineItemID                      string `json:"lineItemId"`
	LegacyItemID                    string `json:"legacyItemId"`
	SKU                             string `json:"sku"`
	Title                           string `json:"title"`
	Quantity                        int    `json:"quantity"`
	LineItemCost                    Amount `json:"lineItemCost"`
	Total                           Amount `json:"total"`
	PurchaseMarketplaceID           string `json:"purchaseMarketplaceId"`
	LineItemFulfillmentInstructions struct {
		MinEstimatedDeliveryDate string `json:"minEstimatedDeliveryDate"`
		MaxEstimatedDeliveryDate string `json:"maxEstimatedDeliveryDate"`
	} `json:"lineItemFulfillmentInstructions"`
}

// Fulfillment is one shipment of an order.
type Fulfillment struct {
	FulfillmentID          string `json:"fulfillmentId"`
	ShipmentTrackingNumber string `json:"shipmentTrackingNumber"`
	ShippingCarrierCode    string `json:"shippingCarrierCode"`
	ShippedDate            string `json:"shippedDate"`
}

// GetOrder reads an order and its shipments (getOrder, then getShippingFulfillments).
func (c *Client) GetOrder(ctx context.Context, auth Auth, orderID string) (Order, []Fulfillment, error) {
	if strings.TrimSpace(orderID) == "" {
		return Order{}, nil, errors.New("ebay: getOrder: no order id")
	}
	var o Order
	if err := c.do(ctx, auth, call{op: "getOrder", method: http.MethodGet,
		path: fulfillmentPath + "/order/" + url.PathEscape(orderID), out: &o, want: http.StatusOK}); err != nil {
		return Order{}, nil, err
	}
	var f struct {
		Fulfillments []Fulfillment `json:"fulfillments"`
	}
	if err := c.do(ctx, auth, call{op: "getShippingFulfillments", method: http.MethodGet,
		path: fulfillmentPath + "/order/" + url.PathEscape(orderID) + "/shipping_fulfillment", out: &f, want: http.StatusOK}); err != nil {
		return Order{}, nil, err
	}
	return o, f.Fulfillments, nil
}

// marketplaces are eBay's marketplace ids as the helpdesk names marketplaces (the site's domain).
var marketplaces = map[string]string{
	"EBAY_US": "ebay.com", "EBAY_MOTORS_US": "ebay.com", "EBAY_CA": "ebay.ca", "EBAY_GB": "ebay.co.uk",
	"EBAY_DE": "ebay.de", "EBAY_FR": "ebay.fr", "EBAY_IT": "ebay.it", "EBAY_ES": "ebay.es",
	"EBAY_AT": "ebay.at", "EBAY_CH": "ebay.ch", "EBAY_BE": "ebay.be", "EBAY_NL": "ebay.nl",
	"EBAY_IE": "ebay.ie", "EBAY_PL": "ebay.pl", "EBAY_AU": "ebay.com.au", "EBAY_HK": "ebay.com.hk",
	"EBAY_SG": "ebay.com.sg", "EBAY_MY": "ebay.com.my", "EBAY_PH": "ebay.ph", "EBAY_IN": "ebay.in",
	"EBAY_TW": "ebay.com.tw",
}

// Marketplace names an eBay marketplace id as the helpdesk does ("EBAY_DE" → "ebay.de").
func Marketplace(id string) string {
	if m, ok := marketplaces[strings.ToUpper(id)]; ok {
		return m
	}
	return "ebay.com"
}

// OrderInput maps an order and its shipments to the order model. store and account name the
// seller's store and the eBay user the order was read through; the customer is left to the caller.
func OrderInput(o Order, shipments []Fulfillment, store, account string, fetchedAt time.Time) (conversation.OrderInput, error) {
	in := conversation.OrderInput{Number: o.OrderID, Store: store, SourceAccount: account,
		Status: orderStatus(o), FetchedAt: fetchedAt, Currency: o.PricingSummary.Total.Currency}
	in.Marketplace = "ebay.com"
	if len(o.LineItems) > 0 {
		in.Marketplace = Marketplace(o.LineItems[0].PurchaseMarketplaceID)
	}
	if in.OrderedAt = parseTime(o.CreationDate); in.OrderedAt.IsZero() {
		return conversation.OrderInput{}, fmt.Errorf("ebay: order %s: creation date %q", o.OrderID, o.CreationDate)
	}
	total, err := minorUnits(o.PricingSummary.Total)
	if err != nil {
		return conversation.OrderInput{}, fmt.Errorf("ebay: order %s total: %w", o.OrderID, err)
	}
	in.AmountMinor = total
	for _, li := range o.LineItems {
		unit, err := minorUnits(li.LineItemCost)
		if err != nil {
			return conversation.OrderInput{}, fmt.Errorf("ebay: order %s line %s: %w", o.OrderID, li.LineItemID, err)
		}
		line := conversation.OrderLineInput{Title: li.Title, SKU: li.SKU, ItemID: li.LegacyItemID,
			Quantity: li.Quantity, Currency: li.LineItemCost.Currency}
		// lineItemCost is the line's price for all its units; the unit price is derived.
		line.TotalMinor = unit
		if li.Quantity > 0 {
			line.UnitPriceMinor = unit / int64(li.Quantity)
		}
		in.Lines = append(in.Lines, line)
		fi := li.LineItemFulfillmentInstructions
		if t := parseTime(fi.MinEstimatedDeliveryDate); !t.IsZero() && (in.ExpectedFrom == nil || t.Before(*in.ExpectedFrom)) {
			in.ExpectedFrom = &t
		}
		if t := parseTime(fi.MaxEstimatedDeliveryDate); !t.IsZero() && (in.ExpectedTo == nil || t.After(*in.ExpectedTo)) {
			in.ExpectedTo = &t
		}
	}
	for _, f := range shipments {
		sh := conversation.ShipmentInput{Carrier: f.ShippingCarrierCode, TrackingNumber: f.ShipmentTrackingNumber}
		if t := parseTime(f.ShippedDate); !t.IsZero() {
			sh.ShippedAt = &t
		}
		in.Shipments = append(in.Shipments, sh)
	}
	return in, nil
}

// orderStatus maps eBay's three status fields onto the helpdesk's order states.
func orderStatus(o Order) string {
	fulfilled := o.OrderFulfillmentStatus == "FULFILLED"
	switch {
	case o.CancelStatus.CancelState == "CANCELED":
		return "canceled"
	case o.OrderPaymentStatus == "FULLY_REFUNDED" && fulfilled:
		return "returned"
	case o.OrderPaymentStatus == "FULLY_REFUNDED":
		return "canceled"
	case o.OrderPaymentStatus == "PENDING" || o.OrderPaymentStatus == "FAILED":
		return "pending"
	case fulfilled:
		return "shipped"
	case o.OrderFulfillmentStatus == "IN_PROGRESS":
		return "partially_shipped"
	default:
		return "unshipped"
	}
}

// currencyDigits are the ISO 4217 minor-unit digits that are not 2.
var currencyDigits = map[string]int{"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "HUF": 2,
	"BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3}

// minorUnits turns "12.34" EUR into 1234 (exactly: decimal strings never pass through floats).
func minorUnits(a Amount) (int64, error) {
	if strings.TrimSpace(a.Value) == "" {
		return 0, nil
	}
	digits, ok := currencyDigits[strings.ToUpper(a.Currency)]
	if !ok {
		digits = 2
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(a.Value))
	if !ok {
		return 0, fmt.Errorf("amount %q is not a number", a.Value)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)))
	if !r.IsInt() {
		return 0, fmt.Errorf("amount %q has more decimals than %s takes", a.Value, a.Currency)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("amount %q is too large", a.Value)
	}
	return r.Num().Int64(), nil
}
