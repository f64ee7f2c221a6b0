package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/sla"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Description names a job the way a seller thinks of it: "Send reply to #12", "Fetch mail for
// support@…", with the ticket it concerns (0: none). Key is a catalog key; Args fill it.
type Description struct {
	Key          string
	Args         []any
	TicketNumber int64
}

// jobArgs is the union of the fields the workspace's job kinds carry; each kind reads its own.
type jobArgs struct {
	TicketID  int64   `json:"ticket_id"`
	MessageID int64   `json:"message_id"`
	AccountID int64   `json:"account_id"`
	ID        int64   `json:"id"`
	IDs       []int64 `json:"ids"`
	Metric    string  `json:"metric"`
	Event     string  `json:"event"`
	Why       string  `json:"why"`
}

// Describe names each job (in the order given). Tickets, messages and mail accounts named by id in
// the job's arguments are looked up in one pass each; one deleted since shows without its number.
func Describe(ctx context.Context, st *store.Store, tenantID uuid.UUID, rows []*rivertype.JobRow) ([]Description, error) {
	args := make([]jobArgs, len(rows))
	var tickets, messages, accounts []int64
	for i, j := range rows {
		_ = json.Unmarshal(j.EncodedArgs, &args[i]) // an unreadable argument just names the kind
		switch j.Kind {
		case conversation.SendArgs{}.Kind():
			messages = append(messages, args[i].MessageID)
		case email.SyncArgs{}.Kind():
			accounts = append(accounts, args[i].AccountID)
		case sla.TimerArgs{}.Kind(), automation.RuleTimerArgs{}.Kind(), conversation.WakeArgs{}.Kind(), automation.NoticeArgs{}.Kind():
			tickets = append(tickets, args[i].TicketID)
		}
	}
	numbers := map[int64]int64{}
	byMessage := map[int64]int64{}
	addresses := map[int64]string{}
	if len(tickets)+len(messages)+len(accounts) > 0 {
		err := st.InTenantTx(ctx, tenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			if len(tickets) > 0 {
				rs, err := q.JobTicketNumbers(ctx, dbsqlc.JobTicketNumbersParams{TenantID: tenantID, Ids: tickets})
				if err != nil {
					return err
				}
				for _, r := range rs {
					numbers[r.ID] = r.Number
				}
			}
			if len(messages) > 0 {
				rs, err := q.JobMessageTickets(ctx, dbsqlc.JobMessageTicketsParams{TenantID: tenantID, Ids: messages})
				if err != nil {
					return err
				}
				for _, r := range rs {
					byMessage[r.ID] = r.Number
				}
			}
			if len(accounts) > 0 {
				rs, err := q.JobAccountAddresses(ctx, dbsqlc.JobAccountAddressesParams{TenantID: tenantID, Ids: accounts})
				if err != nil {
					return err
				}
				for _, r := range rs {
					addresses[r.ID] = r.Address
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("jobs: describe: %w", err)
		}
	}
	out := make([]Description, len(rows))
	for i, j := range rows {
		a := args[i]
		d := Description{Key: "jobs.name.other", Args: []any{j.Kind}}
		ticket := func(key string, n int64) {
			if n > 0 {
				d = Description{Key: key, Args: []any{n}, TicketNumber: n}
			} else {
				d = Description{Key: key + "_gone"}
			}
		}
		switch j.Kind {
		case conversation.SendArgs{}.Kind():
			ticket("jobs.name.reply_send", byMessage[a.MessageID])
		case sla.TimerArgs{}.Kind():
			if a.Event == "breach" {
				ticket("jobs.name.sla_breach", numbers[a.TicketID])
			} else {
				ticket("jobs.name.sla_warning", numbers[a.TicketID])
			}
		case automation.RuleTimerArgs{}.Kind():
			ticket("jobs.name.rule_timer", numbers[a.TicketID])
		case conversation.WakeArgs{}.Kind():
			ticket("jobs.name.wake", numbers[a.TicketID])
		case automation.NoticeArgs{}.Kind():
			ticket("jobs.name.notify", numbers[a.TicketID])
		case email.SyncArgs{}.Kind():
			if addr := addresses[a.AccountID]; addr != "" {
				d = Description{Key: "jobs.name.mail_sync", Args: []any{addr}}
			} else {
				d = Description{Key: "jobs.name.mail_sync_gone"}
			}
		case ingest.ProcessArgs{}.Kind():
			d = Description{Key: "jobs.name.mail_process"}
		case ingest.ProcessBatchArgs{}.Kind():
			d = Description{Key: "jobs.name.mail_process_batch", Args: []any{len(a.IDs)}}
		case ingest.QuarantineNoticeArgs{}.Kind():
			d = Description{Key: "jobs.name.quarantine_notice"}
		case tenant.InviteMailArgs{}.Kind():
			d = Description{Key: "jobs.name.invite_mail"}
		case auth.ResetMailArgs{}.Kind():
			d = Description{Key: "jobs.name.reset_mail"}
		}
		out[i] = d
	}
	return out, nil
}

// Retriable reports whether a person may run a job again: it failed (waiting for its next attempt
// after an error, or given up) or was cancelled. Queued, running and completed jobs have nothing
// to retry.
func Retriable(state rivertype.JobState) bool {
	return state == rivertype.JobStateRetryable || state == rivertype.JobStateDiscarded || state == rivertype.JobStateCancelled
}

// FirstNonEmpty is the state a jobs page opens on: the first tab (in States order) that holds jobs,
// or running when the workspace has none.
func FirstNonEmpty(counts map[rivertype.JobState]int) rivertype.JobState {
	for _, s := range States {
		if counts[s] > 0 {
			return s
		}
	}
	return rivertype.JobStateRunning
}
