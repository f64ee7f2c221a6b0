package ebay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

const messagePath = "/commerce/message/v1"

// Conversation types (getConversations' conversation_type).
const (
	FromMembers = "FROM_MEMBERS"
	FromEbay    = "FROM_EBAY"
)

// MaxPageSize is the Message API's largest page (limit).
const MaxPageSize = 50

// MaxMessageChars is the longest messageText eBay takes.
const MaxMessageChars = 2000

// MaxMedia is how many messageMedia a message may carry.
const MaxMedia = 5

// Media is an image or document on a message.
type Media struct {
	MediaName string `json:"mediaName,omitempty"`
	MediaType string `json:"mediaType,omitempty"` // IMAGE, PDF, DOC, TXT
	MediaURL  string `json:"mediaUrl,omitempty"`
}

// Message is one message of a conversation.
type Message struct {
	MessageID         string  `json:"messageId"`
	CreatedDate       string  `json:"createdDate"`
	MessageBody       string  `json:"messageBody"`
	MessageMedia      []Media `json:"messageMedia"`
	ReadStatus        bool    `json:"readStatus"`
	SenderUsername    string  `json:"senderUsername"`
	RecipientUsername string  `json:"recipientUsername"`
	Subject           string  `json:"subject"`
}

// Created is the message's creation time (zero when eBay sent none or an unreadable one).
func (m Message) Created() time.Time { return parseTime(m.CreatedDate) }

// Conversation is a conversation as getConversations lists it.
type Conversation struct {
	ConversationID     string   `json:"conversationId"`
	ConversationStatus string   `json:"conversationStatus"`
	ConversationTitle  string   `json:"conversationTitle"`
	ConversationType   string   `json:"conversationType"`
	CreatedDate        string   `json:"createdDate"`
	LatestMessage      *Message `json:"latestMessage"`
	ReferenceID        string   `json:"referenceId"`
	ReferenceType      string   `json:"referenceType"`
	UnreadCount        int      `json:"unreadCount"`
}

// Latest is when the conversation's latest message was written (zero when unknown).
func (c Conversation) Latest() time.Time {
	if c.LatestMessage == nil {
		return time.Time{}
	}
	return c.LatestMessage.Created()
}

// ConversationQuery filters getConversations.
type ConversationQuery struct {
	Type               string    // FromMembers or FromEbay (required)
	Status             string    // ACTIVE, ARCHIVE, DELETE, READ, UNREAD; empty: any
	OtherPartyUsername string    // one buyer's conversations
	ReferenceID        string    // a listing's item id (reference type LISTING)
	StartTime, EndTime time.Time // FromMembers only
	Limit, Offset      int       // Limit 1..50 (0: 50)
}

// ConversationPage is one page of getConversations.
type ConversationPage struct {
	Conversations []Conversation `json:"conversations"`
	Total         int            `json:"total"`
	Limit         int            `json:"limit"`
	Offset        int            `json:"offset"`
	Next          string         `json:"next"`
}

// More says whether a page follows this one.
func (p ConversationPage) More() bool {
	return p.Next != "" || p.Offset+len(p.Conversations) < p.Total && len(p.Conversations) > 0
}

// GetConversations lists one page of the seller's conversations.
func (c *Client) GetConversations(ctx context.Context, auth Auth, q ConversationQuery) (ConversationPage, error) {
	if q.Type != FromMembers && q.Type != FromEbay {
		return ConversationPage{}, fmt.Errorf("ebay: getConversations: conversation type %q is neither %s nor %s", q.Type, FromMembers, FromEbay)
	}
	if q.Type == FromEbay && (!q.StartTime.IsZero() || !q.EndTime.IsZero()) {
		return ConversationPage{}, errors.New("ebay: getConversations: start and end time only apply to FROM_MEMBERS")
	}
	v := url.Values{"conversation_type": {q.Type}}
	setPage(v, q.Limit, q.Offset)
	if q.Status != "" {
		v.Set("conversation_status", q.Status)
	}
	if q.OtherPartyUsername != "" {
		v.Set("other_party_username", q.OtherPartyUsername)
	}
	if q.ReferenceID != "" {
		v.Set("reference_type", "LISTING")
		v.Set("reference_id", q.ReferenceID)
	}
	if !q.StartTime.IsZero() {
		v.Set("start_time", formatTime(q.StartTime))
	}
	if !q.EndTime.IsZero() {
		v.Set("end_time", formatTime(q.EndTime))
	}
	var page ConversationPage
	err := c.do(ctx, auth, call{op: "getConversations", method: http.MethodGet,
		path: messagePath + "/conversation", query: v, out: &page, want: http.StatusOK})
	return page, err
}

// MessagePage is one page of a conversation's messages.
type MessagePage struct {
	ConversationStatus string    `json:"conversationStatus"`
	ConversationTitle  string    `json:"conversationTitle"`
	ConversationType   string    `json:"conversationType"`
	Messages           []Message `json:"messages"`
	Total              int       `json:"total"`
	Limit              int       `json:"limit"`
	Offset             int       `json:"offset"`
	Next               string    `json:"next"`
}

// More says whether a page follows this one.
func (p MessagePage) More() bool {
	return p.Next != "" || p.Offset+len(p.Messages) < p.Total && len(p.Messages) > 0
}

// GetConversation reads one page of a conversation's messages (limit 0: 50).
func (c *Client) GetConversation(ctx context.Context, auth Auth, conversationID, conversationType string, limit, offset int) (MessagePage, error) {
	if strings.TrimSpace(conversationID) == "" {
		return MessagePage{}, errors.New("ebay: getConversation: no conversation id")
	}
	v := url.Values{"conversation_type": {conversationType}}
	setPage(v, limit, offset)
	var page MessagePage
	err := c.do(ctx, auth, call{op: "getConversation", method: http.MethodGet,
		path: messagePath + "/conversation/" + url.PathEscape(conversationID), query: v, out: &page, want: http.StatusOK})
	return page, err
}

// Reply is a message to send: into an existing conversation, or to a member to start one.
type Reply struct {
	ConversationID     string
	OtherPartyUsername string
	Text               string
	// Media are public HTTPS URLs eBay fetches (signed, expiring links to our attachments).
	Media []Media
	// ItemID ties a new conversation to a listing.
	ItemID string
	// EmailCopyToSender asks eBay to e-mail the seller a copy.
	EmailCopyToSender bool
}

// MessageLength is how many characters eBay counts in a messageText, after line endings are
// normalised to \n as they are sent: UTF-16 units, as a Java string counts them (an emoji outside
// the Basic Multilingual Plane is two). eBay does not document its count; this is the strict
// reading, the same the composer's compliance check uses (internal/compliance, eBay's length rule),
// so a reply the composer lets through is never refused here, nor by eBay.
func MessageLength(text string) int {
	return len(utf16.Encode([]rune(normaliseText(text))))
}

func normaliseText(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// ErrTooLong refuses a message longer than MaxMessageChars before it is sent.
var ErrTooLong = errors.New("ebay: the message is longer than 2,000 characters")

// check refuses a reply eBay would refuse, without calling it.
func (r *Reply) check() error {
	r.Text = normaliseText(r.Text)
	switch {
	case (r.ConversationID == "") == (r.OtherPartyUsername == ""):
		return errors.New("ebay: sendMessage: give either a conversation id or the other party's username")
	case strings.TrimSpace(r.Text) == "":
		return errors.New("ebay: sendMessage: the message is empty")
	case !utf8.ValidString(r.Text):
		return errors.New("ebay: sendMessage: the message is not valid UTF-8")
	case MessageLength(r.Text) > MaxMessageChars:
		return fmt.Errorf("%w (%d)", ErrTooLong, MessageLength(r.Text))
	case len(r.Media) > MaxMedia:
		return fmt.Errorf("ebay: sendMessage: %d attachments, eBay takes at most %d", len(r.Media), MaxMedia)
	}
	for _, m := range r.Media {
		u, err := url.Parse(m.MediaURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("ebay: sendMessage: attachment %q needs a public https URL", m.MediaName)
		}
		switch m.MediaType {
		case "IMAGE", "PDF", "DOC", "TXT":
		default:
			return fmt.Errorf("ebay: sendMessage: attachment %q has media type %q (IMAGE, PDF, DOC or TXT)", m.MediaName, m.MediaType)
		}
	}
	return nil
}

type sendMessageRequest struct {
	ConversationID     string     `json:"conversationId,omitempty"`
	OtherPartyUsername string     `json:"otherPartyUsername,omitempty"`
	MessageText        string     `json:"messageText"`
	MessageMedia       []Media    `json:"messageMedia,omitempty"`
	Reference          *reference `json:"reference,omitempty"`
	EmailCopyToSender  bool       `json:"emailCopyToSender,omitempty"`
}

type reference struct {
	ReferenceID   string `json:"referenceId"`
	ReferenceType string `json:"referenceType"`
}

// Sent is eBay's answer to sendMessage.
type Sent struct {
	MessageID         string  `json:"messageId"`
	CreatedDate       string  `json:"createdDate"`
	MessageBody       string  `json:"messageBody"`
	MessageMedia      []Media `json:"messageMedia"`
	SenderUserName    string  `json:"senderUserName"`
	RecipientUserName string  `json:"recipientUserName"`
	Subject           string  `json:"subject"`
}

// SendMessage sends a reply. There is no idempotency key: after a failure that may have reached
// eBay (Transient), read the conversation (FindSent) before sending again.
func (c *Client) SendMessage(ctx context.Context, auth Auth, r Reply) (Sent, error) {
	if err := r.check(); err != nil {
		return Sent{}, err
	}
	body := sendMessageRequest{ConversationID: r.ConversationID, OtherPartyUsername: r.OtherPartyUsername,
		MessageText: r.Text, MessageMedia: r.Media, EmailCopyToSender: r.EmailCopyToSender}
	if r.ItemID != "" {
		body.Reference = &reference{ReferenceID: r.ItemID, ReferenceType: "LISTING"}
	}
	var out Sent
	err := c.do(ctx, auth, call{op: "sendMessage", method: http.MethodPost, path: messagePath + "/send_message",
		body: body, out: &out, want: http.StatusCreated})
	return out, err
}

// ConversationUpdate changes a conversation's status or read flag.
type ConversationUpdate struct {
	ConversationID   string
	ConversationType string // required by eBay
	Status           string // ACTIVE, ARCHIVE, DELETE, READ, UNREAD; empty: unchanged
	Read             *bool  // nil: unchanged
}

// UpdateConversation marks a conversation read or unread, or files it.
func (c *Client) UpdateConversation(ctx context.Context, auth Auth, u ConversationUpdate) error {
	if u.ConversationID == "" || u.ConversationType == "" {
		return errors.New("ebay: updateConversation: conversation id and type are required")
	}
	if (u.Status == "") == (u.Read == nil) {
		return errors.New("ebay: updateConversation: change either the status or the read flag")
	}
	body := struct {
		ConversationID     string `json:"conversationId"`
		ConversationType   string `json:"conversationType"`
		ConversationStatus string `json:"conversationStatus,omitempty"`
		Read               *bool  `json:"read,omitempty"`
	}{u.ConversationID, u.ConversationType, u.Status, u.Read}
	return c.do(ctx, auth, call{op: "updateConversation", method: http.MethodPost, path: messagePath + "/update_conversation",
		body: body, want: http.StatusNoContent})
}

func setPage(v url.Values, limit, offset int) {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	v.Set("limit", strconv.Itoa(limit))
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
}

// formatTime writes eBay's ISO 8601 form, milliseconds and Z.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
