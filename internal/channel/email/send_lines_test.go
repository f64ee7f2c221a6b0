package email

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/secret"
)

// The gateway accepts lines of any length, but our own replies keep every line within the 998
// octets RFC 5322 §2.1.1 allows, whatever the agent pasted: one unbroken 20,000-character line,
// long UTF-8 text, a long subject and a long attachment name.
func TestRepliesKeepLinesWithin998Octets(t *testing.T) {
	t.Parallel()
	keys, err := secret.New(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	s := &Sender{Accounts: &Service{keys: keys}}
	a := Account{Address: "support@shop.example", FromName: "Shop Support", Signature: strings.Repeat("Signature line ", 100)}
	out := conversation.Outgoing{TenantID: uuid.New(), MessageID: 9, To: []string{"ann@example.net"},
		Ticket:      conversation.Ticket{ID: 3, Number: 3, Subject: strings.Repeat("Comanda nu a ajuns în București ", 60)},
		Body:        strings.Repeat("x", 20000) + "\n" + strings.Repeat("Mulțumesc pentru răbdare, ", 800),
		Attachments: []conversation.OutgoingAttachment{{Name: strings.Repeat("factură-", 200) + ".pdf", ContentType: "application/pdf", Data: bytes.Repeat([]byte("%PDF"), 10000)}},
		Thread:      []string{strings.Repeat("id", 300) + "@example.net"}}
	m, err := s.compose(context.Background(), a, out, "sd.3.9.abc@shop.example")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	for i, line := range bytes.Split(buf.Bytes(), []byte("\r\n")) {
		require.LessOrEqual(t, len(line), 998, "line %d is %d octets: %.80q…", i+1, len(line), line)
	}
	require.Greater(t, buf.Len(), 40000, "the whole body was written")
	i := strings.Index(buf.String(), "Content-Disposition: attachment")
	require.Positive(t, i)
	disposition, _, _ := strings.Cut(buf.String()[i:], "\r\n")
	require.True(t, strings.Contains(disposition, ".pdf"), "a shortened file name keeps its extension: %.200s", disposition)
}
