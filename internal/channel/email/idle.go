package email

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// watcherLock is the advisory lock the one watching process holds (several processes would
// open several IDLE connections per mailbox, and servers limit them).
const watcherLock = 0x5d_1d1e

// Watcher keeps an IMAP IDLE connection open for each account that wants it and turns every
// "new mail" signal into a sync job. The signal only wakes the sync; it carries no mail, and the
// periodic sync stays the safety net for connections that die silently.
type Watcher struct {
	Accounts *Service
	Jobs     *river.Client[pgx.Tx]
	// Every is how often the list of accounts is reloaded (and the lock retried).
	Every  time.Duration
	Logger *slog.Logger

	mu      sync.Mutex
	running map[string]context.CancelFunc
}

// Run watches until ctx ends. Only the process holding the advisory lock watches; the others
// wait to take over.
func (w *Watcher) Run(ctx context.Context) {
	w.running = map[string]context.CancelFunc{}
	every := max(w.Every, time.Second)
	for ctx.Err() == nil {
		if err := w.lead(ctx, every); err != nil && ctx.Err() == nil {
			w.Logger.WarnContext(ctx, "mail idle watcher", "error", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(every):
		}
	}
}

func (w *Watcher) lead(ctx context.Context, every time.Duration) error {
	conn, err := w.Accounts.st.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", watcherLock).Scan(&got); err != nil {
		return err
	}
	if !got {
		return nil
	}
	defer func() {
		w.stopAll()
		// The lock belongs to the connection: unlock before it returns to the pool.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", watcherLock)
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := w.reconcile(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := conn.Ping(ctx); err != nil {
			return fmt.Errorf("lock connection: %w", err)
		}
	}
}

// reconcile starts watching new IDLE accounts and stops watching removed, paused or non-IDLE ones.
func (w *Watcher) reconcile(ctx context.Context) error {
	var rows []dbsqlc.EmailAccountsToSyncRow
	err := w.Accounts.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		rows, err = q.EmailAccountsToSync(ctx)
		return err
	})
	if err != nil {
		return err
	}
	want := map[string]dbsqlc.EmailAccountsToSyncRow{}
	for _, r := range rows {
		if r.Idle {
			want[r.TenantID.String()+"/"+strconv.FormatInt(r.AccountID, 10)] = r
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, cancel := range w.running {
		if _, ok := want[k]; !ok {
			cancel()
			delete(w.running, k)
		}
	}
	for k, r := range want {
		if _, ok := w.running[k]; ok {
			continue
		}
		actx, cancel := context.WithCancel(ctx)
		w.running[k] = cancel
		go w.watch(actx, r.TenantID, r.AccountID)
	}
	return nil
}

func (w *Watcher) stopAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, cancel := range w.running {
		cancel()
		delete(w.running, k)
	}
}

// watch keeps one account's IDLE connection, reconnecting with backoff.
func (w *Watcher) watch(ctx context.Context, tenantID uuid.UUID, accountID int64) {
	backoff := 5 * time.Second
	for ctx.Err() == nil {
		err := w.idleOnce(ctx, tenantID, accountID)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			w.Logger.InfoContext(ctx, "mail idle: reconnecting", "tenant_id", tenantID, "account_id", accountID, "error", err, "in", backoff)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
}

func (w *Watcher) idleOnce(ctx context.Context, tenantID uuid.UUID, accountID int64) error {
	a, err := w.Accounts.Get(ctx, tenantID, accountID)
	if err != nil {
		return err
	}
	sec, err := w.Accounts.open(a)
	if err != nil {
		return err
	}
	wake := make(chan struct{}, 1)
	handler := &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}}
	c, err := w.Accounts.dialIMAP(ctx, a, sec, handler)
	if err != nil {
		return err
	}
	defer c.Close()
	if !c.Caps().Has(imap.CapIdle) {
		<-ctx.Done() // the server cannot push; the periodic sync does the work
		return nil
	}
	if _, err := c.Select(a.ImapFolders[0], &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return fmt.Errorf("select: %w", err)
	}
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	defer func() { _ = idle.Close() }()
	// Mail that arrived while nobody was watching announces nothing: catch up once per connection.
	if err := w.wake(ctx, tenantID, accountID, "idle-connect"); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.Closed():
			return fmt.Errorf("the server closed the IDLE connection")
		case <-wake:
			if err := w.wake(ctx, tenantID, accountID, "idle"); err != nil {
				return err
			}
		}
	}
}

// wake queues a sync: one per account, reason and second, however many messages arrive at once.
func (w *Watcher) wake(ctx context.Context, tenantID uuid.UUID, accountID int64, reason string) error {
	args := SyncArgs{TenantID: tenantID, AccountID: accountID, Wake: reason + "-" + strconv.FormatInt(time.Now().Unix(), 10)}
	if _, err := w.Jobs.Insert(ctx, args, SyncOpts(tenantID, time.Second)); err != nil {
		return fmt.Errorf("queue sync: %w", err)
	}
	return nil
}
