package sla

import "github.com/shopdesk/shopdesk/internal/rule"

// Preset is a marketplace's response rule as the product brief's table gives it: the internal
// target we aim for and the marketplace's own hard deadline shown beside it.
type Preset struct {
	Key          string
	Name         string
	Conditions   rule.Group
	First, Next  int32 // minutes; 0 = no target
	Resolution   int32
	Business     bool // targets on business hours (else calendar clock)
	HardDeadline string
	// Default presets are created for every new workspace.
	Default bool
}

func channelIs(ch string) rule.Group {
	return rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: ch}}}
}

// Presets in the order they are created (pre-sale first: it is the most urgent and must win).
var Presets = []Preset{
	{Key: "presale", Name: "Pre-sale", Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "presale", Op: "is_true"}}},
		First: 2 * 60, HardDeadline: "pre-sale: answer before the buyer buys elsewhere", Default: true},
	{Key: "amazon", Name: "Amazon", Conditions: channelIs("amazon"), First: 12 * 60, Next: 12 * 60,
		HardDeadline: "24 h for every buyer message, weekends and holidays included; auto-replies do not count (Late Response Rate over 7/30/90 days)", Default: true},
	{Key: "walmart", Name: "Walmart", Conditions: channelIs("walmart"), First: 24 * 60, Next: 24 * 60,
		HardDeadline: "48 h including weekends, response rate above 95%; BBB / Attorney-General complaints within 1 h", Default: true},
	{Key: "ebay", Name: "eBay", Conditions: channelIs("ebay"), First: 24 * 60, Next: 24 * 60,
		HardDeadline: "no hour target for messages; return requests within 3 business days", Default: true},
	{Key: "bol", Name: "bol.com", Conditions: rule.Group{Mode: "all", Conditions: []rule.Condition{{Field: "marketplace", Op: "is", Value: "bol.com"}}},
		First: 4 * 60, Next: 4 * 60, Business: true, HardDeadline: "8 working hours, Monday to Friday 09:00-17:00 (NL/BE)"},
	{Key: "webshop", Name: "Web shop email", Conditions: rule.Group{Mode: "any", Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "webshop"}, {Field: "channel", Op: "is", Value: "email"}}},
		First: 8 * 60, Next: 8 * 60, Resolution: 3 * 8 * 60, Business: true, HardDeadline: "our own promise: first and next response within 8 business hours, resolved within 3 business days", Default: true},
}

// PresetByKey finds a preset.
func PresetByKey(key string) (Preset, bool) {
	for _, p := range Presets {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}
