package conversation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Views of the inbox. Channel and marketplace views take their value in Filter.
const (
	ViewUnassigned  = "unassigned"
	ViewMine        = "mine"
	ViewOpen        = "open"
	ViewPresale     = "presale"
	ViewBreaching   = "breaching"
	ViewPending     = "pending"
	ViewSnoozed     = "snoozed"
	ViewResolved    = "resolved"
	ViewClosed      = "closed"
	ViewChannel     = "channel"
	ViewMarketplace = "marketplace"
)

// Views lists the fixed views in the order the sidebar shows them.
var Views = []string{ViewUnassigned, ViewMine, ViewOpen, ViewPresale, ViewBreaching, ViewPending, ViewSnoozed, ViewResolved, ViewClosed}

// BreachingWindow is how close to its due time a ticket counts as "breaching soon".
const BreachingWindow = 2 * time.Hour

// Filter narrows a view. Zero values mean "any".
type Filter struct {
	View        string
	Status      string
	Channel     string
	Marketplace string
	Store       string
	Tag         string
	Category    string
	Language    string
	AssigneeID  uuid.UUID
	Unassigned  bool
	TeamID      uuid.UUID
	Priority    int // -1 any; 0 urgent … 3 low
	// Sort replaces the view's own order: SortNewest or SortOldest (by creation); "" keeps it.
	Sort string
}

// Orders a list can be given instead of its view's own.
const (
	SortNewest = "newest"
	SortOldest = "oldest"
)

// viewOnly reports a view, possibly of one channel, with no other filter: its statement walks one
// of the view indexes to the LIMIT whatever the arguments, so one generic plan serves every run.
func (f Filter) viewOnly() bool {
	return f.Status == "" && f.Marketplace == "" && f.Store == "" && f.Tag == "" && f.Category == "" && f.Language == "" && f.Sort == "" &&
		f.AssigneeID == uuid.Nil && !f.Unassigned && f.TeamID == uuid.Nil && f.Priority < 0
}

// ListItem is one row of the ticket list.
type ListItem struct {
	Ticket
	CustomerName string
	AssigneeName string
	Unread       bool
	// Match is, in search results, the text of the message that matched best; empty when only
	// the ticket itself (subject, customer, order numbers) matched.
	Match string
}

// Page is one page of a list and the cursor of the next.
type Page struct {
	Items []ListItem
	Next  string
}

// cursor is the keyset position after the last row of a page. Due is nil for "no due time",
// which sorts last; Snoozed is nil for a snooze without a time (none are written), also last.
type cursor struct {
	Due      *time.Time `json:"d,omitempty"`
	Priority int16      `json:"p"`
	Created  time.Time  `json:"c"`
	Resolved *time.Time `json:"r,omitempty"`
	Snoozed  *time.Time `json:"s,omitempty"`
	Mode     string     `json:"m,omitempty"` // the list order it belongs to: "" due, "s" snoozed, "r" done, "n" newest, "o" oldest
	ID       int64      `json:"i"`
}

// listOrder is how a list is sorted, each matching its views' partial indexes.
type listOrder int

const (
	orderDue     listOrder = iota // SLA due time, priority, age, id
	orderSnoozed                  // wake-up time, id: the next to wake first
	orderDone                     // resolution time, newest first
	orderNewest                   // creation time, newest first (a chosen sort)
	orderOldest                   // creation time, oldest first (a chosen sort)
)

func (o listOrder) mode() string { return [...]string{"", "s", "r", "n", "o"}[o] }

func orderOfStatus(status string) listOrder {
	switch status {
	case "snoozed":
		return orderSnoozed
	case "resolved", "closed":
		return orderDone
	}
	return orderDue
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, fmt.Errorf("conversation: bad cursor: %w", store.ErrNotFound)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("conversation: bad cursor: %w", store.ErrNotFound)
	}
	return c, nil
}

// listQuery builds the one parameterised statement for a view, its filters and a cursor. Each
// view's base condition matches one partial index exactly, and the ORDER BY is that index's
// order, so a page reads about limit rows however many tickets match.
type listQuery struct {
	where []string
	args  []any
}

func (b *listQuery) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *listQuery) and(cond string) { b.where = append(b.where, cond) }

const openStatuses = "t.status IN ('open', 'pending') AND t.merged_into IS NULL"

// statusCond is the condition of one status, spelled as the partial index of its view spells
// it, so the planner matches that index (the status is one of Statuses, never user text).
func statusCond(status string) string {
	return "t.status = '" + status + "' AND t.merged_into IS NULL"
}

func (s *Service) buildList(sc tenant.Scope, f Filter, after string, limit int) (string, []any, listOrder, error) {
	b := &listQuery{}
	b.and("t.tenant_id = " + b.arg(sc.TenantID()))
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return "", nil, 0, fmt.Errorf("conversation: unknown status %q: %w", f.Status, store.ErrNotFound)
	}
	// A status filter replaces the statuses of the view, so it finds tickets of that status
	// whatever view it is applied in (snoozed tickets from "All open", say).
	statuses := func(def string) string {
		if f.Status != "" {
			return statusCond(f.Status)
		}
		return def
	}
	order := orderDue
	switch f.View {
	case ViewOpen, "":
		b.and(statuses(openStatuses))
	case ViewUnassigned:
		b.and(statuses(openStatuses) + " AND t.assignee_id IS NULL")
	case ViewMine:
		b.and(statuses("t.status IN ('open', 'pending', 'snoozed') AND t.merged_into IS NULL") + " AND t.assignee_id = " + b.arg(sc.UserID))
	case ViewPresale:
		b.and(statuses(openStatuses) + " AND t.presale")
	case ViewBreaching:
		b.and(statuses(openStatuses) + " AND t.sort_due < " + b.arg(s.now().Add(BreachingWindow)))
	case ViewChannel:
		b.and(statuses(openStatuses) + " AND t.channel = " + b.arg(f.Channel))
	case ViewMarketplace:
		b.and(statuses(openStatuses) + " AND t.marketplace = " + b.arg(f.Marketplace))
	case ViewPending, ViewSnoozed, ViewResolved, ViewClosed:
		b.and(statuses(statusCond(f.View)))
		order = orderOfStatus(f.View)
	default:
		return "", nil, 0, fmt.Errorf("conversation: unknown view %q: %w", f.View, store.ErrNotFound)
	}
	if f.Status != "" {
		order = orderOfStatus(f.Status)
	}
	switch f.Sort {
	case "":
	case SortNewest:
		order = orderNewest
	case SortOldest:
		order = orderOldest
	default:
		return "", nil, 0, fmt.Errorf("conversation: unknown sort %q: %w", f.Sort, store.ErrNotFound)
	}
	if f.Channel != "" && f.View != ViewChannel {
		b.and("t.channel = " + b.arg(f.Channel))
	}
	if f.Marketplace != "" && f.View != ViewMarketplace {
		b.and("t.marketplace = " + b.arg(f.Marketplace))
	}
	if f.Store != "" {
		b.and("t.store = " + b.arg(f.Store))
	}
	if f.Tag != "" {
		b.and("t.tags @> ARRAY[" + b.arg(f.Tag) + "::text]")
	}
	if f.Category != "" {
		b.and("t.category = " + b.arg(f.Category) + " AND t.category <> ''")
	}
	if f.Language != "" {
		b.and("t.language = " + b.arg(f.Language))
	}
	if f.AssigneeID != uuid.Nil && f.View != ViewMine {
		b.and("t.assignee_id = " + b.arg(f.AssigneeID))
	}
	if f.Unassigned {
		b.and("t.assignee_id IS NULL")
	}
	if f.TeamID != uuid.Nil {
		b.and("t.team_id = " + b.arg(f.TeamID))
	}
	if f.Priority >= 0 && f.Priority <= 3 {
		b.and("t.priority = " + b.arg(int16(f.Priority)))
	}
	orderBy := "t.sort_due, t.priority, t.created_at, t.id"
	switch order {
	case orderSnoozed:
		orderBy = snoozedKey + ", t.id"
	case orderDone:
		orderBy = "t.resolved_at DESC, t.id DESC"
	case orderNewest:
		orderBy = "t.created_at DESC, t.id DESC"
	case orderOldest:
		orderBy = "t.created_at, t.id"
	}
	if after != "" {
		c, err := decodeCursor(after)
		if err != nil {
			return "", nil, 0, err
		}
		if (order == orderDone) != (c.Resolved != nil) || c.Mode != order.mode() && (order != orderDone || c.Mode != "") {
			return "", nil, 0, fmt.Errorf("conversation: cursor of another view: %w", store.ErrNotFound)
		}
		switch order {
		case orderNewest:
			b.and("(t.created_at, t.id) < (" + b.arg(c.Created) + "::timestamptz, " + b.arg(c.ID) + "::bigint)")
		case orderOldest:
			b.and("(t.created_at, t.id) > (" + b.arg(c.Created) + "::timestamptz, " + b.arg(c.ID) + "::bigint)")
		case orderDone:
			b.and("(t.resolved_at, t.id) < (" + b.arg(*c.Resolved) + ", " + b.arg(c.ID) + ")")
		case orderSnoozed:
			until := "'infinity'::timestamptz"
			if c.Snoozed != nil {
				until = b.arg(*c.Snoozed) + "::timestamptz"
			}
			b.and("(" + snoozedKey + ", t.id) > (" + until + ", " + b.arg(c.ID) + "::bigint)")
		default:
			due := "'infinity'::timestamptz"
			if c.Due != nil {
				due = b.arg(*c.Due) + "::timestamptz"
			}
			b.and("(t.sort_due, t.priority, t.created_at, t.id) > (" + due + ", " + b.arg(c.Priority) + "::smallint, " + b.arg(c.Created) + "::timestamptz, " + b.arg(c.ID) + "::bigint)")
		}
	}
	sql := `SELECT ` + listColumns + `, c.name,
		(r.read_at IS NULL OR r.read_at < t.last_message_at)
	FROM tickets t
	JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
	LEFT JOIN ticket_reads r ON r.tenant_id = t.tenant_id AND r.ticket_id = t.id AND r.user_id = ` + b.arg(sc.UserID) + `
	WHERE ` + strings.Join(b.where, "\n\t  AND ") + `
	ORDER BY ` + orderBy + `
	LIMIT ` + b.arg(limit+1)
	return sql, b.args, order, nil
}

// snoozedKey is the snoozed view's sort key, as tickets_snoozed_idx spells it.
const snoozedKey = "coalesce(t.snoozed_until, 'infinity'::timestamptz)"

const listColumns = `t.tenant_id, t.id, t.number, t.channel, t.marketplace, t.store, t.subject, t.customer_id, t.status,
	t.priority, t.assignee_id, t.team_id, t.tags, t.category, t.language, t.presale, t.snoozed_until, t.sla_due_at,
	t.sla_state, t.created_at, t.updated_at, t.last_message_at, t.last_customer_at, t.first_reply_at, t.resolved_at,
	t.message_count, t.snippet, t.merged_into`

func scanListItem(row pgx.Row, it *ListItem) error {
	t := &it.Ticket
	return row.Scan(&t.TenantID, &t.ID, &t.Number, &t.Channel, &t.Marketplace, &t.Store, &t.Subject, &t.CustomerID,
		&t.Status, &t.Priority, &t.AssigneeID, &t.TeamID, &t.Tags, &t.Category, &t.Language, &t.Presale,
		&t.SnoozedUntil, &t.SlaDueAt, &t.SlaState, &t.CreatedAt, &t.UpdatedAt, &t.LastMessageAt, &t.LastCustomerAt,
		&t.FirstReplyAt, &t.ResolvedAt, &t.MessageCount, &t.Snippet, &t.MergedInto,
		&it.CustomerName, &it.Unread)
}

// queryItems runs a list-shaped statement in the workspace. Assignees are named from the
// workspace's cached members (peopleTTL), read in the same round trip when the cache is cold.
// also (may be nil) adds other services' statements to the same round trip (a page's frame).
func (s *Service) queryItems(ctx context.Context, sc tenant.Scope, genericPlans bool, also store.PipelineFunc, sql string, args ...any) ([]ListItem, error) {
	tid := sc.TenantID()
	var out []ListItem
	members, haveMembers := s.people.get(tid)
	// A list page only reads: the workspace pin and the statements go out in one round trip.
	err := s.st.InTenantPipeline(ctx, tid, genericPlans, func(q *dbsqlc.Queries, db dbsqlc.DBTX) error {
		out = nil
		rows, err := db.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it ListItem
			if err := scanListItem(rows, &it); err != nil {
				return err
			}
			out = append(out, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !haveMembers {
			if members, err = q.MembersForMention(ctx, tid); err != nil {
				return err
			}
		}
		if also != nil {
			return also(q, db)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !haveMembers {
		s.people.put(tid, members)
	}
	return out, s.nameAssignees(ctx, tid, out, names(members))
}

// nameAssignees fills in assignee names; someone no longer a member is looked up by id.
func (s *Service) nameAssignees(ctx context.Context, tid uuid.UUID, items []ListItem, known map[uuid.UUID]string) error {
	var missing []uuid.UUID
	for i := range items {
		a := items[i].AssigneeID
		if !a.Valid {
			continue
		}
		if name, ok := known[a.UUID]; ok {
			items[i].AssigneeName = name
		} else {
			missing = append(missing, a.UUID)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var rows []dbsqlc.UserNamesRow
	if err := s.st.InTenantPipeline(ctx, tid, false, func(q *dbsqlc.Queries, _ dbsqlc.DBTX) error {
		var err error
		rows, err = q.UserNames(ctx, missing)
		return err
	}); err != nil {
		return err
	}
	for _, r := range rows {
		known[r.ID] = r.Name
	}
	for i := range items {
		if a := items[i].AssigneeID; a.Valid {
			items[i].AssigneeName = known[a.UUID]
		}
	}
	return nil
}

// ListSQL returns the statement and arguments of a list page, for EXPLAIN in benchmarks.
func (s *Service) ListSQL(sc tenant.Scope, f Filter, after string, limit int) (string, []any, error) {
	sql, args, _, err := s.buildList(sc, f, after, limit)
	return sql, args, err
}

// List returns one page of a view. limit is capped at 100.
func (s *Service) List(ctx context.Context, sc tenant.Scope, f Filter, after string, limit int) (Page, error) {
	return s.ListWith(ctx, sc, f, after, limit, nil)
}

// ListWith is List with other statements (also, see store.Join) in the same round trip: the
// inbox page reads its frame's bell count and saved views there.
func (s *Service) ListWith(ctx context.Context, sc tenant.Scope, f Filter, after string, limit int, also store.PipelineFunc) (Page, error) {
	limit = min(max(limit, 1), 100)
	sql, args, order, err := s.buildList(sc, f, after, limit)
	if err != nil {
		return Page{}, err
	}
	var p Page
	p.Items, err = s.queryItems(ctx, sc, f.viewOnly(), also, sql, args...)
	if err != nil {
		return Page{}, fmt.Errorf("conversation: list %s: %w", f.View, err)
	}
	if len(p.Items) > limit {
		p.Items = p.Items[:limit]
		last := p.Items[limit-1]
		c := cursor{Due: last.SlaDueAt, Priority: last.Priority, Created: last.CreatedAt, ID: last.ID}
		switch order {
		case orderDone:
			c = cursor{Resolved: last.ResolvedAt, ID: last.ID}
		case orderSnoozed:
			c = cursor{Snoozed: last.SnoozedUntil, ID: last.ID}
		case orderNewest, orderOldest:
			c = cursor{Created: last.CreatedAt, ID: last.ID}
		}
		c.Mode = order.mode()
		p.Next = c.encode()
	}
	return p, nil
}

// CountCap is where view counts stop counting: "1000+" is as useful as an exact number and far
// cheaper on a big workspace.
const CountCap = 1000

// Counts returns each view's ticket count, capped at CountCap, in one round trip.
func (s *Service) Counts(ctx context.Context, sc tenant.Scope) (map[string]int, error) {
	capped := func(cond string) string {
		return "(SELECT count(*) FROM (SELECT 1 FROM tickets t WHERE t.tenant_id = $1 AND " + cond + " LIMIT " + strconv.Itoa(CountCap) + ") s)"
	}
	keys := []string{ViewUnassigned, ViewMine, ViewOpen, ViewPresale, ViewBreaching, ViewPending, ViewSnoozed, ViewClosed}
	exprs := []string{
		capped(openStatuses + " AND t.assignee_id IS NULL"),
		capped("t.status IN ('open', 'pending', 'snoozed') AND t.merged_into IS NULL AND t.assignee_id = $2"),
		capped(openStatuses),
		capped(openStatuses + " AND t.presale"),
		capped(openStatuses + " AND t.sort_due < $3"),
		capped(statusCond("pending")),
		capped(statusCond("snoozed")),
		capped(statusCond("closed")),
	}
	for _, ch := range Channels {
		keys = append(keys, ViewChannel+":"+ch)
		exprs = append(exprs, capped(openStatuses+" AND t.channel = '"+ch+"'"))
	}
	out := make(map[string]int, len(keys))
	// One generic plan: planning this statement afresh took longer than running it.
	soon := s.now().Add(BreachingWindow)
	err := s.st.InTenantPipeline(ctx, sc.TenantID(), true, func(_ *dbsqlc.Queries, db dbsqlc.DBTX) error {
		vals := make([]int, len(keys))
		dest := make([]any, len(keys))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := db.QueryRow(ctx, "SELECT "+strings.Join(exprs, ", "), sc.TenantID(), sc.UserID, soon).Scan(dest...); err != nil {
			return err
		}
		for i, k := range keys {
			out[k] = vals[i]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("conversation: counts: %w", err)
	}
	return out, nil
}
