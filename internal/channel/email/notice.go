package email

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	gomail "github.com/wneessen/go-mail"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// SendNotice mails a short notice to a person of the workspace (an SLA breach, a rule's notify)
// through the workspace's sending account. ErrNoAccount: the workspace has none, and the in-app
// notification is all there is.
func (s *Service) SendNotice(ctx context.Context, tenantID uuid.UUID, to, subject, body string) error {
	var a Account
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		a, err = q.EmailAccountDefault(ctx, tenantID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoAccount
		}
		return err
	})
	if err != nil {
		return err
	}
	sec, err := s.open(a)
	if err != nil {
		return err
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.FromFormat("Shopdesk", a.Address); err != nil {
		return fmt.Errorf("email: notice from: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("email: notice to: %w", err)
	}
	m.Subject(subject)
	m.SetDate()
	// Automatic mail by RFC 3834, so no one's auto-responder answers it.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, body)
	return s.submit(ctx, a, sec, m)
}
