package conversation_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

func TestUsefulSubject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, subject string
		want          conversation.Subject
	}{
		{"amazon wrapper", "Inquiry from Amazon customer Olivia Martinez (Order: 112-4567890-1234567)",
			conversation.Subject{Order: "112-4567890-1234567"}},
		{"amazon wrapper with reply prefixes", "RE: Re: Inquiry from Amazon customer Olivia (Order: 112-4567890-1234567)",
			conversation.Subject{Order: "112-4567890-1234567"}},
		{"amazon wrapper with a topic", "Message from Amazon customer Jane Doe: Item arrived damaged (Order: 305-1111111-2222222)",
			conversation.Subject{Text: "Item arrived damaged", Order: "305-1111111-2222222"}},
		{"amazon order number without a label", "Return for 305-1111111-2222222 please",
			conversation.Subject{Text: "Return for 305-1111111-2222222 please", Order: "305-1111111-2222222"}},
		{"ebay wrapper", "Message from eBay member bargain_hunter_22",
			conversation.Subject{}},
		{"ebay topic", "Other: bargain_hunter_22 sent a message about Vintage brass lamp #264861231234",
			conversation.Subject{Text: "Vintage brass lamp #264861231234"}},
		{"walmart wrapper", "Walmart Customer Inquiry: Order #1234567890123",
			conversation.Subject{Order: "1234567890123"}},
		{"walmart topic", "New message from Walmart customer - Wrong size delivered (PO 1234567890123)",
			conversation.Subject{Text: "Wrong size delivered", Order: "1234567890123"}},
		{"korean wrapper", "Amazon 고객 김민수님의 문의 (주문: 503-1234567-1234567)",
			conversation.Subject{Order: "503-1234567-1234567"}},
		{"korean topic with order number", "답장: 배송 언제 되나요? (주문번호: 2026112212345)",
			conversation.Subject{Text: "배송 언제 되나요?", Order: "2026112212345"}},
		{"romanian wrapper with diacritics", "Întrebare de la cumpărătorul eMAG Ion Popescu (Comanda nr. 400123456)",
			conversation.Subject{Order: "400123456"}},
		{"romanian wrapper folded", "Intrebare de la cumparatorul eMAG Ion Popescu (Comanda nr. 400123456)",
			conversation.Subject{Order: "400123456"}},
		{"romanian plain", "Răs: Aplicația nu pornește",
			conversation.Subject{Text: "Aplicația nu pornește"}},
		{"plain english", "Where is my parcel?", conversation.Subject{Text: "Where is my parcel?"}},
		{"order in a sentence stays", "Where is order 1234567?", conversation.Subject{Text: "Where is order 1234567?", Order: "1234567"}},
		{"a word that only contains po", "Report 12345 attached", conversation.Subject{Text: "Report 12345 attached"}},
		{"empty", "", conversation.Subject{}},
		{"amazon as a topic is no wrapper", "Amazon Prime delivery was late", conversation.Subject{Text: "Amazon Prime delivery was late"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, conversation.UsefulSubject(tc.subject))
		})
	}
}
