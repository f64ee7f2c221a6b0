package pages

import "github.com/shopdesk/shopdesk/web/components"

// RulesView lists the workspace's rules.
type RulesView struct {
	Shell components.Shell
	Slug  string
	Rules []RuleRow
}

// RuleRow is one rule in the list.
type RuleRow struct {
	ID, Name, Trigger, Conditions, Actions string
	Position                               int32
	Enabled, Stop                          bool
}

// RuleFormView edits a rule; Conditions and Actions always hold the form's fixed number of rows.
type RuleFormView struct {
	Shell                                   components.Shell
	Slug, ID                                string
	Name, Trigger, Minutes, Match, Position string
	Stop, Enabled                           bool
	Conditions                              []ConditionRow
	Actions                                 []ActionRow
	Errors                                  map[string]string
	// ValueHints feed the action value field's suggestions (priorities, teams, policies, people).
	ValueHints []string
	// ValueSets offer the known choices of condition and action values.
	ValueSets *ValueSets
	DryTicket string
	DryRun    *DryRunView
	// Tried is set when the unsaved form was tried ("Try on recent tickets"): one result a ticket.
	Tried     bool
	TryTicket string
	Tries     []DryRunView
}

// ConditionRow is one condition line of a form.
type ConditionRow struct{ Field, Op, Value string }

// ActionRow is one action line of a form: Value as people know it (a team's name), Stored as
// the rule keeps it (the team's id).
type ActionRow struct{ Type, Value, Stored string }

// DryRunView is what a rule would do to a ticket.
type DryRunView struct {
	Number   int64
	Subject  string
	Matched  bool
	Outcomes []OutcomeRow
	Actions  []string
}

// OutcomeRow is one condition's result.
type OutcomeRow struct {
	Text    string
	Matched bool
}
