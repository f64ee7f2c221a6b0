package rule

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConditions(t *testing.T) {
	t.Parallel()
	f := &Facts{Channel: "amazon", Marketplace: "amazon.de", Store: "Main store", Sender: "buyer@marketplace.amazon.de",
		Subject: "Question before I buy", Body: "Is the blue one in stock?", Language: "en", Priority: "normal", Status: "open",
		CustomerTags: []string{"vip"}, Tags: []string{"pre-sale"}, OrderValue: 120.5, HasOrder: true, OrderStatuses: []string{"shipped"},
		InBusinessHours: true}
	for _, tc := range []struct {
		c    Condition
		want bool
	}{
		{Condition{Field: "channel", Op: "is", Value: "Amazon"}, true},
		{Condition{Field: "channel", Op: "is_not", Value: "amazon"}, false},
		{Condition{Field: "subject", Op: "contains", Value: "before i buy"}, true},
		{Condition{Field: "subject", Op: "contains", Value: "refund|before I BUY"}, true},
		{Condition{Field: "subject", Op: "not_contains", Value: "refund"}, true},
		{Condition{Field: "body", Op: "regex", Value: `\bin stock\b`}, true},
		{Condition{Field: "subject_body", Op: "contains", Value: "blue"}, true},
		{Condition{Field: "subject_body", Op: "not_contains", Value: "blue"}, false},
		{Condition{Field: "sender", Op: "contains", Value: "@marketplace.amazon."}, true},
		{Condition{Field: "customer_tag", Op: "has", Value: "VIP"}, true},
		{Condition{Field: "tag", Op: "has_not", Value: "pre-sale"}, false},
		{Condition{Field: "order_value", Op: "gt", Value: "100"}, true},
		{Condition{Field: "order_value", Op: "lte", Value: "100"}, false},
		{Condition{Field: "order_status", Op: "is", Value: "shipped"}, true},
		{Condition{Field: "has_order", Op: "is_false"}, false},
		{Condition{Field: "presale", Op: "is_true"}, false},
		{Condition{Field: "business_hours", Op: "outside"}, false},
		{Condition{Field: "language", Op: "is", Value: "en"}, true},
		{Condition{Field: "priority", Op: "is", Value: "urgent"}, false},
		{Condition{Field: "store", Op: "contains", Value: "main"}, true},
	} {
		g := Group{Conditions: []Condition{tc.c}}
		require.NoError(t, g.Compile(), "%+v", tc.c)
		require.Equal(t, tc.want, g.Match(f, nil), "%+v", tc.c)
	}

	// all/any groups, nested, and the explanation of every condition.
	g := Group{Mode: "all", Conditions: []Condition{{Field: "channel", Op: "is", Value: "amazon"}},
		Groups: []Group{{Mode: "any", Conditions: []Condition{{Field: "tag", Op: "has", Value: "x"}, {Field: "subject", Op: "contains", Value: "buy"}}}}}
	require.NoError(t, g.Compile())
	var out []Outcome
	require.True(t, g.Match(f, &out))
	require.Equal(t, []bool{true, false, true}, []bool{out[0].Matched, out[1].Matched, out[2].Matched})
	require.True(t, g.Uses("tag"))
	require.False(t, g.Uses("business_hours"))

	// Bad conditions name themselves.
	for _, bad := range []Condition{{Field: "nope", Op: "is", Value: "x"}, {Field: "channel", Op: "regex", Value: "x"},
		{Field: "body", Op: "regex", Value: "("}, {Field: "order_value", Op: "gt", Value: "ten"}, {Field: "subject", Op: "contains", Value: " "}} {
		g := Group{Conditions: []Condition{bad}}
		require.Error(t, g.Compile(), "%+v", bad)
	}
	require.Error(t, (&Group{Mode: "some"}).Compile())
}

func TestEvaluateOrderAndStop(t *testing.T) {
	t.Parallel()
	f := &Facts{Subject: "before I buy"}
	mk := func(name string, stop, enabled bool, trigger string) Rule {
		r := Rule{Name: name, Enabled: enabled, Stop: stop, Trigger: trigger,
			Conditions: Group{Conditions: []Condition{{Field: "subject", Op: "contains", Value: "buy"}}}}
		require.NoError(t, r.Conditions.Compile())
		return r
	}
	rules := []Rule{mk("a", false, true, TriggerCreated), mk("off", false, false, TriggerCreated), mk("other", false, true, TriggerAssigned),
		mk("b", true, true, TriggerCreated), mk("c", false, true, TriggerCreated)}
	var names []string
	for _, fired := range Evaluate(rules, TriggerCreated, f, false) {
		names = append(names, fired.Rule.Name)
	}
	require.Equal(t, []string{"a", "b"}, names, "in order, enabled only, this trigger only, until stop")
}

// benchRules are 50 active rules of the kinds sellers write: keyword routing, marketplace and
// language splits, regexes on order numbers, value thresholds.
func benchRules(b testing.TB) []Rule {
	var rules []Rule
	for i := range 50 {
		var g Group
		switch i % 5 {
		case 0:
			g = Group{Mode: "all", Conditions: []Condition{{Field: "subject_body", Op: "contains", Value: fmt.Sprintf("keyword%d|other phrase %d|third%d", i, i, i)}}}
		case 1:
			g = Group{Mode: "all", Conditions: []Condition{{Field: "channel", Op: "is", Value: "amazon"}, {Field: "language", Op: "is", Value: "de"}}}
		case 2:
			g = Group{Mode: "any", Conditions: []Condition{{Field: "body", Op: "regex", Value: fmt.Sprintf(`\b%03d-\d{7}-\d{7}\b`, i)}, {Field: "customer_tag", Op: "has", Value: "vip"}}}
		case 3:
			g = Group{Mode: "all", Conditions: []Condition{{Field: "order_value", Op: "gt", Value: "500"}, {Field: "has_order", Op: "is_true"}}}
		default:
			g = Group{Mode: "all", Conditions: []Condition{{Field: "sender", Op: "contains", Value: "@example.com"}, {Field: "tag", Op: "has_not", Value: "spam"}},
				Groups: []Group{{Mode: "any", Conditions: []Condition{{Field: "priority", Op: "is", Value: "high"}, {Field: "presale", Op: "is_true"}}}}}
		}
		r := Rule{Name: fmt.Sprint(i), Enabled: true, Trigger: TriggerCustomerMsg, Conditions: g, Actions: []Action{{Type: "add_tag", Value: "x"}}}
		if err := r.Conditions.Compile(); err != nil {
			b.Fatal(err)
		}
		rules = append(rules, r)
	}
	return rules
}

// BenchmarkEvaluate50: one customer message (2 KB body) against 50 active rules, with the
// explanation kept (as the live path does for the audit line).
func BenchmarkEvaluate50(b *testing.B) {
	rules := benchRules(b)
	body := ""
	for len(body) < 2000 {
		body += "Hello, I ordered the blue kettle last week and it still has not arrived. Order 302-1234567-7654321. "
	}
	f := &Facts{Channel: "amazon", Language: "en", Subject: "Where is my order?", Body: body, Sender: "x@marketplace.amazon.de",
		Priority: "normal", CustomerTags: []string{"repeat"}, HasOrder: true, OrderValue: 89}
	for b.Loop() {
		Evaluate(rules, TriggerCustomerMsg, f, true)
	}
}

func TestRequiredLiteral(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		`\b042-\d{7}-\d{7}\b`:      "042-",
		`(?i)before I (buy|order)`: "before i ",
		`refund|return`:            "re", // factored into re(fund|turn)
		`(damaged)+ box`:           "damaged",
		`a*b`:                      "b",
	} {
		c := Condition{Field: "body", Op: "regex", Value: pattern}
		g := Group{Conditions: []Condition{c}}
		require.NoError(t, g.Compile(), pattern)
		require.Equal(t, want, g.Conditions[0].reLit, pattern)
	}
	// The shortcut never changes an answer.
	g := Group{Conditions: []Condition{{Field: "body", Op: "regex", Value: `(?i)BEFORE I (buy|order)`}}}
	require.NoError(t, g.Compile())
	require.True(t, g.Match(&Facts{Body: "Hi, before i order: is it red?"}, nil))
	require.False(t, g.Match(&Facts{Body: "after I bought it"}, nil))
}
