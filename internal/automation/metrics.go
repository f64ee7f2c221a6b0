package automation

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Marketplace is a marketplace's own response rule as it measures sellers.
type Marketplace struct {
	Channel  string
	Name     string
	Deadline time.Duration // answered later than this after the message counts as late
	// Windows the marketplace reports over, in days.
	Windows []int
}

// Marketplaces whose response metrics are projected: Amazon's Late Response Rate (24 h, every day,
// over 7/30/90 days) and Walmart's 48 h response rate.
var Marketplaces = []Marketplace{
	{Channel: "amazon", Name: "Amazon", Deadline: 24 * time.Hour, Windows: []int{7, 30, 90}},
	{Channel: "walmart", Name: "Walmart", Deadline: 48 * time.Hour, Windows: []int{7, 30, 90}},
}

// WindowMetric is one marketplace's numbers over one window.
type WindowMetric struct {
	Days         int
	Answered     int
	Late         int
	LateRate     float64       // late / answered
	AvgResponse  time.Duration // mean time to the answer
	Open         int           // messages still waiting
	ProjLateRate float64       // if every waiting message is answered at its due time
	ProjLate     int
}

// MarketplaceMetric is a marketplace's windows.
type MarketplaceMetric struct {
	Marketplace
	Windows []WindowMetric
}

// MarketplaceMetrics computes each marketplace's response metrics from the finished response
// targets (one per customer message or run of messages answered together) and projects them with
// the messages still waiting: answered at their internal due time, or now if that has passed.
func (e *Engine) MarketplaceMetrics(ctx context.Context, sc tenant.Scope) ([]MarketplaceMetric, error) {
	now := e.now()
	var out []MarketplaceMetric
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		for _, m := range Marketplaces {
			done, err := q.SLAResponseStats(ctx, dbsqlc.SLAResponseStatsParams{TenantID: sc.TenantID(), Channel: m.Channel, Since: now.AddDate(0, 0, -90)})
			if err != nil {
				return err
			}
			open, err := q.SLARunningResponses(ctx, dbsqlc.SLARunningResponsesParams{TenantID: sc.TenantID(), Channel: m.Channel})
			if err != nil {
				return err
			}
			if len(done) == 0 && len(open) == 0 {
				continue
			}
			mm := MarketplaceMetric{Marketplace: m}
			for _, days := range m.Windows {
				since := now.AddDate(0, 0, -days)
				w := WindowMetric{Days: days}
				var total time.Duration
				for _, r := range done {
					if r.Outcome == "skipped" || r.FinishedAt.Before(since) {
						continue
					}
					took := r.FinishedAt.Sub(r.StartedAt)
					w.Answered++
					total += took
					if took > m.Deadline {
						w.Late++
					}
				}
				if w.Answered > 0 {
					w.LateRate = float64(w.Late) / float64(w.Answered)
					w.AvgResponse = total / time.Duration(w.Answered)
				}
				w.ProjLate = w.Late
				for _, o := range open {
					w.Open++
					at := now
					if o.DueAt != nil && o.DueAt.After(now) {
						at = *o.DueAt
					}
					if at.Sub(o.StartedAt) > m.Deadline {
						w.ProjLate++
					}
				}
				if n := w.Answered + w.Open; n > 0 {
					w.ProjLateRate = float64(w.ProjLate) / float64(n)
				}
				mm.Windows = append(mm.Windows, w)
			}
			out = append(out, mm)
		}
		return nil
	})
	return out, err
}
