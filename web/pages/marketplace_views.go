package pages

import "github.com/shopdesk/shopdesk/web/components"

// ChannelsView is Settings → Channels: mail and every marketplace that can be connected.
type ChannelsView struct {
	Shell     components.Shell
	Slug      string
	Mailboxes int
	Markets   []MarketCard
}

// MarketCard is one marketplace on the channels page, with its accounts.
type MarketCard struct {
	Kind, Name, Lead string
	Accounts         []MarketAccountRow
}

// MarketAccountRow is one account in a list.
type MarketAccountRow struct {
	ID, Name, Sites, URL string
	Health               HealthView
}

// HealthView is an account's state in words: State picks the badge ("ok", "waiting", "silent",
// "expiring", "needs_reauth", "paused"), Badge is its short label, Text the sentence.
type HealthView struct {
	State, Badge, Text string
}

// MarketplaceView is one marketplace's page: setup steps, its accounts, the form to add one.
type MarketplaceView struct {
	Shell    components.Shell
	Slug     string
	Kind     string
	Name     string
	Steps    []string
	Accounts []MarketAccountRow
	Form     MarketFormView
}

// MarketFormView is the add/edit form of a marketplace account.
type MarketFormView struct {
	Action    string
	Kind      string
	Editing   bool
	Values    map[string]string
	Sites     []SiteChoice
	Languages []components.Option
	Mailboxes []components.Option
	// NoMailbox: the workspace has no mailbox that can send, so replies cannot go out yet.
	NoMailbox bool
	Errors    map[string]string
}

// SiteChoice is one storefront checkbox.
type SiteChoice struct {
	ID, Label string
	Checked   bool
}

// MarketAccountView is one account's page: where to forward, its health, its settings.
type MarketAccountView struct {
	Shell      components.Shell
	Slug       string
	Kind       string
	KindName   string
	ID         string
	Name       string
	Forwarding string
	ReplyFrom  string
	Health     HealthView
	Steps      []string
	Form       MarketFormView
}
