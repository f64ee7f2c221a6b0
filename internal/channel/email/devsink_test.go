package email_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// TestSinkSenderDeliversIntoTheSink: a development reply lands in the mail sink, readable there
// as the customer would read it, and says it went to the sink (the ticket page shows that, not a
// plain "Sent").
func TestSinkSenderDeliversIntoTheSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	sink := mailsink.New(db.Store)
	s := &email.SinkSender{Sink: sink}
	out := conversation.Outgoing{TenantID: uuid.New(), MessageID: 42, Ticket: dbsqlc.TicketRow{Number: 7, Subject: "Comanda #1002 — șosete"},
		Body: "Bună ziua,\nthe parcel left today.", To: []string{"buyer@example.com"}, AuthorName: "Ana Pop", Thread: []string{"abc@buyer.example"},
		Attachments: []conversation.OutgoingAttachment{{Name: "label.pdf", Data: []byte("%PDF")}}}

	sent, err := s.Send(ctx, out)
	require.NoError(t, err)
	require.Equal(t, email.ViaDevSink, sent.Via)
	require.Contains(t, sent.ChannelMessageID, "sd.7.42.")

	got, err := sink.To(ctx, "buyer@example.com")
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "Re: Comanda #1002 — șosete", got[0].Subject)
	require.Contains(t, got[0].Text, "Bună ziua,\r\nthe parcel left today.")
	require.Contains(t, got[0].Text, "[attachment: label.pdf, 4 bytes]")

	_, err = s.Send(ctx, conversation.Outgoing{TenantID: out.TenantID, MessageID: 43, Ticket: out.Ticket, Body: "x"})
	var perm *conversation.PermanentError
	require.ErrorAs(t, err, &perm, "a customer without an address cannot be answered, not even in the sink")
}
