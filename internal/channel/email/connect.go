package email

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// ConnResult is one server's answer to a connection test.
type ConnResult struct {
	Configured bool
	OK         bool
	Detail     string
}

// ConnTest is what "Test connection" shows.
type ConnTest struct{ IMAP, SMTP ConnResult }

// Test connects to the account's servers now and reports what they said.
func (s *Service) Test(ctx context.Context, tenantID uuid.UUID, id int64) (ConnTest, error) {
	var t ConnTest
	a, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return t, err
	}
	sec, err := s.open(a)
	if err != nil {
		return t, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if a.ImapHost != "" {
		t.IMAP = s.testIMAP(ctx, a, sec)
	}
	if a.SmtpHost != "" {
		t.SMTP = s.testSMTP(ctx, a, sec)
	}
	// The outcome is the account's last check until the next test or sync, whatever the caller
	// does with the request.
	rctx := context.WithoutCancel(ctx)
	err = s.st.InTenantTx(rctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		return q.EmailAccountTested(rctx, dbsqlc.EmailAccountTestedParams{TenantID: tenantID, ID: id,
			Imap: t.IMAP.state(), ImapDetail: t.IMAP.Detail, Smtp: t.SMTP.state(), SmtpDetail: t.SMTP.Detail})
	})
	if err != nil {
		return t, fmt.Errorf("record connection test: %w", err)
	}
	return t, nil
}

// state is how a result is stored: ” when the server is not configured.
func (r ConnResult) state() string {
	switch {
	case !r.Configured:
		return ""
	case r.OK:
		return "ok"
	}
	return "failed"
}

func (s *Service) testIMAP(ctx context.Context, a Account, sec Secrets) ConnResult {
	r := ConnResult{Configured: true}
	c, err := s.dialIMAP(ctx, a, sec, nil)
	if err != nil {
		r.Detail = err.Error()
		return r
	}
	defer func() { _ = c.Logout().Wait(); _ = c.Close() }()
	for _, folder := range a.ImapFolders {
		st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true, UIDValidity: true}).Wait()
		if err != nil {
			r.Detail = fmt.Sprintf("logged in as %s, but folder %q: %v", a.ImapUsername, folder, err)
			return r
		}
		if r.Detail != "" {
			r.Detail += "; "
		}
		n := uint32(0)
		if st.NumMessages != nil {
			n = *st.NumMessages
		}
		r.Detail += fmt.Sprintf("%s: %d messages", folder, n)
	}
	r.OK = true
	r.Detail = fmt.Sprintf("logged in to %s:%d as %s; %s", a.ImapHost, a.ImapPort, a.ImapUsername, r.Detail)
	return r
}

func (s *Service) testSMTP(ctx context.Context, a Account, sec Secrets) ConnResult {
	r := ConnResult{Configured: true}
	c, err := s.smtpClient(a, sec)
	if err != nil {
		r.Detail = err.Error()
		return r
	}
	if err := c.DialWithContext(ctx); err != nil {
		r.Detail = classifySMTP(a, err).Error()
		return r
	}
	_ = c.Close()
	r.OK = true
	r.Detail = fmt.Sprintf("connected to %s:%d", a.SmtpHost, a.SmtpPort)
	if a.SmtpUsername != "" {
		r.Detail += " and logged in as " + a.SmtpUsername
	}
	return r
}
