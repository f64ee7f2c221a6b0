package apicontract

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadSpec(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name, base, operation string
	}{
		{EbayMessage, "/commerce/message/v1", "getConversations"},
		{EbayNotification, "/commerce/notification/v1", "getPublicKey"},
		{EbayFulfillment, "/sell/fulfillment/v1", "getOrder"},
		{AmazonOrders, "", "getOrder"}, // Swagger 2.0, converted
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sp, err := LoadSpec(tc.name)
			require.NoError(t, err)
			require.Equal(t, tc.base, sp.BasePath)
			s, err := New([]*Spec{sp}, Options{})
			require.NoError(t, err)
			require.True(t, s.hasOperation(tc.operation))
		})
	}
}
