package ingest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// accepting is the email channel at the service's boundary: it accepts every reply with the
// Message-ID the email sender would give it.
type accepting struct{}

func (accepting) Send(_ context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	return conversation.Sent{ChannelMessageID: fmt.Sprintf("sd.%d.%d.%s@shop.example", out.Ticket.Number, out.MessageID, out.TenantID.String()[:8])}, nil
}

func (accepting) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

// realBounce is a real RFC 3464 report (a Postfix-style 5.1.1) returning the message with id.
func realBounce(t *testing.T, id string, extraHeader string) string {
	t.Helper()
	raw, err := os.ReadFile("/work/shared/testdata/mail/bounces/rfc3464-01.eml")
	if os.IsNotExist(err) {
		raw, err = os.ReadFile("../../../shared/testdata/mail/bounces/rfc3464-01.eml")
	}
	require.NoError(t, err)
	s := strings.Replace(string(raw), "Message-Id: <E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org>",
		extraHeader+"Message-Id: <"+id+">", 1)
	require.Contains(t, s, id)
	return s
}

func TestLateBounceFailsTheReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	setup := func(t *testing.T) (*pipeline, conversation.Ticket, []conversation.Message) {
		p := newPipeline(t)
		senders := conversation.NewSenders()
		senders.Register("email", accepting{})
		p.conv.UseSenders(senders)
		_, out := p.feed(t, customerMail)
		var replies []conversation.Message
		for _, body := range []string{"Comanda pleacă azi.", "Am trimis și factura."} {
			tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
			require.NoError(t, err)
			m, err := p.conv.Reply(ctx, p.sc, tk.Number, conversation.ReplyInput{Body: body, SeenLastMessageAt: &tk.LastMessageAt})
			require.NoError(t, err)
			require.NoError(t, p.conv.Deliver(ctx, senders, p.sc.TenantID(), m.ID))
			replies = append(replies, m)
		}
		tk, err := p.conv.TicketByID(ctx, p.sc, out.TicketID)
		require.NoError(t, err)
		d, err := p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)
		var sent []conversation.Message
		for _, m := range d.Messages {
			if m.Kind == "outbound" {
				require.Equal(t, "sent", m.DeliveryState)
				sent = append(sent, m)
			}
		}
		require.Len(t, sent, 2)
		_ = replies
		return p, tk, sent
	}

	t.Run("MatchesTheReplyItReturns", func(t *testing.T) {
		t.Parallel()
		p, tk, sent := setup(t)
		// The second reply bounces; its References name the first, which must stay sent.
		raw := realBounce(t, sent[1].ChannelMessageID, "References: <first@example.ro> <"+sent[0].ChannelMessageID+">\n")
		_, out := p.feed(t, raw)
		require.Equal(t, "processed", out.State)
		require.Equal(t, tk.ID, out.TicketID)
		notes, err := p.conv.Notifications(ctx, p.sc)
		require.NoError(t, err)
		require.Len(t, notes, 1, "the author is told (opening the ticket reads it)")
		require.Equal(t, "reply_failed", notes[0].Kind)
		d, err := p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)
		require.Len(t, d.Messages, 3, "the report is no message of the ticket")
		require.Equal(t, "sent", d.Messages[1].DeliveryState)
		require.Equal(t, "failed", d.Messages[2].DeliveryState)
		require.Equal(t, "returned after sending: the customer's address does not exist or cannot receive mail (550 5.1.1 <userunknown@bouncehammer.jp>... User Unknown)",
			d.Messages[2].DeliveryError)
		require.True(t, d.Deliveries[d.Messages[2].ID].Bounced)

		// The same report again (a second copy) changes nothing more.
		matched, err := p.conv.MarkBounced(ctx, p.sc.TenantID(), sent[1].ChannelMessageID, "again")
		require.NoError(t, err)
		require.True(t, matched)
		d, err = p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)
		require.Contains(t, d.Messages[2].DeliveryError, "User Unknown")
	})

	t.Run("ReportOfSomethingElseStaysAMessage", func(t *testing.T) {
		t.Parallel()
		p, tk, _ := setup(t)
		_, out := p.feed(t, realBounce(t, "unrelated-123@example.org", ""))
		require.Equal(t, "processed", out.State)
		require.True(t, out.Class.Automatic)
		require.NotEqual(t, tk.ID, out.TicketID, "an unknown bounce is kept, as automatic mail, as before")
		d, err := p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)
		for _, m := range d.Messages {
			if m.Kind == "outbound" {
				require.Equal(t, "sent", m.DeliveryState)
			}
		}
	})

	t.Run("AnotherWorkspacesIDMatchesNothing", func(t *testing.T) {
		t.Parallel()
		p, tk, sent := setup(t)
		// Our reply's id with another workspace's prefix: the shape of an id, not ours.
		other := sent[1].ChannelMessageID
		prefix := p.sc.TenantID().String()[:8]
		foreign := strings.Replace(other, "."+prefix+"@", ".0badf00d@", 1)
		require.NotEqual(t, other, foreign)
		_, out := p.feed(t, realBounce(t, foreign, ""))
		require.Equal(t, "processed", out.State)
		require.NotEqual(t, tk.ID, out.TicketID)
		matched, err := p.conv.MarkBounced(ctx, p.sc.TenantID(), foreign, "no")
		require.NoError(t, err)
		require.False(t, matched)
		d, err := p.conv.Detail(ctx, p.sc, tk.Number)
		require.NoError(t, err)
		require.Equal(t, "sent", d.Messages[2].DeliveryState)
	})
}

func TestDeliveryReportReadsRealBounces(t *testing.T) {
	t.Parallel()
	r := DeliveryReport([]byte(realBounce(t, "sd.4.17.0123abcd@shop.example", "")))
	require.Equal(t, "sd.4.17.0123abcd@shop.example", r.MessageIDs[0])
	require.Contains(t, r.Reason, "does not exist")
	// A delay notice is no failure.
	delayed := strings.Replace(realBounce(t, "sd.4.17.0123abcd@shop.example", ""), "Action: failed", "Action: delayed", 1)
	require.Empty(t, DeliveryReport([]byte(delayed)).MessageIDs)
}
