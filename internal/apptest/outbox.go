package apptest

import (
	"context"
	"sync"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Outbox is a connected channel for tests whose subject is not the channel itself (rules, SLA
// clocks, the inbox screens): it accepts every reply and keeps it, so replies go through the real
// send path to "sent". Tests of delivery use the email channel with real Postfix instead.
type Outbox struct {
	mu   sync.Mutex
	sent []conversation.Outgoing
}

// Send implements conversation.Sender.
func (o *Outbox) Send(_ context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, out)
	return conversation.Sent{}, nil
}

// Ready implements conversation.ChannelSender: always connected.
func (o *Outbox) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

// Sent is what the outbox accepted, in order.
func (o *Outbox) Sent() []conversation.Outgoing {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]conversation.Outgoing(nil), o.sent...)
}

// Connect makes an outbox the sender of the given channels, for every workspace of the app.
func (a *App) Connect(channels ...string) *Outbox {
	o := &Outbox{}
	for _, ch := range channels {
		a.Senders.Register(ch, o)
	}
	return o
}
