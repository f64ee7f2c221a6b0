package conversation

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// ErrNoChannel refuses a reply nothing connected can deliver (a ticket of a channel with no
// connector, an email ticket in a workspace without a mailbox): it is not written, so it never
// shows as queued or sent.
var ErrNoChannel = errors.New("conversation: no connected mailbox or account can deliver replies on this channel")

// ChannelSender delivers one channel's replies.
type ChannelSender interface {
	Sender
	// Ready says, in the transaction that writes a reply (or queues a resend), whether the
	// ticket's replies can be delivered: ErrNoChannel when nothing connected can.
	Ready(ctx context.Context, q *dbsqlc.Queries, t Ticket) error
}

// Senders routes each reply to the sender of its ticket's channel. A channel with no sender
// cannot reply. Production registers the connected channels (email); development registers its
// mail sink for the channels it stands in for, with the same Register call.
type Senders struct {
	mu sync.RWMutex
	by map[string]ChannelSender
}

// NewSenders is an empty routing table.
func NewSenders() *Senders { return &Senders{by: map[string]ChannelSender{}} }

// Register makes s the sender of a channel ("email", "ebay", …), replacing any earlier one.
func (r *Senders) Register(channel string, s ChannelSender) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.by[channel] = s
}

// For is the channel's sender.
func (r *Senders) For(channel string) (ChannelSender, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.by[channel]
	return s, ok
}

// Ready implements ChannelSender by asking the channel's sender.
func (r *Senders) Ready(ctx context.Context, q *dbsqlc.Queries, t Ticket) error {
	s, ok := r.For(t.Channel)
	if !ok {
		return ErrNoChannel
	}
	return s.Ready(ctx, q, t)
}

// Send implements Sender by handing the reply to its channel's sender; a channel that lost its
// sender since the reply was written fails it with what to do.
func (r *Senders) Send(ctx context.Context, out Outgoing) (Sent, error) {
	s, ok := r.For(out.Ticket.Channel)
	if !ok {
		return Sent{}, &PermanentError{Reason: fmt.Sprintf("nothing connected delivers replies on the %s channel", out.Ticket.Channel)}
	}
	return s.Send(ctx, out)
}

// UseSenders sets the routing table that replies are checked against when they are written.
func (s *Service) UseSenders(r *Senders) { s.senders = r }

// ready checks that the ticket's channel can deliver a reply.
func (s *Service) ready(ctx context.Context, q *dbsqlc.Queries, t Ticket) error {
	if s.senders == nil {
		return ErrNoChannel
	}
	return s.senders.Ready(ctx, q, t)
}
