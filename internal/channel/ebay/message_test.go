package ebay_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apicontract"
	"github.com/shopdesk/shopdesk/internal/channel/ebay"
	"github.com/shopdesk/shopdesk/internal/channel/ebay/ebaysim"
)

func TestFetch(t *testing.T) {
	t.Parallel()

	t.Run("ConversationsOverSeveralPages", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		start := b.clock.Now()
		for i := range 120 {
			b.sim.AddMessage(fmt.Sprintf("c-%03d", i), ebay.FromMembers, fmt.Sprintf("buyer%03d", i), fmt.Sprintf("buyer%03d", i),
				fmt.Sprintf("Where is order %d?", i), start.Add(-time.Duration(i+1)*time.Hour))
		}
		b.sim.AddMessage("e-1", ebay.FromEbay, "eBay", "eBay", "A buyer opened a return request.", start.Add(-2*time.Hour))

		res, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Len(t, res.Messages, 121)
		require.Equal(t, 121, res.Conversations)
		require.Equal(t, 3+1, b.srv.Calls("getConversations"), "50 + 50 + 20 members' conversations, one page from eBay")
		require.Equal(t, "Where is order 119?", res.Messages[0].Message.MessageBody, "oldest first")
		last := res.Messages[len(res.Messages)-1]
		require.Equal(t, "Where is order 0?", last.Message.MessageBody)
		require.False(t, last.Outbound)
		var fromEbay int
		for _, m := range res.Messages {
			if m.Conversation.ConversationType == ebay.FromEbay {
				fromEbay++
			}
		}
		require.Equal(t, 1, fromEbay)
		require.Equal(t, start, res.Next.FromMembers)
	})

	t.Run("NewMessageInOldConversationExactlyOnce", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		now := b.clock.Now()
		b.sim.AddMessage("c-old", ebay.FromMembers, "buyer_a", "buyer_a", "Is this still available?", now.Add(-72*time.Hour))
		b.sim.AddMessage("c-old", ebay.FromMembers, "buyer_a", seller, "Yes, it ships today.", now.Add(-71*time.Hour))
		b.sim.AddMessage("c-other", ebay.FromMembers, "buyer_b", "buyer_b", "Thanks!", now.Add(-5*time.Hour))

		first, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Len(t, first.Messages, 3)
		require.True(t, first.Messages[1].Outbound, "the seller's own reply on eBay is outbound")

		b.clock.Add(time.Minute)
		b.sim.AddMessage("c-old", ebay.FromMembers, "buyer_a", "buyer_a", "It has not arrived.", b.clock.Now())
		b.clock.Add(time.Minute)
		calls := b.srv.Calls("getConversation")
		second, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor(cursorRoundTrip(t, first.Next)), ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Len(t, second.Messages, 1)
		require.Equal(t, "It has not arrived.", second.Messages[0].Message.MessageBody)
		require.Equal(t, "c-old", second.Messages[0].Conversation.ConversationID)
		require.Equal(t, calls+1, b.srv.Calls("getConversation"), "only the conversation that moved is read")

		b.clock.Add(time.Minute)
		third, err := b.client.Fetch(t.Context(), b.tokens, cursorRoundTrip(t, second.Next), ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Empty(t, third.Messages, "read again inside the overlap, but not returned twice")

		b.clock.Add(15 * time.Minute)
		fourth, err := b.client.Fetch(t.Context(), b.tokens, cursorRoundTrip(t, third.Next), ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Empty(t, fourth.Messages)
		require.Empty(t, fourth.Next.Seen, "the message is behind the next overlap: no need to remember it")

		b.clock.Add(time.Minute)
		calls = b.srv.Calls("getConversation")
		fifth, err := b.client.Fetch(t.Context(), b.tokens, cursorRoundTrip(t, fourth.Next), ebay.SyncOptions{Seller: seller})
		require.NoError(t, err)
		require.Empty(t, fifth.Messages)
		require.Equal(t, calls, b.srv.Calls("getConversation"), "past the overlap, a quiet account reads no conversation")
	})

	t.Run("MessagesOverSeveralPages", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		now := b.clock.Now()
		for i := range 130 {
			b.sim.AddMessage("c-long", ebay.FromMembers, "buyer_c", "buyer_c", fmt.Sprintf("message %d", i), now.Add(-time.Duration(130-i)*time.Minute))
		}
		page, err := b.client.GetConversation(t.Context(), b.tokens, "c-long", ebay.FromMembers, 0, 100)
		require.NoError(t, err)
		require.Len(t, page.Messages, 30)
		require.Equal(t, 130, page.Total)
		require.False(t, page.More())

		res, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{})
		require.NoError(t, err)
		require.Len(t, res.Messages, 130)
		require.Equal(t, 1+3, b.srv.Calls("getConversation"), "pages of 50, 50 and 30 after the single read")
	})

	t.Run("RateLimitedWithRetryAfter", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, header string
			want         time.Duration
		}{
			{"Seconds", "17", 17 * time.Second},
			{"HTTPDate", time.Date(2026, 11, 20, 9, 2, 30, 0, time.UTC).Format(http.TimeFormat), 150 * time.Second},
			{"Missing", "", ebay.DefaultRetryAfter},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				b := newBundle(t)
				b.sim.Fail("getConversations", ebaysim.Failure{Status: http.StatusTooManyRequests, RetryAfter: tc.header})
				_, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{})
				wait, limited := ebay.RetryAfter(err)
				require.True(t, limited, "%v", err)
				require.Equal(t, tc.want, wait)
				require.Equal(t, ebay.RateLimited, ebay.KindOf(err))

				_, err = b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{})
				require.NoError(t, err, "the next try after the wait goes through")
			})
		}
	})

	t.Run("ServerErrorsAreTransient", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.sim.AddMessage("c-1", ebay.FromMembers, "buyer_a", "buyer_a", "Hello", b.clock.Now().Add(-time.Hour))
		b.sim.Fail("getConversation", ebaysim.Failure{Status: http.StatusInternalServerError}, ebaysim.Failure{Status: http.StatusServiceUnavailable})
		for range 2 {
			res, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{})
			require.Equal(t, ebay.Transient, ebay.KindOf(err), "%v", err)
			require.Empty(t, res.Messages, "nothing half-read is returned")
			require.Zero(t, res.Next.FromMembers)
		}
		res, err := b.client.Fetch(t.Context(), b.tokens, ebay.Cursor{}, ebay.SyncOptions{})
		require.NoError(t, err)
		require.Len(t, res.Messages, 1)
	})

	t.Run("ConnectionFailureIsTransient", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		dead, err := ebay.New(ebay.Config{ClientID: appID, ClientSecret: appCert, RuName: ruName,
			Endpoints: ebay.Local("http://127.0.0.1:1"), Now: b.clock.Now})
		require.NoError(t, err)
		_, err = dead.GetConversations(t.Context(), dead.Tokens(b.tokens.Grant()), ebay.ConversationQuery{Type: ebay.FromMembers})
		require.Equal(t, ebay.Transient, ebay.KindOf(err), "%v", err)
	})

	t.Run("PermanentKeepsEbaysError", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		_, err := b.client.GetConversation(t.Context(), b.tokens, "c-missing", ebay.FromMembers, 0, 0)
		var e *ebay.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, ebay.Permanent, e.Kind)
		require.Equal(t, http.StatusNotFound, e.Status)
		require.Equal(t, 355007, e.Details[0].ErrorID)
		require.Contains(t, err.Error(), "Invalid or unrecognized conversation_id value.")
	})
}

func cursorRoundTrip(t *testing.T, c ebay.Cursor) ebay.Cursor {
	t.Helper()
	back, err := ebay.ParseCursor(c.Bytes())
	require.NoError(t, err)
	return back
}

func TestSendMessage(t *testing.T) {
	t.Parallel()

	// Emoji of one code point, one with a skin tone (two) and one with a variation selector (two).
	emoji := "📦🚚😀👍🏽🎁✨🙏❤️"
	n := len(utf16.Encode([]rune(emoji)))
	require.Equal(t, 17, n, "UTF-16 units, as eBay's API counts")
	exact := strings.Repeat("a", 2000-n) + emoji
	require.Equal(t, 2000, ebay.MessageLength(exact))

	for _, tc := range []struct {
		name  string
		text  string
		sent  bool
		check func(t *testing.T, err error)
	}{
		{name: "TwoThousandWithEmoji", text: exact, sent: true},
		{name: "CRLFCountsAsSent", text: strings.Repeat("b", 1000) + strings.Repeat("\r\n", 10) + strings.Repeat("c", 2000-1000-10-n) + emoji, sent: true},
		{name: "TwoThousandAndOneRefusedBeforeCalling", text: exact + "!", check: func(t *testing.T, err error) {
			require.ErrorIs(t, err, ebay.ErrTooLong)
		}},
		// 1,001 code points, 2,002 UTF-16 units: refused.
		{name: "EmojiCountedAsSent", text: strings.Repeat("😀", 1001), check: func(t *testing.T, err error) {
			require.ErrorIs(t, err, ebay.ErrTooLong)
		}},
		{name: "Empty", text: " \n ", check: func(t *testing.T, err error) { require.Error(t, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBundle(t)
			b.sim.AddMessage("c-1", ebay.FromMembers, "buyer_a", "buyer_a", "Where is my parcel?", b.clock.Now().Add(-time.Hour))
			sent, err := b.client.SendMessage(t.Context(), b.tokens, ebay.Reply{ConversationID: "c-1", Text: tc.text})
			if !tc.sent {
				tc.check(t, err)
				require.Equal(t, 0, b.srv.Calls("sendMessage"), "refused before calling eBay")
				return
			}
			require.NoError(t, err)
			require.NotEmpty(t, sent.MessageID)
			require.Equal(t, seller, sent.SenderUserName)
			msgs := b.sim.Messages("c-1")
			require.Len(t, msgs, 2)
			require.Equal(t, strings.ReplaceAll(tc.text, "\r\n", "\n"), msgs[1].MessageBody)
		})
	}

	t.Run("MediaAndNewConversation", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		sent, err := b.client.SendMessage(t.Context(), b.tokens, ebay.Reply{OtherPartyUsername: "buyer_z", Text: "Here is the invoice.",
			Media: []ebay.Media{{MediaName: "invoice.pdf", MediaType: "PDF", MediaURL: "https://files.shopdesk.test/a/9f2c?exp=1764&sig=ab12"}}})
		require.NoError(t, err)
		require.Equal(t, "buyer_z", sent.RecipientUserName)
		require.Len(t, sent.MessageMedia, 1)

		_, err = b.client.SendMessage(t.Context(), b.tokens, ebay.Reply{OtherPartyUsername: "buyer_z", Text: "x",
			Media: []ebay.Media{{MediaName: "a.pdf", MediaType: "PDF", MediaURL: "http://files.shopdesk.test/a"}}})
		require.Error(t, err, "eBay fetches media over https only")
		require.Equal(t, 1, b.srv.Calls("sendMessage"))
	})

	t.Run("FindSentAfterAnAmbiguousFailure", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.sim.AddMessage("c-1", ebay.FromMembers, "buyer_a", "buyer_a", "Where is my parcel?", b.clock.Now().Add(-time.Hour))
		attempt := b.clock.Now()
		_, found, err := b.client.FindSent(t.Context(), b.tokens, "c-1", seller, "It left today.", attempt.Add(-2*time.Minute))
		require.NoError(t, err)
		require.False(t, found)
		_, err = b.client.SendMessage(t.Context(), b.tokens, ebay.Reply{ConversationID: "c-1", Text: "It left today."})
		require.NoError(t, err)
		m, found, err := b.client.FindSent(t.Context(), b.tokens, "c-1", seller, "It left today.", attempt.Add(-2*time.Minute))
		require.NoError(t, err)
		require.True(t, found, "the reply is there: do not send it again")
		require.Equal(t, "It left today.", m.MessageBody)
	})

	t.Run("TimeoutAfterEbayStoredTheReply", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.sim.AddMessage("c-1", ebay.FromMembers, "buyer_a", "buyer_a", "Where is my parcel?", b.clock.Now().Add(-time.Hour))
		impatient, err := ebay.New(ebay.Config{ClientID: appID, ClientSecret: appCert, RuName: ruName, Endpoints: ebay.Local(b.srv.URL),
			Now: b.clock.Now, HTTPClient: &http.Client{Timeout: 300 * time.Millisecond}})
		require.NoError(t, err)
		tokens := impatient.Tokens(b.tokens.Grant())
		b.sim.Fail("sendMessage", ebaysim.Failure{Delay: time.Second})

		attempt := b.clock.Now()
		_, err = impatient.SendMessage(t.Context(), tokens, ebay.Reply{ConversationID: "c-1", Text: "It left today."})
		require.Equal(t, ebay.Transient, ebay.KindOf(err), "%v", err)

		_, found, err := impatient.FindSent(t.Context(), tokens, "c-1", seller, "It left today.", attempt.Add(-2*time.Minute))
		require.NoError(t, err)
		require.True(t, found, "the reply arrived: the retry must not send it again")
		require.Len(t, b.sim.Messages("c-1"), 2)
	})

	t.Run("UpdateConversation", func(t *testing.T) {
		t.Parallel()
		b := newBundle(t)
		b.sim.AddMessage("c-1", ebay.FromMembers, "buyer_a", "buyer_a", "Hi", b.clock.Now().Add(-time.Hour))
		read := true
		require.NoError(t, b.client.UpdateConversation(t.Context(), b.tokens, ebay.ConversationUpdate{ConversationID: "c-1",
			ConversationType: ebay.FromMembers, Read: &read}))
		require.Equal(t, []map[string]any{{"conversationId": "c-1", "conversationType": ebay.FromMembers, "read": true}}, b.sim.Updates())
	})
}

// The server must refuse what the description refuses; a test that cannot fail proves nothing.
func TestContractRefusesInvalidRequests(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name, method, path, body string
		headers                  map[string]string
		want                     string
	}{
		{name: "MisspeltQueryParameter", method: http.MethodGet, path: "/commerce/message/v1/conversation?conversationType=FROM_MEMBERS",
			want: `unknown query parameter "conversationType"`},
		{name: "MissingRequiredQueryParameter", method: http.MethodGet, path: "/commerce/message/v1/conversation?limit=10",
			want: `parameter "conversation_type" in query has an error: value is required but missing`},
		{name: "NoAuthorization", method: http.MethodGet, path: "/commerce/message/v1/conversation?conversation_type=FROM_MEMBERS",
			headers: map[string]string{"Authorization": ""}, want: "Authorization: Bearer"},
		{name: "WrongBodyType", method: http.MethodPost, path: "/commerce/message/v1/send_message",
			body: `{"conversationId":"c-1","messageText":42}`, want: `at "/messageText": value must be a string`},
		{name: "UnknownBodyField", method: http.MethodPost, path: "/commerce/message/v1/send_message",
			body: `{"conversationId":"c-1","messageText":"hi","messagetext":"hi"}`, want: `"messagetext"`},
		{name: "NoContentTypeHeader", method: http.MethodPost, path: "/commerce/message/v1/update_conversation",
			body: `{"conversationId":"c-1","conversationType":"FROM_MEMBERS","read":true}`, headers: map[string]string{"Content-Type": ""},
			want: `"Content-Type"`},
		{name: "NoSuchOperation", method: http.MethodGet, path: "/commerce/message/v1/conversations", want: "no operation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := &violations{}
			b := newBundle(t, apicontract.WithReport(got.add))
			token, err := b.tokens.AccessToken(t.Context())
			require.NoError(t, err)
			req, err := http.NewRequestWithContext(t.Context(), tc.method, b.srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+token)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for k, v := range tc.headers {
				req.Header.Del(k)
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			require.GreaterOrEqual(t, resp.StatusCode, 400)
			list := got.list()
			require.Len(t, list, 1)
			require.Equal(t, "request", list[0].Side)
			require.Contains(t, list[0].Reason, tc.want)
			require.Equal(t, 0, b.srv.Calls("getConversations")+b.srv.Calls("sendMessage")+b.srv.Calls("updateConversation"),
				"an invalid request never reaches a handler")
		})
	}

	t.Run("SchemaInvalidFakeAnswer", func(t *testing.T) {
		t.Parallel()
		got := &violations{}
		b := newBundle(t, apicontract.WithReport(got.add))
		b.srv.Handle("getConversations", func(w http.ResponseWriter, _ *http.Request) {
			apicontract.JSON(w, http.StatusOK, map[string]any{"conversations": []map[string]any{{"conversationId": "c-1", "unreadCount": "two"}}})
		})
		_, _ = b.client.GetConversations(t.Context(), b.tokens, ebay.ConversationQuery{Type: ebay.FromMembers})
		list := got.list()
		require.Len(t, list, 1)
		require.Equal(t, "response", list[0].Side)
		require.Contains(t, list[0].Reason, "unreadCount")
	})
}

// violations collects what the server reports, for tests about violations.
type violations struct {
	mu  sync.Mutex
	all []apicontract.Violation
}

func (v *violations) add(x apicontract.Violation) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.all = append(v.all, x)
}

func (v *violations) list() []apicontract.Violation {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]apicontract.Violation(nil), v.all...)
}
