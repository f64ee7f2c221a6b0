package email

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/failpoint"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Sync tuning. A batch is one transaction (raw mail, processing jobs, cursor); a run stops after
// runBudget messages so one big mailbox never holds a worker for long, and says there is more.
const (
	batchSize = 50
	runBudget = 1000
	// firstSyncWindow is how far back a new mailbox (or one whose UIDVALIDITY changed) is read.
	firstSyncWindow = 14 * 24 * time.Hour
)

// A mailbox whose sync keeps failing is tried again after syncBackoffBase, then twice as long
// each time, at most syncBackoffCap apart, instead of every poll.
const (
	syncBackoffBase = time.Minute
	syncBackoffCap  = time.Hour
)

// SyncResult says what one run of a sync did.
type SyncResult struct {
	Stored, Duplicates int
	// More is true when the run stopped at its budget with messages left.
	More bool
	// Skipped is true when the account's sync is backing off after failures.
	Skipped bool
	// Failures and NextAttempt say, after a failed run, how often it failed in a row and when
	// the next attempt is due.
	Failures    int
	NextAttempt time.Time
}

// Sync fetches an account's new mail into the pipeline. It is safe to repeat and to run twice at
// once: the cursor only advances from where a batch started (a losing run stops), and the same
// bytes are stored once. It never reads or sets \Seen.
// A failing account backs off (see syncBackoffBase): a periodic sync before its next attempt is
// skipped; wake (the server told us of new mail over IDLE) syncs anyway.
func (s *Service) Sync(ctx context.Context, tenantID uuid.UUID, accountID int64, in *ingest.Service, wake bool) (SyncResult, error) {
	var res SyncResult
	a, err := s.Get(ctx, tenantID, accountID)
	if err != nil {
		return res, err
	}
	if a.Status != "active" || a.ImapHost == "" {
		return res, nil
	}
	if !wake && a.NextSyncAt != nil && time.Now().Before(*a.NextSyncAt) {
		res.Skipped = true
		return res, nil
	}
	res, err = s.sync(ctx, a, in)
	s.record(ctx, a, err, &res)
	return res, err
}

func (s *Service) record(ctx context.Context, a Account, syncErr error, res *SyncResult) {
	if errors.Is(syncErr, context.Canceled) {
		return
	}
	// Recording the outcome must not fail with the sync's own cancelled context.
	ctx = context.WithoutCancel(ctx)
	_ = s.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if syncErr != nil {
			row, err := q.EmailAccountFailed(ctx, dbsqlc.EmailAccountFailedParams{TenantID: a.TenantID, ID: a.ID, LastError: syncErr.Error(),
				CapSecs: syncBackoffCap.Seconds(), BaseSecs: syncBackoffBase.Seconds()})
			if err == nil && row.NextSyncAt != nil {
				res.Failures, res.NextAttempt = int(row.SyncFailures), *row.NextSyncAt
			}
			return err
		}
		return q.EmailAccountSynced(ctx, dbsqlc.EmailAccountSyncedParams{TenantID: a.TenantID, ID: a.ID, Stored: int32(min(res.Stored, math.MaxInt32))})
	})
}

func (s *Service) sync(ctx context.Context, a Account, in *ingest.Service) (SyncResult, error) {
	var res SyncResult
	sec, err := s.open(a)
	if err != nil {
		return res, err
	}
	c, err := s.dialIMAP(ctx, a, sec, nil)
	if err != nil {
		return res, err
	}
	defer func() { _ = c.Logout().Wait(); _ = c.Close() }()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	budget := runBudget
	for _, folder := range a.ImapFolders {
		if budget <= 0 {
			res.More = true
			break
		}
		n, dups, more, err := s.syncFolder(ctx, c, a, folder, budget, in)
		res.Stored += n
		res.Duplicates += dups
		budget -= n + dups
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			return res, fmt.Errorf("folder %s: %w", folder, err)
		}
		res.More = res.More || more
	}
	return res, nil
}

func (s *Service) syncFolder(ctx context.Context, c *imapclient.Client, a Account, folder string, budget int, in *ingest.Service) (stored, dups int, more bool, err error) {
	// EXAMINE (read-only) so nothing we do changes the mailbox the seller also reads.
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return 0, 0, false, fmt.Errorf("select: %w", err)
	}
	var cur dbsqlc.EmailCursor
	found := true
	err = s.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		cur, err = q.EmailCursorGet(ctx, dbsqlc.EmailCursorGetParams{TenantID: a.TenantID, AccountID: a.ID, Mailbox: folder})
		if errors.Is(err, pgx.ErrNoRows) {
			found = false
			return nil
		}
		return err
	})
	if err != nil {
		return 0, 0, false, err
	}
	validity := int64(sel.UIDValidity)
	from := struct{ validity, uid int64 }{cur.Uidvalidity, cur.LastUid}
	var criteria imap.SearchCriteria
	if found && cur.Uidvalidity == validity {
		if sel.UIDNext != 0 && int64(sel.UIDNext) <= cur.LastUid+1 {
			return 0, 0, false, nil // nothing new
		}
		criteria.UID = []imap.UIDSet{{imap.UIDRange{Start: imap.UID(cur.LastUid + 1), Stop: 0}}}
	} else {
		// A new folder, or every stored UID is void: read the recent window again; the content
		// hash and the Message-ID absorb what was already stored.
		criteria.Since = time.Now().Add(-firstSyncWindow)
	}
	data, err := c.UIDSearch(&criteria, nil).Wait()
	if err != nil {
		return 0, 0, false, fmt.Errorf("search: %w", err)
	}
	var uids []imap.UID
	for _, u := range data.AllUIDs() {
		// "n:*" always includes the newest message even when its UID is below n.
		if validity != cur.Uidvalidity || int64(u) > cur.LastUid {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	if len(uids) == 0 {
		if !found || cur.Uidvalidity != validity {
			last := max(int64(sel.UIDNext)-1, 0)
			_, err := s.advance(ctx, a, folder, from.validity, from.uid, validity, last, nil, in)
			return 0, 0, false, err
		}
		return 0, 0, false, nil
	}
	for len(uids) > 0 {
		if stored+dups >= budget {
			return stored, dups, true, nil
		}
		n := min(batchSize, len(uids))
		batch := uids[:n]
		uids = uids[n:]
		raws, err := fetchRaw(c, batch)
		if err != nil {
			return stored, dups, false, err
		}
		items := make([][]byte, 0, len(batch))
		for _, u := range batch {
			if b, ok := raws[u]; ok { // expunged meanwhile: nothing to store
				items = append(items, b)
			}
		}
		last := int64(batch[len(batch)-1])
		st, err := s.advance(ctx, a, folder, from.validity, from.uid, validity, last, items, in)
		if err != nil {
			return stored, dups, false, err
		}
		if st.lost {
			return stored, dups, false, nil // another sync of this account got there first
		}
		failpoint.Hit("mail.sync.batch")
		stored += st.stored
		dups += len(items) - st.stored
		from.validity, from.uid = validity, last
	}
	return stored, dups, false, nil
}

type advanced struct {
	stored int
	lost   bool
}

// advance stores one batch and moves the cursor in one transaction.
func (s *Service) advance(ctx context.Context, a Account, folder string, fromValidity, fromUID, validity, last int64, items [][]byte, in *ingest.Service) (advanced, error) {
	var out advanced
	err := s.st.InTenantTx(ctx, a.TenantID, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		out = advanced{}
		n, err := q.EmailCursorSet(ctx, dbsqlc.EmailCursorSetParams{TenantID: a.TenantID, AccountID: a.ID, Mailbox: folder,
			Uidvalidity: validity, LastUid: last, FromUidvalidity: fromValidity, FromUid: fromUID})
		if err != nil {
			return err
		}
		if n == 0 {
			out.lost = true
			return nil
		}
		out.stored, err = in.AcceptBatchTx(ctx, q, tx, a.TenantID, "imap:"+a.Address, a.ID, items)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store batch: %w", store.NotFound(err))
	}
	return out, nil
}
