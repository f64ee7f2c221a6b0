package ebay_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/ebay"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// An order as Fulfillment's getOrder answers it (trimmed to fields the description has).
func fulfillmentOrder(paymentStatus, fulfillmentStatus, cancelState string) map[string]any {
	return map[string]any{
		"orderId":                "12-10503-84829",
		"creationDate":           "2026-11-12T08:14:31.000Z",
		"lastModifiedDate":       "2026-11-14T10:00:00.000Z",
		"orderFulfillmentStatus": fulfillmentStatus,
		"orderPaymentStatus":     paymentStatus,
		"sellerId":               seller,
		"buyer":                  map[string]any{"username": "k***r"},
		"cancelStatus":           map[string]any{"cancelState": cancelState, "cancelRequests": []any{}},
		"pricingSummary": map[string]any{
			"priceSubtotal": map[string]any{"value": "54.80", "currency": "EUR"},
			"deliveryCost":  map[string]any{"value": "4.99", "currency": "EUR"},
			"total":         map[string]any{"value": "59.79", "currency": "EUR"},
		},
		"lineItems": []map[string]any{
			{"lineItemId": "10077338882301", "legacyItemId": "276198342211", "sku": "MUG-BLU-350", "title": "Stoneware mug, blue, 350 ml",
				"quantity": 2, "lineItemCost": map[string]any{"value": "31.80", "currency": "EUR"},
				"total": map[string]any{"value": "31.80", "currency": "EUR"}, "purchaseMarketplaceId": "EBAY_DE",
				"lineItemFulfillmentStatus": "FULFILLED",
				"lineItemFulfillmentInstructions": map[string]any{"minEstimatedDeliveryDate": "2026-11-15T23:00:00.000Z",
					"maxEstimatedDeliveryDate": "2026-11-18T23:00:00.000Z", "shipByDate": "2026-11-13T22:59:59.000Z", "guaranteedDelivery": false}},
			{"lineItemId": "10077338882302", "legacyItemId": "276198342299", "sku": "TEA-SEN-100", "title": "Sencha, 100 g",
				"quantity": 1, "lineItemCost": map[string]any{"value": "23.00", "currency": "EUR"},
				"total": map[string]any{"value": "23.00", "currency": "EUR"}, "purchaseMarketplaceId": "EBAY_DE",
				"lineItemFulfillmentStatus": "FULFILLED"},
		},
	}
}

func TestGetOrder(t *testing.T) {
	t.Parallel()

	shipments := map[string]any{"total": 1, "fulfillments": []map[string]any{{"fulfillmentId": "9405509206094231234567",
		"shipmentTrackingNumber": "00340434161094271234", "shippingCarrierCode": "DHL", "shippedDate": "2026-11-13T15:02:00.000Z",
		"lineItems": []map[string]any{{"lineItemId": "10077338882301", "quantity": 2}, {"lineItemId": "10077338882302", "quantity": 1}}}}}

	t.Run("MappedToTheOrderModel", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		require.NoError(t, b.sim.SetOrder("12-10503-84829", fulfillmentOrder("PAID", "FULFILLED", "NONE_REQUESTED"), shipments))

		o, ships, err := b.client.GetOrder(t.Context(), b.tokens, "12-10503-84829")
		require.NoError(t, err)
		in, err := ebay.OrderInput(o, ships, "Bright Goods DE", seller, b.clock.Now())
		require.NoError(t, err)

		from := time.Date(2026, 11, 15, 23, 0, 0, 0, time.UTC)
		to := time.Date(2026, 11, 18, 23, 0, 0, 0, time.UTC)
		shipped := time.Date(2026, 11, 13, 15, 2, 0, 0, time.UTC)
		require.Equal(t, conversation.OrderInput{Marketplace: "ebay.de", Store: "Bright Goods DE", Number: "12-10503-84829",
			SourceAccount: seller, Status: "shipped", AmountMinor: 5979, Currency: "EUR",
			OrderedAt: time.Date(2026, 11, 12, 8, 14, 31, 0, time.UTC), ExpectedFrom: &from, ExpectedTo: &to, FetchedAt: b.clock.Now(),
			Lines: []conversation.OrderLineInput{
				{Title: "Stoneware mug, blue, 350 ml", SKU: "MUG-BLU-350", ItemID: "276198342211", Quantity: 2, UnitPriceMinor: 1590, TotalMinor: 3180, Currency: "EUR"},
				{Title: "Sencha, 100 g", SKU: "TEA-SEN-100", ItemID: "276198342299", Quantity: 1, UnitPriceMinor: 2300, TotalMinor: 2300, Currency: "EUR"},
			},
			Shipments: []conversation.ShipmentInput{{Carrier: "DHL", TrackingNumber: "00340434161094271234", ShippedAt: &shipped}},
		}, in)
	})

	t.Run("Statuses", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ payment, fulfillment, cancel, want string }{
			{"PAID", "NOT_STARTED", "NONE_REQUESTED", "unshipped"},
			{"PAID", "IN_PROGRESS", "NONE_REQUESTED", "partially_shipped"},
			{"PAID", "FULFILLED", "NONE_REQUESTED", "shipped"},
			{"PENDING", "NOT_STARTED", "NONE_REQUESTED", "pending"},
			{"PAID", "NOT_STARTED", "CANCELED", "canceled"},
			{"FULLY_REFUNDED", "NOT_STARTED", "NONE_REQUESTED", "canceled"},
			{"FULLY_REFUNDED", "FULFILLED", "NONE_REQUESTED", "returned"},
		} {
			var o ebay.Order
			o.OrderID, o.CreationDate = "1", "2026-11-12T08:14:31.000Z"
			o.OrderPaymentStatus, o.OrderFulfillmentStatus, o.CancelStatus.CancelState = tc.payment, tc.fulfillment, tc.cancel
			in, err := ebay.OrderInput(o, nil, "", "", time.Time{})
			require.NoError(t, err)
			require.Equal(t, tc.want, in.Status, "%+v", tc)
			require.Contains(t, conversation.OrderStatuses, in.Status)
		}
	})

	t.Run("YenHasNoMinorUnit", func(t *testing.T) {
		t.Parallel()
		var o ebay.Order
		o.OrderID, o.CreationDate = "1", "2026-11-12T08:14:31.000Z"
		o.PricingSummary.Total = ebay.Amount{Value: "4980", Currency: "JPY"}
		in, err := ebay.OrderInput(o, nil, "", "", time.Time{})
		require.NoError(t, err)
		require.Equal(t, int64(4980), in.AmountMinor)

		o.PricingSummary.Total = ebay.Amount{Value: "12.345", Currency: "EUR"}
		_, err = ebay.OrderInput(o, nil, "", "", time.Time{})
		require.Error(t, err, "never rounded silently")
	})

	t.Run("UnknownOrderIsPermanent", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		_, _, err := b.client.GetOrder(t.Context(), b.tokens, "99-00000-00000")
		var e *ebay.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ebay.Permanent, e.Kind)
		require.Equal(t, http.StatusNotFound, e.Status)
	})
}
