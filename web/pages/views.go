// Package pages holds the page-level templ components and the view models they render; handlers
// fill the view models, the components only display them.
package pages

import (
	"time"

	"github.com/shopdesk/shopdesk/web/components"
)

// LoginView is the sign-in form.
type LoginView struct {
	Email string
	Next  string
	Error string // translated; bad credentials or throttling
	Flash *components.Flash
}

// SignupView is the new-workspace form; SignedIn hides the person's own fields.
type SignupView struct {
	SignedIn      bool
	WorkspaceName string
	Slug          string
	TimeZone      string
	Language      string
	Name          string
	Email         string
	TimeZones     []string
	Errors        map[string]string
}

// InviteView is an invitation link's page.
type InviteView struct {
	Action        string
	WorkspaceName string
	Email         string
	Role          string
	HasAccount    bool
	SignedInAs    string
	Problem       string // i18n key when the link cannot be used now
	Name          string
	Errors        map[string]string
}

// AccountView is the person's own settings.
type AccountView struct {
	Shell          components.Shell
	Name           string
	Email          string
	Language       string
	ProfileErrors  map[string]string
	PasswordErrors map[string]string
}

// WorkspacesView lists the person's workspaces.
type WorkspacesView struct {
	Shell components.Shell
	Items []WorkspaceItem
}

// WorkspaceItem is one workspace in the list.
type WorkspaceItem struct{ Slug, Name, Role string }

// WorkspaceSettingsView edits the workspace.
type WorkspaceSettingsView struct {
	Shell     components.Shell
	Slug      string
	Name      string
	TimeZone  string
	Language  string
	TimeZones []string
	Errors    map[string]string
}

// PeopleView lists members and invitations.
type PeopleView struct {
	Shell        components.Shell
	Slug         string
	Me           string
	Members      []MemberRow
	Invitations  []InvitationRow
	NewLink      string
	InviteEmail  string
	InviteRole   string
	InviteErrors map[string]string
}

// MemberRow is one person.
type MemberRow struct{ UserID, Name, Email, Role, Since string }

// InvitationRow is one pending invitation.
type InvitationRow struct {
	ID, Email, Role, Expires string
	Expired                  bool
}

// JobsView lists the workspace's background jobs in one state.
type JobsView struct {
	Shell  components.Shell
	Slug   string
	State  string
	States []JobStateTab
	Jobs   []JobRow
	Next   string
}

// JobStateTab is one state with its count.
type JobStateTab struct {
	State  string
	Count  int
	Capped bool
}

// JobRow is one job.
type JobRow struct {
	ID, Kind, Created, Scheduled, LastError string
	Attempt, MaxAttempts                    int
	CanRetry, CanCancel                     bool
}

// MailView is the mail settings page.
type MailView struct {
	Shell      components.Shell
	Slug       string
	Quarantine []QuarantineRow
	Accounts   []AccountRow
	// WorkspaceAddress is <slug>@<inbound domain>; empty when the gateway is off.
	WorkspaceAddress string
	Backlog          BacklogView
	// Reasons are the quarantine's distinct reasons, each with "retry all with this reason".
	Reasons []ReasonRow
}

// BacklogView is the mail waiting to be processed.
type BacklogView struct {
	Pending int64
	// Oldest is when the oldest waiting message arrived (zero: none waits); Now is the render time.
	Oldest, Now time.Time
	// UnavailableSince is set while processing finds the database unavailable.
	UnavailableSince time.Time
	UnavailableError string
}

// ReasonRow is one distinct quarantine reason.
type ReasonRow struct {
	Reason string
	Count  int64
}

// AccountRow is one email account in the list.
type AccountRow struct {
	ID, Name, Address, LastSync, LastError string
	Paused                                 bool
}

// AccountFormView adds or edits an email account.
type AccountFormView struct {
	Shell  components.Shell
	Slug   string
	ID     string // empty: a new account
	Values map[string]string
	Idle   bool
	Errors map[string]string
}

// MailAccountView is an account's health page.
type MailAccountView struct {
	Shell                                 components.Shell
	Slug, ID, Name, Address               string
	Paused                                bool
	Forwarding                            string
	LastSync, Lag, LastError, LastErrorAt string
	// SyncFailures counts the failed syncs in a row; NextSync is when the backed-off next one is due.
	SyncFailures                             int
	NextSync                                 string
	LastHour, LastDay, Pending, QuarantinedN int64
	Test                                     *ConnTestView
	Quarantine                               []QuarantineRow
}

// ConnTestView is the result of "Test connection".
type ConnTestView struct{ IMAP, SMTP ConnResultView }

// ConnResultView is one server's answer.
type ConnResultView struct {
	Configured, OK bool
	Detail         string
}

// QuarantineRow is one message that could not be processed.
type QuarantineRow struct {
	ID, Source, Received, Reason string
	Size                         int64
}
