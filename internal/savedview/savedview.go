// Package savedview holds saved inbox views: a name and the list's view, filters and sort (the
// inbox URL's parameters), personal or shared with the workspace, and each person's own order of
// the views they see.
package savedview

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Message keys of refusals.
const (
	KeyNameRequired = "views.name_required"
	KeyNameTooLong  = "views.name_too_long"
	KeyParams       = "views.params_invalid"
	KeySharedRole   = "views.shared_needs_manager"
)

// View is one saved view as a person sees it.
type View struct {
	ID      uuid.UUID
	OwnerID uuid.UUID // uuid.Nil once the author left the workspace
	Shared  bool
	Name    string
	Params  url.Values
	// Editable: the person may rename, update and delete it (its author; an admin for a shared view).
	Editable bool
}

// Input is what a person saves.
type Input struct {
	Name   string
	Params url.Values
	Shared bool
}

// Service manages saved views.
type Service struct{ st *store.Store }

// New builds the service.
func New(st *store.Store) *Service { return &Service{st: st} }

func editable(sc tenant.Scope, owner uuid.UUID, shared bool) bool {
	return owner == sc.UserID || (shared && sc.Role.AtLeast(tenant.RoleAdmin))
}

func toView(sc tenant.Scope, id uuid.UUID, owner uuid.NullUUID, shared bool, name, params string) View {
	p, _ := url.ParseQuery(params)
	v := View{ID: id, Shared: shared, Name: name, Params: p}
	if owner.Valid {
		v.OwnerID = owner.UUID
	}
	v.Editable = editable(sc, v.OwnerID, shared)
	return v
}

// Visible returns the views the person sees (their own and the shared ones) in their order.
func (s *Service) Visible(ctx context.Context, sc tenant.Scope) ([]View, error) {
	var out []View
	if err := s.st.InTenantPipeline(ctx, sc.TenantID(), false, VisiblePart(ctx, sc, &out)); err != nil {
		return nil, err
	}
	return out, nil
}

// VisiblePart reads Visible's views into out as part of another service's pipeline (a page's
// list statement), so the sidebar costs no round trip of its own.
func VisiblePart(ctx context.Context, sc tenant.Scope, out *[]View) store.PipelineFunc {
	return func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		rows, err := q.SavedViewsVisible(ctx, dbsqlc.SavedViewsVisibleParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		*out = (*out)[:0]
		for _, r := range rows {
			*out = append(*out, toView(sc, r.ID, r.OwnerID, r.Shared, r.Name, r.Params))
		}
		if err != nil {
			return fmt.Errorf("savedview: visible: %w", err)
		}
		return nil
	}
}

// Get returns one view the person sees; any other is not found.
func (s *Service) Get(ctx context.Context, sc tenant.Scope, id uuid.UUID) (View, error) {
	var v View
	err := s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		v, err = get(ctx, q, sc, id, false)
		return err
	})
	return v, err
}

func get(ctx context.Context, q *dbsqlc.Queries, sc tenant.Scope, id uuid.UUID, lock bool) (View, error) {
	var r dbsqlc.SavedViewByIDRow
	var err error
	if lock {
		var lr dbsqlc.SavedViewForUpdateRow
		lr, err = q.SavedViewForUpdate(ctx, dbsqlc.SavedViewForUpdateParams{TenantID: sc.TenantID(), ID: id})
		r = dbsqlc.SavedViewByIDRow(lr)
	} else {
		r, err = q.SavedViewByID(ctx, dbsqlc.SavedViewByIDParams{TenantID: sc.TenantID(), ID: id})
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return View{}, fmt.Errorf("savedview: %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return View{}, fmt.Errorf("savedview: %s: %w", id, err)
	}
	// Someone else's personal view does not exist for this person.
	if !r.Shared && (!r.OwnerID.Valid || r.OwnerID.UUID != sc.UserID) {
		return View{}, fmt.Errorf("savedview: %s is personal: %w", id, store.ErrNotFound)
	}
	return toView(sc, r.ID, r.OwnerID, r.Shared, r.Name, r.Params), nil
}

// check validates an input and returns its name and encoded parameters.
func check(sc tenant.Scope, in Input) (string, string, error) {
	errs := validate.Errors{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		errs.Add("name", KeyNameRequired)
	case utf8.RuneCountInString(name) > 80:
		errs.Add("name", KeyNameTooLong)
	}
	params := in.Params.Encode()
	if len(params) > 2000 {
		errs.Add("params", KeyParams)
	}
	if in.Shared && !sc.Role.AtLeast(tenant.RoleManager) {
		errs.Add("shared", KeySharedRole)
	}
	if len(errs) > 0 {
		return "", "", errs
	}
	return name, params, nil
}

// Create saves a view; shared views need a manager or admin. The new view goes to the end of
// the author's order.
func (s *Service) Create(ctx context.Context, sc tenant.Scope, in Input) (uuid.UUID, error) {
	name, params, err := check(sc, in)
	if err != nil {
		return uuid.Nil, err
	}
	var id uuid.UUID
	err = s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		id, err = q.SavedViewCreate(ctx, dbsqlc.SavedViewCreateParams{TenantID: sc.TenantID(),
			OwnerID: uuid.NullUUID{UUID: sc.UserID, Valid: true}, Shared: in.Shared, Name: name, Params: params})
		if err != nil {
			return fmt.Errorf("savedview: create: %w", err)
		}
		if in.Shared {
			return tenant.Audit(ctx, q, sc, "view.shared_created", map[string]any{"view_id": id, "name": name})
		}
		return nil
	})
	return id, err
}

// Update renames a view, replaces its filters and sort, or shares or unshares it: its author may,
// and an admin may for a shared view. Sharing needs a manager or admin.
func (s *Service) Update(ctx context.Context, sc tenant.Scope, id uuid.UUID, in Input) error {
	name, params, err := check(sc, in)
	if err != nil {
		return err
	}
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		v, err := get(ctx, q, sc, id, true)
		if err != nil {
			return err
		}
		if !v.Editable {
			return fmt.Errorf("savedview: update %s: %w", id, tenant.ErrForbidden)
		}
		if err := q.SavedViewUpdate(ctx, dbsqlc.SavedViewUpdateParams{TenantID: sc.TenantID(), ID: id, Name: name, Params: params, Shared: in.Shared}); err != nil {
			return fmt.Errorf("savedview: update: %w", err)
		}
		if v.Shared || in.Shared {
			return tenant.Audit(ctx, q, sc, "view.shared_updated", map[string]any{"view_id": id, "name": name, "shared": in.Shared})
		}
		return nil
	})
}

// Delete removes a view: its author may, and an admin may for a shared view.
func (s *Service) Delete(ctx context.Context, sc tenant.Scope, id uuid.UUID) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		v, err := get(ctx, q, sc, id, true)
		if err != nil {
			return err
		}
		if !v.Editable {
			return fmt.Errorf("savedview: delete %s: %w", id, tenant.ErrForbidden)
		}
		if err := q.SavedViewDelete(ctx, dbsqlc.SavedViewDeleteParams{TenantID: sc.TenantID(), ID: id}); err != nil {
			return fmt.Errorf("savedview: delete: %w", err)
		}
		if v.Shared {
			return tenant.Audit(ctx, q, sc, "view.shared_deleted", map[string]any{"view_id": id, "name": v.Name})
		}
		return nil
	})
}

// Move moves a view one place up (delta < 0) or down (delta > 0) in the person's own order.
func (s *Service) Move(ctx context.Context, sc tenant.Scope, id uuid.UUID, delta int) error {
	return s.reorder(ctx, sc, func(ids []uuid.UUID) ([]uuid.UUID, error) {
		i := slices.Index(ids, id)
		if i < 0 {
			return nil, fmt.Errorf("savedview: move %s: %w", id, store.ErrNotFound)
		}
		j := min(max(i+delta, 0), len(ids)-1)
		v := ids[i]
		ids = slices.Delete(ids, i, i+1)
		return slices.Insert(ids, j, v), nil
	})
}

// Order puts the views in the given order (a drag and drop); views the person sees but the list
// leaves out keep their relative order after those listed, and ids the person does not see are
// not found.
func (s *Service) Order(ctx context.Context, sc tenant.Scope, order []uuid.UUID) error {
	return s.reorder(ctx, sc, func(ids []uuid.UUID) ([]uuid.UUID, error) {
		out := make([]uuid.UUID, 0, len(ids))
		for _, id := range order {
			if !slices.Contains(ids, id) {
				return nil, fmt.Errorf("savedview: order %s: %w", id, store.ErrNotFound)
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		for _, id := range ids {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out, nil
	})
}

// reorder reads the person's current order, lets fn change it and writes it whole.
func (s *Service) reorder(ctx context.Context, sc tenant.Scope, fn func([]uuid.UUID) ([]uuid.UUID, error)) error {
	return s.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.SavedViewsVisible(ctx, dbsqlc.SavedViewsVisibleParams{TenantID: sc.TenantID(), UserID: sc.UserID})
		if err != nil {
			return fmt.Errorf("savedview: order: %w", err)
		}
		ids := make([]uuid.UUID, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		ids, err = fn(ids)
		if err != nil {
			return err
		}
		if err := q.SavedViewPositionsSet(ctx, dbsqlc.SavedViewPositionsSetParams{TenantID: sc.TenantID(), UserID: sc.UserID, ViewIds: ids}); err != nil {
			return fmt.Errorf("savedview: order: %w", err)
		}
		return nil
	})
}
