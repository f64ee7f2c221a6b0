package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/sysmail"
)

// Mailer sends system mail (sysmail.Sender).
type Mailer interface {
	Send(ctx context.Context, m sysmail.Message) error
}

type inviteMail struct {
	jobs    *river.Client[pgx.Tx]
	mailer  Mailer
	keys    *secret.Keyring
	baseURL string
}

// UseMail makes Invite queue a mail with the link (jobs inserts it in the invitation's
// transaction; mailer and keys are what the job's worker needs). Without it, invitations are
// only shown as links.
func (s *Service) UseMail(jobs *river.Client[pgx.Tx], mailer Mailer, keys *secret.Keyring, baseURL string) {
	s.mail = inviteMail{jobs: jobs, mailer: mailer, keys: keys, baseURL: strings.TrimRight(baseURL, "/")}
}

// InviteMailArgs mails one invitation. The link's secret travels sealed under the secret key,
// bound to the invitation, so the jobs table never holds a usable link.
type InviteMailArgs struct {
	TenantID     uuid.UUID `json:"tenant_id"`
	InvitationID uuid.UUID `json:"invitation_id"`
	SealedToken  []byte    `json:"sealed_token"`
}

// Kind names the job.
func (InviteMailArgs) Kind() string { return "invite.mail" }

func inviteAAD(tenantID, invitationID uuid.UUID) []byte {
	return []byte("invitation:" + tenantID.String() + ":" + invitationID.String())
}

func (s *Service) queueInviteMail(ctx context.Context, tx pgx.Tx, inv Invitation, token string) error {
	if s.mail.jobs == nil || s.mail.keys == nil {
		return nil
	}
	meta, _ := json.Marshal(map[string]string{"tenant_id": inv.TenantID.String()})
	_, err := s.mail.jobs.InsertTx(ctx, tx, InviteMailArgs{
		TenantID: inv.TenantID, InvitationID: inv.ID,
		SealedToken: s.mail.keys.Seal([]byte(token), inviteAAD(inv.TenantID, inv.ID)),
	}, &river.InsertOpts{Metadata: meta})
	if err != nil {
		return fmt.Errorf("tenant: queue invitation mail: %w", err)
	}
	return nil
}

// SendInviteMail is the job's work: it mails a still-pending invitation's link in the workspace's
// language and records on the invitation whether the mail went out, for the people page. A
// failure is recorded and returned, so the job retries.
func (s *Service) SendInviteMail(ctx context.Context, a InviteMailArgs) error {
	if s.mail.mailer == nil || s.mail.keys == nil {
		return errors.New("tenant: no mailer for invitations")
	}
	var inv Invitation
	var ws Workspace
	var inviter string
	err := s.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if ws, err = q.TenantByID(ctx, a.TenantID); err != nil {
			return store.NotFound(err)
		}
		if inv, err = q.InvitationGet(ctx, dbsqlc.InvitationGetParams{TenantID: a.TenantID, ID: a.InvitationID}); err != nil {
			return store.NotFound(err)
		}
		if inv.InvitedBy.Valid {
			if u, err := q.UserByID(ctx, inv.InvitedBy.UUID); err == nil {
				inviter = u.Name
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil // the workspace or the invitation is gone
	} else if err != nil {
		return err
	}
	if s.usable(inv) != nil {
		return nil // accepted, revoked or expired meanwhile: nothing to send
	}
	token, err := s.mail.keys.Open(a.SealedToken, inviteAAD(a.TenantID, a.InvitationID))
	if err != nil {
		return fmt.Errorf("tenant: open invitation link: %w", err)
	}
	p := i18n.NewPrinter(ws.DefaultLanguage, nil)
	if inviter == "" {
		inviter = ws.Name
	}
	link := s.mail.baseURL + "/invite/" + ws.Slug + "/" + string(token)
	sendErr := s.mail.mailer.Send(ctx, sysmail.Message{
		To:      inv.Email,
		Subject: p.T("invite.mail_subject", inviter, ws.Name),
		Text:    p.T("invite.mail_body", inviter, ws.Name, roleName(p, inv.Role), link, p.Date(inv.ExpiresAt)),
	})
	// The outcome is recorded even when the job's context ended meanwhile.
	ctx = context.WithoutCancel(ctx)
	err = s.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if sendErr != nil {
			return q.InvitationMailFailed(ctx, dbsqlc.InvitationMailFailedParams{TenantID: a.TenantID, ID: a.InvitationID, MailError: strPtr(sendErr.Error())})
		}
		return q.InvitationMailed(ctx, dbsqlc.InvitationMailedParams{TenantID: a.TenantID, ID: a.InvitationID})
	})
	if sendErr != nil {
		return sendErr
	}
	return err
}

func roleName(p *i18n.Printer, role string) string { return p.T("roles." + role) }

func strPtr(s string) *string { return &s }
