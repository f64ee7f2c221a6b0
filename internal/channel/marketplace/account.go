// Package marketplace holds the marketplace accounts a workspace connects — Amazon sellers, eBay
// stores, Walmart sellers — with their storefronts, reply mailbox, forwarding address, sealed
// credentials and health. The channels themselves (relay mail parsing, eBay's Message API) build
// on these accounts.
package marketplace

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Account is a connected marketplace account with its credentials still sealed.
type Account = dbsqlc.MarketplaceAccount

// Form is what an admin enters to add or change an account.
type Form struct {
	Marketplace    string // fixed once created
	Name           string
	Sites          []string
	Language       string
	ReplyAccountID string // the mailbox replies leave through (Amazon, Walmart); "" none yet
	SenderPatterns string // Walmart: one address or *@domain per line
	SilenceHours   string
}

// FormOf fills a form from a stored account (for the edit page).
func FormOf(a Account) Form {
	f := Form{Marketplace: a.Marketplace, Name: a.Name, Sites: a.Sites, Language: a.Language,
		SenderPatterns: strings.Join(a.SenderPatterns, "\n"), SilenceHours: strconv.Itoa(int(a.SilenceAlarmHours))}
	if a.ReplyAccountID.Valid {
		f.ReplyAccountID = strconv.FormatInt(a.ReplyAccountID.Int64, 10)
	}
	return f
}

// DefaultSilenceHours is how long an account may stay silent before the alarm: two days covers a
// quiet weekend of a small store.
const DefaultSilenceHours = 48

// Service manages marketplace accounts. Admins call it through the settings pages; the gateway,
// the relay parser and the eBay jobs read accounts through it.
type Service struct {
	st   *store.Store
	keys *secret.Keyring
}

// NewService builds the account service.
func NewService(st *store.Store, keys *secret.Keyring) *Service { return &Service{st: st, keys: keys} }

type checked struct {
	name, language  string
	sites, patterns []string
	reply           pgtype.Int8
	silence         int32
}

func (f Form) check() (checked, error) {
	errs := validate.Errors{}
	var c checked
	if !Known(f.Marketplace) {
		errs.Add("marketplace", "marketplace.account.kind_invalid")
	}
	c.name = strings.TrimSpace(f.Name)
	if c.name == "" || len(c.name) > 100 {
		errs.Add("name", "marketplace.account.name_required")
	}
	seen := map[string]bool{}
	c.sites = []string{}
	for _, id := range f.Sites {
		id = strings.TrimSpace(id)
		if id == "" || seen[id] {
			continue
		}
		if _, ok := SiteOf(f.Marketplace, id); !ok {
			errs.Add("sites", "marketplace.account.site_invalid")
			continue
		}
		seen[id] = true
		c.sites = append(c.sites, id)
	}
	if len(c.sites) == 0 {
		errs.Add("sites", "marketplace.account.sites_required")
	}
	c.language = strings.TrimSpace(f.Language)
	if c.language != "" && !slices.Contains(languages, c.language) {
		errs.Add("language", "marketplace.account.language_invalid")
	}
	if v := strings.TrimSpace(f.ReplyAccountID); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("reply_account", "marketplace.account.reply_invalid")
		} else if f.Marketplace == EBay {
			// eBay replies go through its API, never by mail.
			errs.Add("reply_account", "marketplace.account.reply_not_for_ebay")
		} else {
			c.reply = pgtype.Int8{Int64: id, Valid: true}
		}
	}
	c.patterns = []string{}
	// Only Walmart's relay senders are undocumented; Amazon's are known, so its form has no field.
	for _, line := range strings.FieldsFunc(f.SenderPatterns, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		p := strings.ToLower(strings.TrimSpace(line))
		if p == "" || f.Marketplace != Walmart {
			continue
		}
		if !validPattern(p) {
			errs.Add("sender_patterns", "marketplace.account.pattern_invalid")
			continue
		}
		c.patterns = append(c.patterns, p)
	}
	c.silence = DefaultSilenceHours
	if v := strings.TrimSpace(f.SilenceHours); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 720 {
			errs.Add("silence_hours", "marketplace.account.silence_invalid")
		}
		c.silence = int32(n)
	}
	return c, errs.Err()
}

// validPattern accepts an address or "*@domain": a wildcard only as the whole local part, so a
// pattern cannot widen to every sender of every domain.
func validPattern(p string) bool {
	local, domain, ok := strings.Cut(p, "@")
	if !ok || domain == "" || strings.ContainsAny(domain, "*@ ") || !strings.Contains(domain, ".") {
		return false
	}
	if local == "*" {
		return true
	}
	_, ok = validate.Email(p)
	return ok
}

// MatchesSender reports whether a sender address is one the account's patterns name.
func MatchesSender(patterns []string, from string) bool {
	from = strings.ToLower(strings.TrimSpace(from))
	_, domain, ok := strings.Cut(from, "@")
	if !ok {
		return false
	}
	for _, p := range patterns {
		if p == from || (strings.HasPrefix(p, "*@") && p[2:] == domain) {
			return true
		}
	}
	return false
}

// errReplyAccount means the chosen reply mailbox does not exist in the workspace or cannot send.
var errReplyAccount = validate.Errors{"reply_account": "marketplace.account.reply_cannot_send"}

func (s *Service) checkReply(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, c checked) error {
	if !c.reply.Valid {
		return nil
	}
	a, err := q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: sc.TenantID(), ID: c.reply.Int64})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && a.SmtpHost == "") {
		return errReplyAccount
	}
	return err
}

// Create adds an account and gives it its forwarding address token.
func (s *Service) Create(ctx context.Context, sc tenant.Scope, f Form) (Account, error) {
	c, err := f.check()
	if err != nil {
		return Account{}, err
	}
	var a Account
	err = s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := s.checkReply(ctx, q, sc, c); err != nil {
			return err
		}
		var err error
		a, err = q.MarketplaceAccountCreate(ctx, dbsqlc.MarketplaceAccountCreateParams{TenantID: sc.TenantID(),
			Marketplace: f.Marketplace, Name: c.name, Sites: c.sites, Language: c.language,
			ForwardToken: newToken(f.Marketplace), ReplyAccountID: c.reply, SenderPatterns: c.patterns,
			SilenceAlarmHours: c.silence})
		if err != nil {
			return nameTaken(err)
		}
		return tenant.Audit(ctx, q, sc, "marketplace.account.create", map[string]any{"account_id": a.ID, "marketplace": a.Marketplace, "name": a.Name})
	})
	return a, err
}

// Update changes an account's settings; the marketplace and the forwarding address stay.
func (s *Service) Update(ctx context.Context, sc tenant.Scope, id int64, f Form) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		a, err := q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return store.NotFound(err)
		}
		f.Marketplace = a.Marketplace
		c, err := f.check()
		if err != nil {
			return err
		}
		if err := s.checkReply(ctx, q, sc, c); err != nil {
			return err
		}
		err = q.MarketplaceAccountUpdate(ctx, dbsqlc.MarketplaceAccountUpdateParams{TenantID: sc.TenantID(), ID: id,
			Name: c.name, Sites: c.sites, Language: c.language, ReplyAccountID: c.reply, SenderPatterns: c.patterns,
			SilenceAlarmHours: c.silence})
		if err != nil {
			return nameTaken(err)
		}
		return tenant.Audit(ctx, q, sc, "marketplace.account.update", map[string]any{"account_id": id, "name": c.name})
	})
}

func nameTaken(err error) error {
	if c, ok := store.UniqueViolation(err); ok && c == "marketplace_accounts_name_key" {
		return validate.Errors{"name": "marketplace.account.name_taken"}
	}
	return err
}

// Get returns one account.
func (s *Service) Get(ctx context.Context, sc tenant.Scope, id int64) (Account, error) {
	var a Account
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		a, err = q.MarketplaceAccountGet(ctx, dbsqlc.MarketplaceAccountGetParams{TenantID: sc.TenantID(), ID: id})
		return store.NotFound(err)
	})
	return a, err
}

// List returns the workspace's accounts, by marketplace and name.
func (s *Service) List(ctx context.Context, sc tenant.Scope) ([]Account, error) {
	var out []Account
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.MarketplaceAccountList(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// Delete removes an account. Its tickets and messages stay; mail still arriving at its forwarding
// address is refused from then on.
func (s *Service) Delete(ctx context.Context, sc tenant.Scope, id int64) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.MarketplaceAccountDelete(ctx, dbsqlc.MarketplaceAccountDeleteParams{TenantID: sc.TenantID(), ID: id})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "marketplace.account.delete", map[string]any{"account_id": id})
	})
}

// ByToken finds the account a forwarding address names (the gateway, at RCPT time).
func ByToken(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, token string) (Account, error) {
	a, err := q.MarketplaceAccountByToken(ctx, dbsqlc.MarketplaceAccountByTokenParams{TenantID: tenantID, ForwardToken: token})
	return a, store.NotFound(err)
}

// IsToken reports whether a forwarding address tag names a marketplace account rather than a
// mailbox or a reply token.
func IsToken(tag string) bool {
	kind, rest, ok := strings.Cut(tag, "-")
	return ok && rest != "" && Known(kind)
}

// Heard records that mail (or an API message) arrived for the account, in the caller's
// transaction: the account leaves "waiting for the first message" and any silence alarm ends.
func Heard(ctx context.Context, q *dbsqlc.Queries, tenantID uuid.UUID, id int64, at time.Time) error {
	err := q.MarketplaceAccountHeard(ctx, dbsqlc.MarketplaceAccountHeardParams{TenantID: tenantID, ID: id,
		At: at})
	if err != nil {
		return fmt.Errorf("marketplace: account %d heard: %w", id, err)
	}
	return nil
}

var tokenEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newToken names the account in its forwarding address: the marketplace (so the seller sees which
// address goes where) and 40 random bits.
func newToken(kind string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return kind + "-" + tokenEnc.EncodeToString(b)
}
