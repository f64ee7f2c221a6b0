package mailtest

import (
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestServers(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) *Server {
		t.Helper()
		return Start(t)
	}

	t.Run("AppendAndFind", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		box := s.Mailbox(t)
		s.Append(t, box, []byte("From: a@example.net\r\nTo: "+box+"\r\nSubject: hi\r\nMessage-ID: <append-1@example.net>\r\n\r\nbody\r\n"))
		found := s.Find(t, box, "Message-ID", "append-1@example.net", 5*time.Second)
		require.Len(t, found, 1)
		require.Contains(t, string(found[0]), "body")
	})
	t.Run("SubmissionReachesSinkAndRelayNeedsAuth", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		box := s.Mailbox(t)
		msg := func(id string) []byte {
			return fmt.Appendf(nil, "From: %s\r\nTo: buyer@example.net\r\nSubject: reply\r\nMessage-ID: <%s>\r\n\r\nthanks\r\n", box, id)
		}
		err := smtp.SendMail(s.SMTPAddr(), nil, box, []string{"buyer@example.net"}, msg("unauth@x"))
		require.Error(t, err)
		require.Contains(t, err.Error(), "Relay access denied")

		auth := smtp.PlainAuth("", box, Password, "127.0.0.1")
		require.NoError(t, smtp.SendMail(s.SMTPAddr(), auth, box, []string{"buyer@example.net"}, msg("auth-1@example.test")))
		found := s.Find(t, Sink, "Message-ID", "auth-1@example.test", 15*time.Second)
		require.Len(t, found, 1)
		require.True(t, strings.Contains(string(found[0]), "X-Original-To: buyer@example.net"), string(found[0]))
	})
	t.Run("PlusAddressReachesMailbox", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		box := s.Mailbox(t)
		plus := strings.Replace(box, "@", "+r-token@", 1)
		require.NoError(t, smtp.SendMail(s.SMTPAddr(), nil, "buyer@example.net", []string{plus},
			[]byte("From: buyer@example.net\r\nTo: "+plus+"\r\nSubject: re\r\nMessage-ID: <plus-1@example.net>\r\n\r\nhello\r\n")))
		require.Len(t, s.Find(t, box, "Message-ID", "plus-1@example.net", 15*time.Second), 1)
	})
}
