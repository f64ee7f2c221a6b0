// Package label is the workspace's catalogue of tags and categories (and the marketplaces, stores
// and languages its tickets name, for the inbox filters): suggestions as one types, who may add a
// new tag or category, and the admin's rename, merge and delete, which move every ticket along.
// Names reach the catalogue through triggers on tickets (migration 000018), whoever writes them.
package label

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Kinds of names in the catalogue.
const (
	Tag         = "tag"
	Category    = "category"
	Marketplace = "marketplace"
	Store       = "store"
	Language    = "language"
)

// Kinds lists every kind; Managed are the kinds people add, rename, merge and delete.
var (
	Kinds   = []string{Tag, Category, Marketplace, Store, Language}
	Managed = []string{Tag, Category}
)

// Message keys of the catalogue's refusals.
const (
	KeyCreateForbidden = "label.create_forbidden"
	KeyNameTaken       = "label.name_taken"
	KeyNameInvalid     = "label.name_invalid"
	KeySameLabel       = "label.merge_same"
)

// retagBatch is how many tickets one statement of a rename, merge or delete moves: a label on
// many tickets is moved in several statements of the one transaction, so no single statement
// builds a huge update.
const retagBatch = 500

// Label is one catalogue entry.
type Label struct {
	ID   uuid.UUID
	Kind string
	Name string
}

// Service is the catalogue.
type Service struct {
	st *store.Store
	// batch overrides retagBatch (tests make it small to cross batch boundaries).
	batch int
	// pickers caches each workspace's filter choices (see pickersTTL).
	pickers pickersCache
}

// New builds the service.
func New(st *store.Store) *Service { return &Service{st: st, batch: retagBatch} }

// UseBatch sets how many tickets one statement moves (tests).
func (s *Service) UseBatch(n int) { s.batch = max(n, 1) }

func managed(kind string) bool { return kind == Tag || kind == Category }

func known(kind string) bool {
	for _, k := range Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// NormalizeTag is a tag as tickets store it: trimmed, lower case, at most 40 bytes, no comma.
func NormalizeTag(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	return s, s != "" && len(s) <= 40 && !strings.Contains(s, ",")
}

// NormalizeCategory is a category as tickets store it: trimmed, at most 80 bytes.
func NormalizeCategory(s string) (string, bool) {
	s = strings.TrimSpace(s)
	return s, s != "" && len(s) <= 80
}

func normalize(kind, name string) (string, bool) {
	if kind == Tag {
		return NormalizeTag(name)
	}
	return NormalizeCategory(name)
}

// List returns the catalogue's names of one kind, alphabetically.
func (s *Service) List(ctx context.Context, sc tenant.Scope, kind string) ([]Label, error) {
	if !known(kind) {
		return nil, fmt.Errorf("label: unknown kind %q: %w", kind, store.ErrNotFound)
	}
	var out []Label
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		rows, err := q.LabelsList(ctx, dbsqlc.LabelsListParams{TenantID: sc.TenantID(), Kind: kind})
		out = out[:0]
		for _, r := range rows {
			out = append(out, Label{ID: r.ID, Kind: r.Kind, Name: r.Name})
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("label: list %s: %w", kind, err)
	}
	return out, nil
}

// Names returns the catalogue's names of one kind, for pickers.
func (s *Service) Names(ctx context.Context, sc tenant.Scope, kind string) ([]string, error) {
	ls, err := s.List(ctx, sc, kind)
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out, err
}

// Suggest returns up to max names of a kind containing typed, those starting with it first.
func (s *Service) Suggest(ctx context.Context, sc tenant.Scope, kind, typed string, max int) ([]string, error) {
	if !known(kind) {
		return nil, fmt.Errorf("label: unknown kind %q: %w", kind, store.ErrNotFound)
	}
	max = min(std(max, 10), 50)
	var out []string
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		out, err = q.LabelsSuggest(ctx, dbsqlc.LabelsSuggestParams{TenantID: sc.TenantID(), Kind: kind, Typed: strings.TrimSpace(typed), Max: int32(max)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("label: suggest %s: %w", kind, err)
	}
	return out, nil
}

func std(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// CreateRole is the least role that may add a new tag or category.
func (s *Service) CreateRole(ctx context.Context, sc tenant.Scope) (tenant.Role, error) {
	var role string
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		role, err = q.LabelSettings(ctx, sc.TenantID())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("label: settings: %w", err)
	}
	return tenant.Role(role), nil
}

// SetCreateRole sets who may add new tags and categories (admins only).
func (s *Service) SetCreateRole(ctx context.Context, sc tenant.Scope, role tenant.Role) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	if !role.Valid() {
		return validate.Errors{"create_role": "label.create_role_invalid"}
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.LabelSettingsSet(ctx, dbsqlc.LabelSettingsSetParams{TenantID: sc.TenantID(), CreateMinRole: string(role)}); err != nil {
			return fmt.Errorf("label: set create role: %w", err)
		}
		return tenant.Audit(ctx, q, sc, "label.create_role_changed", map[string]any{"role": role})
	})
}

// CheckNewTx refuses, as a problem of field, names of kind not in the catalogue yet when the
// scope's role may not add names. It runs in the writing transaction, before the write that
// would register them (the catalogue's trigger does).
func CheckNewTx(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, kind, field string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	role, err := q.LabelSettings(ctx, sc.TenantID())
	if err != nil {
		return fmt.Errorf("label: settings: %w", err)
	}
	if sc.Role.AtLeast(tenant.Role(role)) {
		return nil
	}
	have, err := q.LabelsKnown(ctx, dbsqlc.LabelsKnownParams{TenantID: sc.TenantID(), Kind: kind, Names: names})
	if err != nil {
		return fmt.Errorf("label: known %s: %w", kind, err)
	}
	if len(have) < len(dedupe(names)) {
		return validate.Errors{field: KeyCreateForbidden}
	}
	return nil
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Usage returns a label and how many tickets carry it (the delete confirmation shows it).
func (s *Service) Usage(ctx context.Context, sc tenant.Scope, id uuid.UUID) (Label, int64, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return Label{}, 0, err
	}
	var l Label
	var n int64
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if l, err = byID(ctx, q, sc, id); err != nil {
			return err
		}
		n, err = count(ctx, q, sc, l)
		return err
	})
	return l, n, err
}

func byID(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, id uuid.UUID) (Label, error) {
	r, err := q.LabelByID(ctx, dbsqlc.LabelByIDParams{TenantID: sc.TenantID(), ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return Label{}, fmt.Errorf("label: %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return Label{}, fmt.Errorf("label: %s: %w", id, err)
	}
	if !managed(r.Kind) {
		return Label{}, fmt.Errorf("label: %s is a %s: %w", id, r.Kind, store.ErrNotFound)
	}
	return Label{ID: r.ID, Kind: r.Kind, Name: r.Name}, nil
}

func count(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, l Label) (int64, error) {
	if l.Kind == Tag {
		return q.TicketsWithTagCount(ctx, dbsqlc.TicketsWithTagCountParams{TenantID: sc.TenantID(), Name: l.Name})
	}
	return q.TicketsWithCategoryCount(ctx, dbsqlc.TicketsWithCategoryCountParams{TenantID: sc.TenantID(), Name: l.Name})
}

// move puts to in place of from on every ticket ("" removes from), batch by batch, and returns
// how many tickets changed.
func (s *Service) move(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, kind, from, to string) (int64, error) {
	var total int64
	for {
		var n int64
		var err error
		if kind == Tag {
			n, err = q.TicketsRetagBatch(ctx, dbsqlc.TicketsRetagBatchParams{TenantID: sc.TenantID(), FromName: from, ToName: to, Max: int32(s.batch)})
		} else {
			n, err = q.TicketsRecategorizeBatch(ctx, dbsqlc.TicketsRecategorizeBatchParams{TenantID: sc.TenantID(), FromName: from, ToName: to, Max: int32(s.batch)})
		}
		if err != nil {
			return total, fmt.Errorf("label: move %s %q: %w", kind, from, err)
		}
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// Rename gives a tag or category a new name on every ticket that carries it. A name already in
// the catalogue is refused (that is a merge).
func (s *Service) Rename(ctx context.Context, sc tenant.Scope, id uuid.UUID, name string) (int64, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return 0, err
	}
	var moved int64
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		l, err := byID(ctx, q, sc, id)
		if err != nil {
			return err
		}
		to, ok := normalize(l.Kind, name)
		if !ok {
			return validate.Errors{"name": KeyNameInvalid}
		}
		if to == l.Name {
			return nil
		}
		if _, err := q.LabelByName(ctx, dbsqlc.LabelByNameParams{TenantID: sc.TenantID(), Kind: l.Kind, Name: to}); err == nil {
			return validate.Errors{"name": KeyNameTaken}
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("label: by name: %w", err)
		}
		// The entry takes its new name first, so the tickets' new name is already listed.
		if err := q.LabelRename(ctx, dbsqlc.LabelRenameParams{TenantID: sc.TenantID(), ID: l.ID, Name: to}); err != nil {
			return fmt.Errorf("label: rename: %w", err)
		}
		if moved, err = s.move(ctx, q, sc, l.Kind, l.Name, to); err != nil {
			return err
		}
		if err := followInViews(ctx, q, sc, l.Kind, l.Name, to); err != nil {
			return err
		}
		rules, err := followInRules(ctx, q, sc, l.Kind, l.Name, to)
		if err != nil {
			return err
		}
		return tenant.Audit(ctx, q, sc, "label.renamed", map[string]any{"kind": l.Kind, "from": l.Name, "to": to, "tickets": moved, "rules": rules})
	})
	return moved, err
}

// Merge moves every ticket from one tag or category to another of the same kind and removes the
// first from the catalogue; a ticket that had both keeps the second once.
func (s *Service) Merge(ctx context.Context, sc tenant.Scope, fromID, intoID uuid.UUID) (int64, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return 0, err
	}
	if fromID == intoID {
		return 0, validate.Errors{"into": KeySameLabel}
	}
	var moved int64
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		from, err := byID(ctx, q, sc, fromID)
		if err != nil {
			return err
		}
		into, err := byID(ctx, q, sc, intoID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && into.Kind != from.Kind) {
			return validate.Errors{"into": validate.KeyUnknownID}
		}
		if err != nil {
			return err
		}
		if moved, err = s.move(ctx, q, sc, from.Kind, from.Name, into.Name); err != nil {
			return err
		}
		if err := followInViews(ctx, q, sc, from.Kind, from.Name, into.Name); err != nil {
			return err
		}
		rules, err := followInRules(ctx, q, sc, from.Kind, from.Name, into.Name)
		if err != nil {
			return err
		}
		if err := q.LabelDelete(ctx, dbsqlc.LabelDeleteParams{TenantID: sc.TenantID(), ID: from.ID}); err != nil {
			return fmt.Errorf("label: delete merged: %w", err)
		}
		return tenant.Audit(ctx, q, sc, "label.merged", map[string]any{"kind": from.Kind, "from": from.Name, "into": into.Name, "tickets": moved, "rules": rules})
	})
	return moved, err
}

// Delete removes a tag or category from every ticket and from the catalogue.
func (s *Service) Delete(ctx context.Context, sc tenant.Scope, id uuid.UUID) (int64, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return 0, err
	}
	var moved int64
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		l, err := byID(ctx, q, sc, id)
		if err != nil {
			return err
		}
		if moved, err = s.move(ctx, q, sc, l.Kind, l.Name, ""); err != nil {
			return err
		}
		if err := q.LabelDelete(ctx, dbsqlc.LabelDeleteParams{TenantID: sc.TenantID(), ID: l.ID}); err != nil {
			return fmt.Errorf("label: delete: %w", err)
		}
		return tenant.Audit(ctx, q, sc, "label.deleted", map[string]any{"kind": l.Kind, "name": l.Name, "tickets": moved})
	})
	return moved, err
}

// Create adds a tag or category to the catalogue ahead of its first use (admins, from Settings).
func (s *Service) Create(ctx context.Context, sc tenant.Scope, kind, name string) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	if !managed(kind) {
		return fmt.Errorf("label: kind %q: %w", kind, store.ErrNotFound)
	}
	n, ok := normalize(kind, name)
	if !ok {
		return validate.Errors{"name": KeyNameInvalid}
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if err := q.LabelCreate(ctx, dbsqlc.LabelCreateParams{TenantID: sc.TenantID(), Kind: kind, Name: n}); err != nil {
			return fmt.Errorf("label: create: %w", err)
		}
		return tenant.Audit(ctx, q, sc, "label.created", map[string]any{"kind": kind, "name": n})
	})
}

// Team is a team as a picker shows it.
type Team struct {
	ID   uuid.UUID
	Name string
}

// Pickers are the inbox filters' choices from the workspace's own data.
type Pickers struct {
	Tags, Categories, Marketplaces, Stores, Languages []string
	Teams                                             []Team
}

// Pickers reads every filter picker's choices in one round trip: the catalogue's names by kind
// and the teams; they are reused for pickersTTL.
func (s *Service) Pickers(ctx context.Context, sc tenant.Scope) (Pickers, error) {
	if p, ok := s.pickers.get(sc.TenantID()); ok {
		return p, nil
	}
	var p Pickers
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		p = Pickers{}
		for _, k := range []struct {
			kind string
			to   *[]string
		}{{Tag, &p.Tags}, {Category, &p.Categories}, {Marketplace, &p.Marketplaces}, {Store, &p.Stores}, {Language, &p.Languages}} {
			rows, err := q.LabelsList(ctx, dbsqlc.LabelsListParams{TenantID: sc.TenantID(), Kind: k.kind})
			if err != nil {
				return err
			}
			for _, r := range rows {
				*k.to = append(*k.to, r.Name)
			}
		}
		teams, err := q.TeamList(ctx, sc.TenantID())
		for _, t := range teams {
			p.Teams = append(p.Teams, Team{ID: t.ID, Name: t.Name})
		}
		return err
	})
	if err != nil {
		return Pickers{}, fmt.Errorf("label: pickers: %w", err)
	}
	s.pickers.put(sc.TenantID(), p)
	return p, nil
}

// followInViews points saved views filtered on a renamed or merged name at its new name, so a
// view keeps showing the same tickets. (A deleted name is left in place: the view then shows
// none, which says what happened, where dropping the filter would silently show more.)
func followInViews(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, kind, from, to string) error {
	key := "tag"
	if kind == Category {
		key = "category"
	}
	views, err := q.SavedViewsAllForUpdate(ctx, sc.TenantID())
	if err != nil {
		return fmt.Errorf("label: views: %w", err)
	}
	for _, v := range views {
		p, err := url.ParseQuery(v.Params)
		if err != nil || p.Get(key) != from {
			continue
		}
		p.Set(key, to)
		if err := q.SavedViewSetParams(ctx, dbsqlc.SavedViewSetParamsParams{TenantID: sc.TenantID(), ID: v.ID, Params: p.Encode()}); err != nil {
			return fmt.Errorf("label: view %s: %w", v.ID, err)
		}
	}
	return nil
}
