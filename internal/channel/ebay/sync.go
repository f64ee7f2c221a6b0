package ebay

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Cursor is how far an account's sync has read: per conversation type, the time (our clock) at
// which the last complete read started, and the messages already returned inside the overlap
// window behind it, so a message is returned once even though the window is read twice. It is
// JSON, stored with the account and advanced in the same transaction as the messages it covered.
type Cursor struct {
	FromMembers time.Time `json:"from_members,omitzero"`
	FromEbay    time.Time `json:"from_ebay,omitzero"`
	// Seen maps message ids returned inside the overlap window to their creation time.
	Seen map[string]time.Time `json:"seen,omitempty"`
}

// ParseCursor reads a stored cursor; empty is the start.
func ParseCursor(b []byte) (Cursor, error) {
	var c Cursor
	if len(b) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return Cursor{}, fmt.Errorf("ebay: cursor: %w", err)
	}
	return c, nil
}

// Bytes is the cursor to store.
func (c Cursor) Bytes() []byte {
	b, _ := json.Marshal(c)
	return b
}

// SyncOptions tune Fetch.
type SyncOptions struct {
	// Overlap is read again behind the watermark, for messages eBay lists late and clocks that
	// disagree (default 10 minutes).
	Overlap time.Duration
	// FirstWindow is how far back the first sync reads (default 14 days).
	FirstWindow time.Duration
	// Seller is the account's eBay username: its messages are marked Outbound (replies the seller
	// wrote on eBay itself, or ours).
	Seller string
	// MaxPages bounds the pages of one list read (default 40 × 50 conversations); FROM_EBAY has no
	// time filter, so its list is read whole each time.
	MaxPages int
}

func (o *SyncOptions) defaults() {
	if o.Overlap <= 0 {
		o.Overlap = 10 * time.Minute
	}
	if o.FirstWindow <= 0 {
		o.FirstWindow = 14 * 24 * time.Hour
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 40
	}
}

// Fetched is a message the sync found, with its conversation.
type Fetched struct {
	Conversation Conversation
	Message      Message
	// Outbound marks a message the seller sent.
	Outbound bool
}

// SyncResult is one Fetch: the new messages (oldest first) and the cursor to store with them.
type SyncResult struct {
	Messages []Fetched
	Next     Cursor
	// Conversations is how many conversations were read message by message.
	Conversations int
}

// Fetch reads what is new since the cursor (channels.md 1.3). For each conversation type, the
// conversations whose latest message is newer than the watermark minus the overlap are read
// whole, and their messages from that point on that the cursor has not seen are returned.
// FROM_MEMBERS lists are asked from that point (start_time); FROM_EBAY lists cannot be, so they
// are read whole and filtered. A message added to a conversation older than the watermark moves
// the conversation's latest message past it, so it is found, and returned once: the next Fetch
// reads it again inside the overlap but knows it. Store the messages deduplicated on MessageID
// all the same (a crash between this and the commit repeats a Fetch). On any error nothing is
// returned: retrying with the same cursor is safe.
func (c *Client) Fetch(ctx context.Context, auth Auth, cur Cursor, opt SyncOptions) (SyncResult, error) {
	opt.defaults()
	res := SyncResult{Next: Cursor{FromMembers: cur.FromMembers, FromEbay: cur.FromEbay, Seen: map[string]time.Time{}}}
	seen := func(id string) bool { _, ok := cur.Seen[id]; return ok }
	for _, typ := range []string{FromMembers, FromEbay} {
		started := c.now()
		mark := cur.FromMembers
		if typ == FromEbay {
			mark = cur.FromEbay
		}
		since := mark.Add(-opt.Overlap)
		if mark.IsZero() {
			since = started.Add(-opt.FirstWindow)
		}
		convs, err := c.changedConversations(ctx, auth, typ, since, opt.MaxPages)
		if err != nil {
			return SyncResult{}, err
		}
		for _, conv := range convs {
			msgs, err := c.messagesSince(ctx, auth, conv, since, opt.MaxPages)
			if err != nil {
				return SyncResult{}, err
			}
			res.Conversations++
			for _, m := range msgs {
				if seen(m.MessageID) {
					continue
				}
				res.Messages = append(res.Messages, Fetched{Conversation: conv, Message: m,
					Outbound: opt.Seller != "" && m.SenderUsername == opt.Seller})
			}
		}
		if typ == FromMembers {
			res.Next.FromMembers = started
		} else {
			res.Next.FromEbay = started
		}
	}
	// Remember what the next read's overlap will cover again.
	keepFrom := res.Next.FromMembers
	if res.Next.FromEbay.Before(keepFrom) {
		keepFrom = res.Next.FromEbay
	}
	keepFrom = keepFrom.Add(-opt.Overlap)
	for id, at := range cur.Seen {
		if at.After(keepFrom) {
			res.Next.Seen[id] = at
		}
	}
	for _, f := range res.Messages {
		at := f.Message.Created()
		if at.IsZero() {
			at = c.now()
		}
		if at.After(keepFrom) {
			res.Next.Seen[f.Message.MessageID] = at
		}
	}
	slices.SortStableFunc(res.Messages, func(a, b Fetched) int { return a.Message.Created().Compare(b.Message.Created()) })
	return res, nil
}

// changedConversations lists the conversations of a type whose latest message is after since.
func (c *Client) changedConversations(ctx context.Context, auth Auth, typ string, since time.Time, maxPages int) ([]Conversation, error) {
	q := ConversationQuery{Type: typ, Limit: MaxPageSize}
	if typ == FromMembers {
		q.StartTime = since
	}
	var out []Conversation
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		p, err := c.GetConversations(ctx, auth, q)
		if err != nil {
			return nil, err
		}
		for _, conv := range p.Conversations {
			// A conversation can move between pages while they are read; one read is enough.
			if seen[conv.ConversationID] {
				continue
			}
			seen[conv.ConversationID] = true
			if l := conv.Latest(); l.IsZero() || l.After(since) {
				out = append(out, conv)
			}
		}
		if !p.More() {
			return out, nil
		}
		q.Offset += len(p.Conversations)
	}
	return nil, fmt.Errorf("ebay: %s conversations: more than %d pages; raise MaxPages", typ, maxPages)
}

// messagesSince reads a conversation's messages created after since (all of them when eBay gave
// a message without a date, which cannot be placed).
func (c *Client) messagesSince(ctx context.Context, auth Auth, conv Conversation, since time.Time, maxPages int) ([]Message, error) {
	var out []Message
	offset := 0
	for page := 0; page < maxPages; page++ {
		p, err := c.GetConversation(ctx, auth, conv.ConversationID, conv.ConversationType, MaxPageSize, offset)
		if err != nil {
			return nil, err
		}
		for _, m := range p.Messages {
			if t := m.Created(); t.IsZero() || t.After(since) {
				out = append(out, m)
			}
		}
		if !p.More() {
			return out, nil
		}
		offset += len(p.Messages)
	}
	return nil, fmt.Errorf("ebay: conversation %s: more than %d pages of messages", conv.ConversationID, maxPages)
}

// FindSent looks for a reply already in a conversation (the send that timed out may have
// arrived): the newest message from the seller with exactly this text, created at or after
// notBefore (take the time the first attempt started, less a few minutes for clocks that
// disagree). It reads the conversation's pages until it finds the reply or runs out.
func (c *Client) FindSent(ctx context.Context, auth Auth, conversationID, seller, text string, notBefore time.Time) (Message, bool, error) {
	text = normaliseText(text)
	offset := 0
	for page := 0; page < 40; page++ {
		p, err := c.GetConversation(ctx, auth, conversationID, FromMembers, MaxPageSize, offset)
		if err != nil {
			return Message{}, false, err
		}
		for _, m := range p.Messages {
			if m.SenderUsername == seller && normaliseText(m.MessageBody) == text && !m.Created().Before(notBefore) {
				return m, true, nil
			}
		}
		if !p.More() {
			return Message{}, false, nil
		}
		offset += len(p.Messages)
	}
	return Message{}, false, nil
}
