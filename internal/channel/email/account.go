// Package email is the email channel: the accounts a workspace connects (IMAP to sync, SMTP to
// send, a forwarding address on our gateway), the IMAP sync, the SMTP sender with threading headers
// and exactly-once delivery, and the inbound SMTP gateway. Every inbound path stores raw mail
// through the ingest pipeline, which does the rest.
package email

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Account is a connected email account with its secrets still sealed.
type Account = dbsqlc.EmailAccount

// Secrets are an account's credentials, open only while a connection is made.
type Secrets struct {
	IMAP string `json:"imap,omitempty"`
	SMTP string `json:"smtp,omitempty"`
}

// Form is what an admin enters to add or change an account. Empty passwords on an edit keep the
// stored ones.
type Form struct {
	Name, Address, FromName, Signature string
	IMAPHost, IMAPPort, IMAPTLS        string
	IMAPUsername, IMAPPassword         string
	IMAPFolders                        string
	IMAPIdle                           bool
	SMTPHost, SMTPPort, SMTPTLS        string
	SMTPUsername, SMTPPassword         string
	AuthKind                           string
}

// FormOf fills a form from a stored account (for the edit page); passwords stay empty.
func FormOf(a Account) Form {
	return Form{Name: a.Name, Address: a.Address, FromName: a.FromName, Signature: a.Signature,
		IMAPHost: a.ImapHost, IMAPPort: strconv.Itoa(int(a.ImapPort)), IMAPTLS: a.ImapTls, IMAPUsername: a.ImapUsername,
		IMAPFolders: strings.Join(a.ImapFolders, ", "), IMAPIdle: a.ImapIdle,
		SMTPHost: a.SmtpHost, SMTPPort: strconv.Itoa(int(a.SmtpPort)), SMTPTLS: a.SmtpTls, SMTPUsername: a.SmtpUsername,
		AuthKind: a.AuthKind}
}

// Service manages accounts. Admins call it through the settings pages; the sync, sender and
// gateway read accounts through it.
type Service struct {
	st   *store.Store
	keys *secret.Keyring
	// RootCAs replaces the system's trusted roots for IMAP and SMTP TLS (tests with their own CA).
	RootCAs *x509.CertPool
}

// NewService builds the account service.
func NewService(st *store.Store, keys *secret.Keyring) *Service { return &Service{st: st, keys: keys} }

type checked struct {
	p       dbsqlc.EmailAccountCreateParams
	secrets Secrets
}

func (f Form) check(editing bool) (checked, error) {
	errs := validate.Errors{}
	c := checked{}
	p := &c.p
	p.Name = strings.TrimSpace(f.Name)
	if p.Name == "" || len(p.Name) > 100 {
		errs.Add("name", "mail.account.name_required")
	}
	addr, ok := validate.Email(f.Address)
	if !ok {
		errs.Add("address", "mail.account.address_invalid")
	}
	p.Address = addr
	p.FromName = strings.TrimSpace(f.FromName)
	p.Signature = strings.TrimRight(f.Signature, " \r\n\t")
	if len(p.Signature) > 4000 {
		errs.Add("signature", "mail.account.signature_long")
	}
	p.AuthKind = f.AuthKind
	if p.AuthKind == "" {
		p.AuthKind = "password"
	}
	if p.AuthKind != "password" && p.AuthKind != "xoauth2" {
		errs.Add("auth_kind", "mail.account.auth_invalid")
	}
	port := func(field, v string, def int32) int32 {
		if strings.TrimSpace(v) == "" {
			return def
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 65535 {
			errs.Add(field, "mail.account.port_invalid")
		}
		return int32(n)
	}
	tlsMode := func(field, v, def string) string {
		switch v {
		case "":
			return def
		case "tls", "starttls", "none":
			return v
		}
		errs.Add(field, "mail.account.tls_invalid")
		return v
	}
	p.ImapHost = strings.ToLower(strings.TrimSpace(f.IMAPHost))
	p.ImapTls = tlsMode("imap_tls", f.IMAPTLS, "tls")
	defIMAP := int32(993)
	if p.ImapTls != "tls" {
		defIMAP = 143
	}
	p.ImapPort = port("imap_port", f.IMAPPort, defIMAP)
	p.ImapUsername = strings.TrimSpace(f.IMAPUsername)
	p.ImapIdle = f.IMAPIdle
	p.ImapFolders = []string{}
	for _, folder := range strings.Split(f.IMAPFolders, ",") {
		if folder = strings.TrimSpace(folder); folder != "" {
			p.ImapFolders = append(p.ImapFolders, folder)
		}
	}
	if len(p.ImapFolders) == 0 {
		p.ImapFolders = []string{"INBOX"}
	}
	p.SmtpHost = strings.ToLower(strings.TrimSpace(f.SMTPHost))
	p.SmtpTls = tlsMode("smtp_tls", f.SMTPTLS, "starttls")
	defSMTP := int32(587)
	if p.SmtpTls == "tls" {
		defSMTP = 465
	}
	p.SmtpPort = port("smtp_port", f.SMTPPort, defSMTP)
	p.SmtpUsername = strings.TrimSpace(f.SMTPUsername)
	if p.ImapHost != "" {
		if p.ImapUsername == "" {
			p.ImapUsername = addr
		}
		if f.IMAPPassword == "" && !editing {
			errs.Add("imap_password", "mail.account.password_required")
		}
	}
	if p.SmtpHost != "" {
		if p.SmtpUsername == "" {
			p.SmtpUsername = p.ImapUsername
		}
		if p.SmtpUsername == "" {
			p.SmtpUsername = addr
		}
		if f.SMTPPassword == "" && f.IMAPPassword == "" && !editing {
			errs.Add("smtp_password", "mail.account.password_required")
		}
	}
	c.secrets = Secrets{IMAP: f.IMAPPassword, SMTP: f.SMTPPassword}
	if c.secrets.SMTP == "" && p.SmtpHost != "" && p.SmtpUsername == p.ImapUsername {
		// The common case: one login for both servers.
		c.secrets.SMTP = c.secrets.IMAP
	}
	return c, errs.Err()
}

// Create adds an account and gives it a forwarding token.
func (s *Service) Create(ctx context.Context, sc tenant.Scope, f Form) (Account, error) {
	c, err := f.check(false)
	if err != nil {
		return Account{}, err
	}
	c.p.TenantID = sc.TenantID()
	c.p.ForwardToken = newToken()
	var a Account
	err = s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if a, err = q.EmailAccountCreate(ctx, c.p); err != nil {
			return addressTaken(err)
		}
		sealed, err := s.seal(a, c.secrets)
		if err != nil {
			return err
		}
		a.Secrets = sealed
		if err := q.EmailAccountSetSecrets(ctx, dbsqlc.EmailAccountSetSecretsParams{TenantID: a.TenantID, ID: a.ID, Secrets: sealed}); err != nil {
			return err
		}
		return tenant.Audit(ctx, q, sc, "mail.account.create", map[string]any{"account_id": a.ID, "address": a.Address})
	})
	return a, err
}

// Update changes an account; passwords left empty are kept.
func (s *Service) Update(ctx context.Context, sc tenant.Scope, id int64, f Form) error {
	c, err := f.check(true)
	if err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		a, err := q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		old, err := s.open(a)
		if err != nil {
			return err
		}
		if c.secrets.IMAP == "" {
			c.secrets.IMAP = old.IMAP
		}
		if f.SMTPPassword == "" {
			c.secrets.SMTP = old.SMTP
		}
		p := c.p
		err = q.EmailAccountUpdate(ctx, dbsqlc.EmailAccountUpdateParams{TenantID: a.TenantID, ID: a.ID, Name: p.Name, Address: p.Address,
			FromName: p.FromName, Signature: p.Signature, ImapHost: p.ImapHost, ImapPort: p.ImapPort, ImapTls: p.ImapTls,
			ImapUsername: p.ImapUsername, ImapFolders: p.ImapFolders, ImapIdle: p.ImapIdle, SmtpHost: p.SmtpHost,
			SmtpPort: p.SmtpPort, SmtpTls: p.SmtpTls, SmtpUsername: p.SmtpUsername, AuthKind: p.AuthKind})
		if err != nil {
			return addressTaken(err)
		}
		sealed, err := s.seal(a, c.secrets)
		if err != nil {
			return err
		}
		if err := q.EmailAccountSetSecrets(ctx, dbsqlc.EmailAccountSetSecretsParams{TenantID: a.TenantID, ID: a.ID, Secrets: sealed}); err != nil {
			return err
		}
		return tenant.Audit(ctx, q, sc, "mail.account.update", map[string]any{"account_id": a.ID, "address": p.Address})
	})
}

func addressTaken(err error) error {
	if c, ok := store.UniqueViolation(err); ok && c == "email_accounts_address_key" {
		return validate.Errors{"address": "mail.account.address_taken"}
	}
	return err
}

// List returns the workspace's accounts.
func (s *Service) List(ctx context.Context, sc tenant.Scope) ([]Account, error) {
	var out []Account
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.EmailAccountList(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// Get returns one account.
func (s *Service) Get(ctx context.Context, tenantID uuid.UUID, id int64) (Account, error) {
	var a Account
	err := s.st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		a, err = q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: tenantID, ID: id})
		return store.NotFound(err)
	})
	return a, err
}

// SetPaused pauses or resumes an account: a paused account is neither synced nor used to send.
func (s *Service) SetPaused(ctx context.Context, sc tenant.Scope, id int64, paused bool) error {
	status := "active"
	if paused {
		status = "paused"
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.EmailAccountSetStatus(ctx, dbsqlc.EmailAccountSetStatusParams{TenantID: sc.TenantID(), ID: id, Status: status})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "mail.account."+map[bool]string{true: "pause", false: "resume"}[paused], map[string]any{"account_id": id})
	})
}

// Delete removes an account. Its tickets and messages stay; their replies then go out through the
// workspace's default account.
func (s *Service) Delete(ctx context.Context, sc tenant.Scope, id int64) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.EmailAccountDelete(ctx, dbsqlc.EmailAccountDeleteParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "mail.account.delete", map[string]any{"account_id": id})
	})
}

// Health is what the account's health page counts.
type Health = dbsqlc.EmailAccountHealthRow

// Health counts the account's recent mail.
func (s *Service) Health(ctx context.Context, sc tenant.Scope, id int64) (Health, error) {
	var h Health
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		h, err = q.EmailAccountHealth(ctx, dbsqlc.EmailAccountHealthParams{TenantID: sc.TenantID(), AccountID: pgInt8(id)})
		return err
	})
	return h, err
}

func aad(a Account) []byte {
	return []byte("email_accounts/" + a.TenantID.String() + "/" + strconv.FormatInt(a.ID, 10))
}

func (s *Service) seal(a Account, sec Secrets) ([]byte, error) {
	b, err := json.Marshal(sec)
	if err != nil {
		return nil, err
	}
	return s.keys.Seal(b, aad(a)), nil
}

// open reads an account's secrets.
func (s *Service) open(a Account) (Secrets, error) {
	var sec Secrets
	if len(a.Secrets) == 0 {
		return sec, nil
	}
	b, err := s.keys.Open(a.Secrets, aad(a))
	if err != nil {
		return sec, fmt.Errorf("email: account %d secrets: %w", a.ID, err)
	}
	return sec, json.Unmarshal(b, &sec)
}

// Rotate re-seals every account's secrets under the current key, one workspace per transaction,
// and reports how many values it re-sealed. progress, when set, hears after each workspace.
func Rotate(ctx context.Context, st *store.Store, keys *secret.Keyring, progress func(done, total int)) (int, error) {
	n := 0
	err := st.EachTenant(ctx, progress, func(q *dbsqlc.Queries, tid uuid.UUID) error {
		rows, err := q.EmailAccountsAllSecrets(ctx, tid)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if secret.KeyID(r.Secrets) == keys.CurrentID() {
				continue
			}
			a := Account{TenantID: r.TenantID, ID: r.ID}
			plain, err := keys.Open(r.Secrets, aad(a))
			if err != nil {
				return fmt.Errorf("email: account %d of workspace %s: %w", r.ID, r.TenantID, err)
			}
			if err := q.EmailAccountSetSecrets(ctx, dbsqlc.EmailAccountSetSecretsParams{TenantID: r.TenantID, ID: r.ID, Secrets: keys.Seal(plain, aad(a))}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

var tokenEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newToken() string {
	b := make([]byte, 7)
	_, _ = rand.Read(b)
	return tokenEnc.EncodeToString(b)
}

// ErrNoAccount means a workspace has no account to send email from.
var ErrNoAccount = errors.New("no email account can send for this workspace: add one with SMTP in Settings → Mail")

func pgInt8(v int64) pgtype.Int8 { return pgtype.Int8{Int64: v, Valid: true} }
