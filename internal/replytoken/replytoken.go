// Package replytoken makes and reads the signed tokens our outgoing mail carries: the reply token
// in the Reply-To address (local+r-<ticket>-<mac>@domain), which threads a customer's answer even
// when their mail client drops In-Reply-To and References, and the X-Shopdesk-Message header that
// marks our own copies, so a copy synced back from the account's mailbox is never a new message.
// Both are signed per workspace: a stranger cannot aim mail at another workspace's ticket.
package replytoken

import (
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/secret"
)

// Header is the header that marks our own outgoing mail.
const Header = "X-Shopdesk-Message"

// Address returns base (an address) with a reply token for ticketID in its local part.
func Address(keys *secret.Keyring, tenantID uuid.UUID, ticketID int64, base string) string {
	at := strings.LastIndexByte(base, '@')
	if at < 0 {
		return base
	}
	local, domain := base[:at], base[at+1:]
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	id := strconv.FormatInt(ticketID, 36)
	return local + "+r-" + id + "-" + keys.Sign(tenantID.String()+"/ticket/"+id) + "@" + domain
}

// Ticket reads a reply token from an address; ok is false for an address without a valid one.
func Ticket(keys *secret.Keyring, tenantID uuid.UUID, addr string) (ticketID int64, ok bool) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return 0, false
	}
	_, tag, found := strings.Cut(addr[:at], "+r-")
	if !found {
		return 0, false
	}
	id, mac, found := strings.Cut(tag, "-")
	if !found || !keys.Verify(tenantID.String()+"/ticket/"+id, mac) {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 36, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// Own returns the X-Shopdesk-Message value for one of our messages.
func Own(keys *secret.Keyring, tenantID uuid.UUID, messageID int64) string {
	id := strconv.FormatInt(messageID, 10)
	return id + "." + keys.Sign(tenantID.String()+"/message/"+id)
}

// IsOwn reports whether a header value marks mail this workspace sent.
func IsOwn(keys *secret.Keyring, tenantID uuid.UUID, value string) bool {
	id, mac, found := strings.Cut(strings.TrimSpace(value), ".")
	return found && keys.Verify(tenantID.String()+"/message/"+id, mac)
}
