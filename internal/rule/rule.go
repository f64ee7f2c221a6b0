// Package rule is the rules engine: triggers, condition groups over a ticket's facts, and actions.
// Evaluation is pure (no database) so it is cheap per message and explains itself: every
// condition's outcome is returned for the dry run and the ticket's audit line.
package rule

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/google/uuid"
)

// Triggers a rule can run on.
const (
	TriggerCreated       = "ticket_created"
	TriggerCustomerMsg   = "message_received"
	TriggerAgentReplied  = "agent_replied"
	TriggerStatusChanged = "status_changed"
	TriggerAssigned      = "assigned"
	// Time triggers: Minutes after the last customer message, Minutes before an SLA due time.
	TriggerSinceCustomer = "since_customer"
	TriggerBeforeDue     = "before_due"
	// TriggerHoursOpen runs when business hours open on tickets whose customer wrote while closed.
	TriggerHoursOpen = "hours_open"
)

// Triggers in the order the admin page lists them.
var Triggers = []string{TriggerCreated, TriggerCustomerMsg, TriggerAgentReplied, TriggerStatusChanged, TriggerAssigned, TriggerSinceCustomer, TriggerBeforeDue, TriggerHoursOpen}

// Fields a condition can test, with the operators each accepts.
var Fields = map[string][]string{
	"channel":        {"is", "is_not"},
	"marketplace":    {"is", "is_not"},
	"store":          {"is", "is_not", "contains"},
	"sender":         {"is", "contains", "not_contains", "regex"},
	"subject":        {"contains", "not_contains", "regex", "is"},
	"body":           {"contains", "not_contains", "regex"},
	"subject_body":   {"contains", "not_contains", "regex"},
	"language":       {"is", "is_not"},
	"customer_tag":   {"has", "has_not"},
	"tag":            {"has", "has_not"},
	"order_value":    {"gt", "lt", "gte", "lte"},
	"order_status":   {"is", "is_not"},
	"has_order":      {"is_true", "is_false"},
	"presale":        {"is_true", "is_false"},
	"priority":       {"is", "is_not"},
	"status":         {"is", "is_not"},
	"business_hours": {"inside", "outside"},
}

// FieldNames lists Fields in a stable order for forms.
var FieldNames = []string{"subject", "body", "subject_body", "sender", "channel", "marketplace", "store", "language",
	"customer_tag", "tag", "order_value", "order_status", "has_order", "presale", "priority", "status", "business_hours"}

// Condition is one test on a fact. Value holds one value; "contains" may hold several separated by
// "|" (any of them matches), case-insensitive.
type Condition struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value string `json:"value"`

	re      *regexp.Regexp
	reLit   string   // a lower-cased literal every match contains: absent, the regex is skipped
	needles []string // lower-cased "contains" alternatives
}

// Group is all or any of its conditions and nested groups.
type Group struct {
	Mode       string      `json:"match"` // all | any
	Conditions []Condition `json:"conditions"`
	Groups     []Group     `json:"groups,omitempty"`
}

// Action is one change a rule makes.
type Action struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Action types. send_template arrives with the templates issue.
var ActionTypes = []string{"set_priority", "raise_priority", "apply_sla", "assign_team", "assign_agent", "add_tag", "set_category", "set_status", "notify", "escalate"}

// Rule is one stored rule.
type Rule struct {
	ID         uuid.UUID `json:"id"`
	Name       string    `json:"name"`
	Position   int32     `json:"position"`
	Enabled    bool      `json:"enabled"`
	Trigger    string    `json:"trigger"`
	Minutes    int32     `json:"minutes"`
	Conditions Group     `json:"conditions"`
	Actions    []Action  `json:"actions"`
	Stop       bool      `json:"stop"`
}

// Facts are what conditions test, gathered once per evaluation.
type Facts struct {
	Channel, Marketplace, Store, Sender, Subject, Body, Language, Priority, Status string
	CustomerTags, Tags, OrderStatuses                                              []string
	OrderValue                                                                     float64
	HasOrder, Presale, InBusinessHours                                             bool

	// Lower-cased text, made once per evaluation rather than once per condition.
	lowered                                  bool
	lowSubject, lowBody, lowSender, lowStore string
}

func (f *Facts) lower() {
	if !f.lowered {
		f.lowSubject, f.lowBody = strings.ToLower(f.Subject), strings.ToLower(f.Body)
		f.lowSender, f.lowStore = strings.ToLower(f.Sender), strings.ToLower(f.Store)
		f.lowered = true
	}
}

// Outcome is one condition's result, for the dry run and the audit line.
type Outcome struct {
	Condition Condition `json:"condition"`
	Matched   bool      `json:"matched"`
}

// Compile checks a group and prepares its regular expressions; a bad condition is an error that
// names it.
func (g *Group) Compile() error {
	if g.Mode == "" {
		g.Mode = "all"
	}
	if g.Mode != "all" && g.Mode != "any" {
		return fmt.Errorf("rule: match must be all or any, not %q", g.Mode)
	}
	for i := range g.Conditions {
		c := &g.Conditions[i]
		ops, ok := Fields[c.Field]
		if !ok {
			return fmt.Errorf("rule: unknown field %q", c.Field)
		}
		if !slices.Contains(ops, c.Op) {
			return fmt.Errorf("rule: field %s has no operator %q", c.Field, c.Op)
		}
		switch c.Op {
		case "regex":
			re, err := compileFold(c.Value)
			if err != nil {
				return &ConditionError{Index: i, Reason: "rules.regex_invalid", Err: err}
			}
			c.re = re
			if tree, err := syntax.Parse(c.Value, syntax.Perl); err == nil {
				c.reLit = strings.ToLower(requiredLiteral(tree.Simplify()))
			}
		case "gt", "lt", "gte", "lte":
			if _, err := strconv.ParseFloat(c.Value, 64); err != nil {
				return &ConditionError{Index: i, Reason: "rules.number_invalid", Err: err}
			}
		case "is_true", "is_false", "inside", "outside":
		case "contains", "not_contains":
			c.needles = c.needles[:0]
			for n := range strings.SplitSeq(c.Value, "|") {
				if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
					c.needles = append(c.needles, n)
				}
			}
			if len(c.needles) == 0 {
				return &ConditionError{Index: i, Reason: "rules.value_required"}
			}
		default:
			if strings.TrimSpace(c.Value) == "" {
				return &ConditionError{Index: i, Reason: "rules.value_required"}
			}
		}
	}
	for i := range g.Groups {
		if err := g.Groups[i].Compile(); err != nil {
			return err
		}
	}
	return nil
}

// ConditionError names the condition a form should mark.
type ConditionError struct {
	Index  int
	Reason string // i18n key
	Err    error
}

func (e *ConditionError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("rule: condition %d: %s: %v", e.Index+1, e.Reason, e.Err)
	}
	return fmt.Sprintf("rule: condition %d: %s", e.Index+1, e.Reason)
}

// Match evaluates the group. With explain, every condition's outcome is appended (no short
// circuit); without it evaluation stops as soon as the answer is known.
func (g *Group) Match(f *Facts, explain *[]Outcome) bool {
	all := g.Mode != "any"
	result := all
	decided := false
	for i := range g.Conditions {
		if decided && explain == nil {
			break
		}
		ok := g.Conditions[i].eval(f)
		if explain != nil {
			*explain = append(*explain, Outcome{Condition: g.Conditions[i], Matched: ok})
		}
		if !decided && ok != all {
			result, decided = !all, true
		}
	}
	for i := range g.Groups {
		if decided && explain == nil {
			break
		}
		ok := g.Groups[i].Match(f, explain)
		if !decided && ok != all {
			result, decided = !all, true
		}
	}
	if len(g.Conditions) == 0 && len(g.Groups) == 0 {
		return true
	}
	return result
}

func (c *Condition) eval(f *Facts) bool {
	f.lower()
	switch c.Field {
	case "channel":
		return c.cmp(f.Channel)
	case "marketplace":
		return c.cmp(f.Marketplace)
	case "store":
		return c.text(f.Store, f.lowStore)
	case "sender":
		return c.text(f.Sender, f.lowSender)
	case "subject":
		return c.text(f.Subject, f.lowSubject)
	case "body":
		return c.text(f.Body, f.lowBody)
	case "subject_body":
		if c.Op == "not_contains" {
			return c.text(f.Subject, f.lowSubject) && c.text(f.Body, f.lowBody)
		}
		return c.text(f.Subject, f.lowSubject) || c.text(f.Body, f.lowBody)
	case "language":
		return c.cmp(f.Language)
	case "priority":
		return c.cmp(f.Priority)
	case "status":
		return c.cmp(f.Status)
	case "customer_tag":
		return c.has(f.CustomerTags)
	case "tag":
		return c.has(f.Tags)
	case "order_status":
		ok := slices.ContainsFunc(f.OrderStatuses, func(s string) bool { return strings.EqualFold(s, c.Value) })
		return ok == (c.Op == "is")
	case "order_value":
		if !f.HasOrder {
			return false
		}
		v, _ := strconv.ParseFloat(c.Value, 64)
		switch c.Op {
		case "gt":
			return f.OrderValue > v
		case "lt":
			return f.OrderValue < v
		case "gte":
			return f.OrderValue >= v
		default:
			return f.OrderValue <= v
		}
	case "has_order":
		return f.HasOrder == (c.Op == "is_true")
	case "presale":
		return f.Presale == (c.Op == "is_true")
	case "business_hours":
		return f.InBusinessHours == (c.Op == "inside")
	}
	return false
}

func (c *Condition) cmp(v string) bool {
	eq := strings.EqualFold(v, c.Value)
	if c.Op == "is_not" {
		return !eq
	}
	return eq
}

func (c *Condition) has(tags []string) bool {
	ok := slices.ContainsFunc(tags, func(t string) bool { return strings.EqualFold(t, c.Value) })
	return ok == (c.Op == "has")
}

// text tests a text fact; low is its lower-cased form.
func (c *Condition) text(v, low string) bool {
	switch c.Op {
	case "is":
		return strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(c.Value))
	case "regex":
		if c.reLit != "" && !strings.Contains(low, c.reLit) {
			return false
		}
		return c.re != nil && c.re.MatchString(v)
	case "contains", "not_contains":
		found := false
		for _, n := range c.needles {
			if strings.Contains(low, n) {
				found = true
				break
			}
		}
		return found == (c.Op == "contains")
	}
	return false
}

// Fired is one rule that matched, with why.
type Fired struct {
	Rule     *Rule
	Outcomes []Outcome
}

// Evaluate runs the rules in order for a trigger, returning those that matched until one says
// stop. Rules must be compiled.
func Evaluate(rules []Rule, trigger string, f *Facts, explain bool) []Fired {
	var fired []Fired
	for i := range rules {
		r := &rules[i]
		if !r.Enabled || r.Trigger != trigger {
			continue
		}
		var out *[]Outcome
		var buf []Outcome
		if explain {
			out = &buf
		}
		if !r.Conditions.Match(f, out) {
			continue
		}
		fired = append(fired, Fired{Rule: r, Outcomes: buf})
		if r.Stop {
			break
		}
	}
	return fired
}

// Uses reports whether any condition in the group tests field.
func (g *Group) Uses(field string) bool {
	for _, c := range g.Conditions {
		if c.Field == field {
			return true
		}
	}
	for i := range g.Groups {
		if g.Groups[i].Uses(field) {
			return true
		}
	}
	return false
}

// compileFold compiles a case-insensitive pattern. Case folding turns off the regexp package's
// literal-prefix scan, so a pattern with no letters to fold (order numbers, digits) is compiled
// without it: the same matches, several times faster on long bodies.
func compileFold(pattern string) (*regexp.Regexp, error) {
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	if !hasCasedLiteral(tree) {
		return regexp.Compile(pattern)
	}
	return regexp.Compile("(?i)" + pattern)
}

func hasCasedLiteral(re *syntax.Regexp) bool {
	if re.Op == syntax.OpLiteral || re.Op == syntax.OpCharClass {
		for _, r := range re.Rune {
			if unicode.SimpleFold(r) != r {
				return true
			}
		}
	}
	for _, s := range re.Sub {
		if hasCasedLiteral(s) {
			return true
		}
	}
	return false
}

// Ops lists every operator once, for forms.
var Ops = []string{"is", "is_not", "contains", "not_contains", "regex", "has", "has_not", "gt", "gte", "lt", "lte", "is_true", "is_false", "inside", "outside"}

// requiredLiteral is the longest literal that every match of re contains (a literal piece of a
// top-level concatenation), or "". Searching for it first is far cheaper than running the regex on
// a long body that cannot match.
func requiredLiteral(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		return string(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpConcat:
		best := ""
		for _, s := range re.Sub {
			if l := requiredLiteral(s); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}
