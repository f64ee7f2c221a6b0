// Package ebaysim is an in-memory eBay behind an apicontract server: a seller's conversations and
// messages (getConversations, getConversation, sendMessage, updateConversation), orders
// (getOrder, getShippingFulfillments) and notification keys (getPublicKey), answering in the
// shapes the published descriptions give, with failures a test can queue (429, 500). Contract
// tests use it; the development marketplace simulator serves it.
package ebaysim

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // see DeletionNotification
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopdesk/shopdesk/internal/apicontract"
)

// Message is a stored message, in the API's field names.
type Message struct {
	MessageID         string  `json:"messageId"`
	CreatedDate       string  `json:"createdDate"`
	MessageBody       string  `json:"messageBody"`
	MessageMedia      []Media `json:"messageMedia,omitempty"`
	ReadStatus        bool    `json:"readStatus"`
	SenderUsername    string  `json:"senderUsername"`
	RecipientUsername string  `json:"recipientUsername"`
	Subject           string  `json:"subject,omitempty"`
}

// Media is an attachment of a message.
type Media struct {
	MediaName string `json:"mediaName,omitempty"`
	MediaType string `json:"mediaType,omitempty"`
	MediaURL  string `json:"mediaUrl,omitempty"`
}

type conversation struct {
	id, typ, status, title, other string
	referenceID                   string
	created                       time.Time
	messages                      []Message
	times                         []time.Time
}

// Failure is a queued error answer. With Status 0 and a Delay, the operation is carried out and
// its answer held back for Delay: a client that gives up first does not know it succeeded.
type Failure struct {
	Status     int
	RetryAfter string // the Retry-After header, when set
	Delay      time.Duration
}

// Sim is one seller's eBay.
type Sim struct {
	Seller string
	now    func() time.Time

	mu      sync.Mutex
	convs   map[string]*conversation
	next    int
	fails   map[string][]Failure
	orders  map[string]json.RawMessage
	ships   map[string]json.RawMessage
	keys    map[string]string
	updates []map[string]any
}

// New registers the simulator's handlers on a server. now dates the messages sent through it
// (nil: time.Now).
func New(srv *apicontract.Server, seller string, now func() time.Time) *Sim {
	if now == nil {
		now = time.Now
	}
	s := &Sim{Seller: seller, now: now, convs: map[string]*conversation{}, fails: map[string][]Failure{},
		orders: map[string]json.RawMessage{}, ships: map[string]json.RawMessage{}, keys: map[string]string{}}
	srv.Handle("getConversations", s.failing("getConversations", s.getConversations))
	srv.Handle("getConversation", s.failing("getConversation", s.getConversation))
	srv.Handle("sendMessage", s.failing("sendMessage", s.sendMessage))
	srv.Handle("updateConversation", s.failing("updateConversation", s.updateConversation))
	srv.Handle("getOrder", s.failing("getOrder", s.getOrder))
	srv.Handle("getShippingFulfillments", s.failing("getShippingFulfillments", s.getShippingFulfillments))
	srv.Handle("getPublicKey", s.failing("getPublicKey", s.getPublicKey))
	return s
}

// Fail queues error answers for an operation, used one per call before normal service resumes.
func (s *Sim) Fail(operationID string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[operationID] = append(s.fails[operationID], f...)
}

func (s *Sim) failing(op string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var f *Failure
		if q := s.fails[op]; len(q) > 0 {
			f = &q[0]
			s.fails[op] = q[1:]
		}
		s.mu.Unlock()
		if f == nil {
			h(w, r)
			return
		}
		if f.Status == 0 {
			h(w, r)
			time.Sleep(f.Delay)
			return
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		msg := "There was a problem with an eBay internal system or process."
		id := 355000
		if f.Status == http.StatusTooManyRequests {
			msg, id = "The request limit has been reached for the resource.", 2001
		}
		apicontract.WriteEbayError(w, f.Status, apicontract.EbayError{ErrorID: id, Domain: "API_MESSAGE", Category: "APPLICATION", Message: msg})
	}
}

// AddMessage files a message in a conversation, creating the conversation (of type typ, with the
// other party) when it is new, and returns its id. from is the sender's username.
func (s *Sim) AddMessage(conversationID, typ, other, from, body string, at time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addLocked(conversationID, typ, other, from, body, at, nil)
}

func (s *Sim) addLocked(conversationID, typ, other, from, body string, at time.Time, media []Media) string {
	c := s.convs[conversationID]
	if c == nil {
		c = &conversation{id: conversationID, typ: typ, status: "ACTIVE", title: "About your item", other: other, created: at}
		s.convs[conversationID] = c
	}
	s.next++
	to := s.Seller
	if from == s.Seller {
		to = c.other
	}
	m := Message{MessageID: fmt.Sprintf("m-%06d", s.next), CreatedDate: at.UTC().Format("2006-01-02T15:04:05.000Z"),
		MessageBody: body, MessageMedia: media, SenderUsername: from, RecipientUsername: to, Subject: c.title}
	c.messages = append(c.messages, m)
	c.times = append(c.times, at)
	return m.MessageID
}

// Messages is a conversation's messages, oldest first.
func (s *Sim) Messages(conversationID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.convs[conversationID]; c != nil {
		return slices.Clone(c.messages)
	}
	return nil
}

// Updates are the updateConversation bodies received.
func (s *Sim) Updates() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

// SetOrder stores an order (Fulfillment's Order JSON) and its fulfillments
// (ShippingFulfillmentPagedCollection JSON).
func (s *Sim) SetOrder(orderID string, order, fulfillments any) error {
	o, err := json.Marshal(order)
	if err != nil {
		return err
	}
	f, err := json.Marshal(fulfillments)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[orderID], s.ships[orderID] = o, f
	return nil
}

// SetPublicKey publishes a notification signing key under a key id, in eBay's one-line PEM.
func (s *Sim) SetPublicKey(kid string, pub *ecdsa.PublicKey) error {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[kid] = "-----BEGIN PUBLIC KEY-----" + base64.StdEncoding.EncodeToString(der) + "-----END PUBLIC KEY-----"
	return nil
}

func (s *Sim) latest(c *conversation) time.Time {
	if len(c.times) == 0 {
		return c.created
	}
	return slices.MaxFunc(c.times, func(a, b time.Time) int { return a.Compare(b) })
}

func (s *Sim) getConversations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q)
	if !ok {
		return
	}
	typ := q.Get("conversation_type")
	if typ != "FROM_MEMBERS" && typ != "FROM_EBAY" {
		badRequest(w, 355001, "Invalid or unrecognized conversation_type value.")
		return
	}
	var start, end time.Time
	for name, t := range map[string]*time.Time{"start_time": &start, "end_time": &end} {
		if v := q.Get(name); v != "" {
			if typ != "FROM_MEMBERS" {
				badRequest(w, 355002, name+" is only supported for FROM_MEMBERS conversations.")
				return
			}
			p, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				badRequest(w, 355002, "Invalid "+name+" value.")
				return
			}
			*t = p
		}
	}
	s.mu.Lock()
	var list []*conversation
	for _, c := range s.convs {
		l := s.latest(c)
		if c.typ != typ || !start.IsZero() && l.Before(start) || !end.IsZero() && l.After(end) {
			continue
		}
		if u := q.Get("other_party_username"); u != "" && c.other != u {
			continue
		}
		if st := q.Get("conversation_status"); st != "" && c.status != st {
			continue
		}
		list = append(list, c)
	}
	// Newest activity first, as eBay lists them.
	slices.SortFunc(list, func(a, b *conversation) int {
		if c := s.latest(b).Compare(s.latest(a)); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	total := len(list)
	page := window(list, offset, limit)
	out := make([]map[string]any, 0, len(page))
	for _, c := range page {
		conv := map[string]any{"conversationId": c.id, "conversationStatus": c.status, "conversationTitle": c.title,
			"conversationType": c.typ, "createdDate": c.created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"unreadCount": 0}
		if len(c.messages) > 0 {
			conv["latestMessage"] = c.messages[len(c.messages)-1]
		}
		if c.referenceID != "" {
			conv["referenceId"], conv["referenceType"] = c.referenceID, "LISTING"
		}
		out = append(out, conv)
	}
	s.mu.Unlock()
	body := map[string]any{"conversations": out, "total": total, "limit": limit, "offset": offset,
		"href": r.URL.String()}
	if offset+limit < total {
		body["next"] = pageURL(r, limit, offset+limit)
	}
	apicontract.JSON(w, http.StatusOK, body)
}

func (s *Sim) getConversation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q)
	if !ok {
		return
	}
	s.mu.Lock()
	c := s.convs[apicontract.PathParam(r, "conversation_id")]
	if c == nil || c.typ != q.Get("conversation_type") {
		s.mu.Unlock()
		apicontract.WriteEbayError(w, http.StatusNotFound, apicontract.EbayError{ErrorID: 355007, Domain: "API_MESSAGE",
			Category: "REQUEST", Message: "Invalid or unrecognized conversation_id value."})
		return
	}
	total := len(c.messages)
	msgs := window(c.messages, offset, limit)
	body := map[string]any{"conversationStatus": c.status, "conversationTitle": c.title, "conversationType": c.typ,
		"messages": msgs, "total": total, "limit": limit, "offset": offset, "href": r.URL.String()}
	s.mu.Unlock()
	if offset+limit < total {
		body["next"] = pageURL(r, limit, offset+limit)
	}
	apicontract.JSON(w, http.StatusOK, body)
}

func (s *Sim) sendMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ConversationID     string  `json:"conversationId"`
		OtherPartyUsername string  `json:"otherPartyUsername"`
		MessageText        string  `json:"messageText"`
		MessageMedia       []Media `json:"messageMedia"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, 355012, "The request body is not JSON.")
		return
	}
	switch {
	case req.MessageText == "":
		badRequest(w, 355013, "The messageText field is required.")
		return
	case len([]rune(req.MessageText)) > 2000:
		badRequest(w, 355014, "The messageText value exceeds the maximum length of 2000 characters.")
		return
	case len(req.MessageMedia) > 5:
		badRequest(w, 355010, "The maximum amount of media that may be sent is 5.")
		return
	}
	s.mu.Lock()
	id := req.ConversationID
	if id == "" {
		id = "c-new-" + req.OtherPartyUsername
		if s.convs[id] == nil {
			s.convs[id] = &conversation{id: id, typ: "FROM_MEMBERS", status: "ACTIVE", title: "Message from " + s.Seller,
				other: req.OtherPartyUsername, created: s.now()}
		}
	}
	c := s.convs[id]
	if c == nil {
		s.mu.Unlock()
		badRequest(w, 355007, "Invalid or unrecognized conversation_id value.")
		return
	}
	mid := s.addLocked(id, c.typ, c.other, s.Seller, req.MessageText, s.now(), req.MessageMedia)
	m := c.messages[len(c.messages)-1]
	s.mu.Unlock()
	apicontract.JSON(w, http.StatusCreated, map[string]any{"messageId": mid, "createdDate": m.CreatedDate,
		"messageBody": m.MessageBody, "messageMedia": orEmpty(m.MessageMedia), "readStatus": false,
		"senderUserName": m.SenderUsername, "recipientUserName": m.RecipientUsername, "subject": m.Subject})
}

func (s *Sim) updateConversation(w http.ResponseWriter, r *http.Request) {
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		badRequest(w, 355012, "The request body is not JSON.")
		return
	}
	id, _ := req["conversationId"].(string)
	s.mu.Lock()
	c := s.convs[id]
	if c != nil {
		if st, _ := req["conversationStatus"].(string); st != "" {
			c.status = st
		}
		s.updates = append(s.updates, req)
	}
	s.mu.Unlock()
	if c == nil {
		badRequest(w, 355007, "Invalid or unrecognized conversation_id value.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) getOrder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o, ok := s.orders[apicontract.PathParam(r, "orderId")]
	s.mu.Unlock()
	if !ok {
		apicontract.WriteEbayError(w, http.StatusNotFound, apicontract.EbayError{ErrorID: 32100, Domain: "API_FULFILLMENT",
			Category: "REQUEST", Message: "Invalid Order Id"})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(o)
}

func (s *Sim) getShippingFulfillments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.ships[apicontract.PathParam(r, "orderId")]
	s.mu.Unlock()
	if !ok {
		f = json.RawMessage(`{"fulfillments":[],"total":0}`)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(f)
}

func (s *Sim) getPublicKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	k, ok := s.keys[apicontract.PathParam(r, "public_key_id")]
	s.mu.Unlock()
	if !ok {
		apicontract.WriteEbayError(w, http.StatusNotFound, apicontract.EbayError{ErrorID: 195001, Domain: "API_NOTIFICATION",
			Category: "REQUEST", Message: "The specified key id is invalid."})
		return
	}
	apicontract.JSON(w, http.StatusOK, map[string]string{"algorithm": "ECDSA", "digest": "SHA1", "key": k})
}

// paging reads limit (1..50, default 25) and offset, answering 400 as eBay does when they are bad.
func paging(w http.ResponseWriter, q url.Values) (limit, offset int, ok bool) {
	limit, offset = 25, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			badRequest(w, 355004, "Invalid limit value. The limit must be between 1 and 50.")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			badRequest(w, 355005, "Invalid offset value.")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func window[T any](list []T, offset, limit int) []T {
	if offset >= len(list) {
		return []T{}
	}
	return list[offset:min(len(list), offset+limit)]
}

func pageURL(r *http.Request, limit, offset int) string {
	u := *r.URL
	q := u.Query()
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	u.RawQuery = q.Encode()
	return u.String()
}

func badRequest(w http.ResponseWriter, id int, msg string) {
	apicontract.WriteEbayError(w, http.StatusBadRequest, apicontract.EbayError{ErrorID: id, Domain: "API_MESSAGE", Category: "REQUEST", Message: msg})
}

func orEmpty(m []Media) []Media {
	if m == nil {
		return []Media{}
	}
	return m
}

// DeletionNotification is a Marketplace Account Deletion notification for an eBay user, signed
// as eBay signs it (ECDSA over the SHA-1 of the compact JSON body, in an X-EBAY-SIGNATURE header
// that names kid). Publish the key's public half with SetPublicKey under the same kid.
func DeletionNotification(key *ecdsa.PrivateKey, kid, notificationID, username, userID string, at time.Time) (body []byte, signature string, err error) {
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z")
	body, err = json.Marshal(map[string]any{
		"metadata": map[string]any{"topic": "MARKETPLACE_ACCOUNT_DELETION", "schemaVersion": "1.0", "deprecated": false},
		"notification": map[string]any{"notificationId": notificationID, "eventDate": stamp, "publishDate": stamp,
			"publishAttemptCount": 1, "data": map[string]any{"username": username, "userId": userID, "eiasToken": base64.StdEncoding.EncodeToString([]byte(userID))}},
	})
	if err != nil {
		return nil, "", err
	}
	sum := sha1.Sum(body) //nolint:gosec // eBay's notification signatures are over SHA-1
	sig, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
	if err != nil {
		return nil, "", err
	}
	h, err := json.Marshal(map[string]string{"alg": "ecdsa", "kid": kid, "signature": base64.StdEncoding.EncodeToString(sig), "digest": "SHA1"})
	if err != nil {
		return nil, "", err
	}
	return body, base64.StdEncoding.EncodeToString(h), nil
}
