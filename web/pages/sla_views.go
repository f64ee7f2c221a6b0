package pages

import "github.com/shopdesk/shopdesk/web/components"

// SLAView lists policies, the presets not yet added, and the marketplace metrics.
type SLAView struct {
	Shell    components.Shell
	Slug     string
	Policies []PolicyRow
	Presets  []PresetRow
	Metrics  []MetricRow
}

// PolicyRow is one policy in the list.
type PolicyRow struct {
	ID, Name, Conditions, First, Next, Resolution, Clock, HardDeadline string
	Position                                                           int32
	Enabled                                                            bool
}

// PresetRow is a marketplace preset that can be added.
type PresetRow struct{ Key, Name, Target, HardDeadline string }

// MetricRow is one marketplace's response metric over one window.
type MetricRow struct {
	Marketplace, Window, Answered, Late, LateRate, AvgResponse, Open, Projected string
	LatePercent, ProjPercent                                                    int // for the bars, 0-100
	Danger                                                                      bool
}

// PolicyFormView edits a policy.
type PolicyFormView struct {
	Shell                               components.Shell
	Slug, ID                            string
	Values                              map[string]string
	Enabled, PausePending, PauseSnoozed bool
	Conditions                          []ConditionRow
	Warning, Breach                     []ActionRow
	Calendars                           []components.Option
	ValueHints                          []string
	// ValueSets offer the known choices of condition and action values.
	ValueSets *ValueSets
	Errors    map[string]string
}
