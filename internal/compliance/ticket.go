package compliance

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Draft is a reply being written on a ticket, as the composer holds it.
type Draft struct {
	Text        string
	Quoted      string
	Attachments []Attachment
	// Signed says Text already ends with the author's signature (the send path signs first).
	Signed bool
}

// CheckTicket checks a draft on a ticket the way its send will be checked: with the author's
// signature for the channel, the workspace's allow-list, the order's ledger and the buyer's
// opt-out. Tickets of channels without rules yield an empty result.
func (s *Service) CheckTicket(ctx context.Context, sc tenant.Scope, number int64, d Draft) (Result, error) {
	var res Result
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		res, _, err = CheckTx(ctx, q, sc, number, d)
		return err
	})
	return res, err
}

// CheckTx is CheckTicket in the caller's transaction; it also returns what it read of the ticket.
func CheckTx(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, number int64, d Draft) (Result, dbsqlc.ComplianceTicketRow, error) {
	t, err := q.ComplianceTicket(ctx, dbsqlc.ComplianceTicketParams{TenantID: sc.TenantID(), Number: number})
	if err != nil {
		return Result{}, t, store.NotFound(err)
	}
	if _, ok := RulesFor(t.Channel); !ok {
		return Result{}, t, nil
	}
	sig, err := q.SignatureGet(ctx, dbsqlc.SignatureGetParams{TenantID: sc.TenantID(), UserID: sc.UserID, Channel: t.Channel})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Result{}, t, err
	}
	sig = strings.TrimSpace(sig)
	text := d.Text
	if d.Signed && sig != "" && strings.HasSuffix(text, sig) {
		// Checked as two parts so a finding in the signature says so.
		text = strings.TrimRight(strings.TrimSuffix(text, sig), "\n\r ")
	} else if strings.HasSuffix(strings.TrimSpace(text), sig) {
		sig = ""
	}
	allowed, err := allowedList(ctx, q, sc.TenantID())
	if err != nil {
		return Result{}, t, err
	}
	res, err := Check(Message{
		Marketplace: t.Channel, Subject: t.Subject, Text: text, Signature: sig, Quoted: d.Quoted, Attachments: d.Attachments,
		OrderNumber: t.OrderNumber, BuyerLanguage: t.Language, PriorRequests: int(t.PriorRequests), OptedOut: t.OptedOutAt != nil,
		Allowed: allowed,
	})
	return res, t, err
}
