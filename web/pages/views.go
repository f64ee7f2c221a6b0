// Package pages holds the page-level templ components and the view models they render; handlers
// fill the view models, the components only display them.
package pages

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/mailsink"
	"github.com/shopdesk/shopdesk/web/components"
)

// LoginView is the sign-in form.
type LoginView struct {
	Email string
	Next  string
	Error string // translated; bad credentials or throttling
	Flash *components.Flash
}

// ForgotView asks for the address to send a reset link to; Sent shows the one answer given
// whether or not the address has an account.
type ForgotView struct {
	Email  string
	Sent   bool
	Errors map[string]string
	Error  string // translated; too many requests
}

// ResetView asks for a new password through a reset link; Invalid says the link no longer works.
type ResetView struct {
	Action  string
	Invalid bool
	Errors  map[string]string
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
	// TimeZone is the person's own ("" follows each workspace); TimeZones are offered.
	TimeZone   string
	TimeZones  []string
	Workspaces []WorkspaceItem
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
	// Mail is the invitation mail's state: "sent" (MailedAt says when), "failed" (MailError
	// says why; the job retries) or "queued".
	Mail      string
	MailedAt  string
	MailError string
	// Sink: mail goes to the development mail sink, not to the person.
	Sink bool
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
	ID, Kind, Name, TicketURL, Created, Scheduled, LastError string
	Attempt, MaxAttempts                                     int
	// Failed jobs offer "Retry", cancelled ones "Run again"; others neither.
	CanRetry, Failed, CanCancel bool
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
	// UnavailableSince is set while processing finds the database unavailable. (The error itself
	// goes to the log: it names the database server, which is no workspace's business.)
	UnavailableSince time.Time
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
	// Check is the last test or sync in a line, CheckOK whether it went well; empty when none ran.
	Check   string
	CheckOK bool
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
	Check                                    *CheckView
	Quarantine                               []QuarantineRow
}

// CheckView is the account's last test or sync: a headline ("Last sync 14:05 — 2 new messages")
// and each server's answer.
type CheckView struct {
	Headline   string
	OK, Test   bool
	IMAP, SMTP ConnResultView
}

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

// DevMailView lists the development mail sink, newest first.
type DevMailView struct {
	Messages []mailsink.Summary
}

// DevMessageView shows one message of the sink; its text is cut into plain runs and links.
type DevMessageView struct {
	mailsink.Message
	Parts []TextPart
}

// TextPart is a run of text, or a link when Link is set.
type TextPart struct {
	Text string
	Link bool
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// Linkify cuts text into runs with its http(s) links apart, so a page can make the links
// clickable without trusting the text as HTML. Trailing punctuation stays out of a link.
func Linkify(text string) []TextPart {
	var out []TextPart
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(text, -1) {
		end := m[1]
		for end > m[0] && strings.ContainsRune(".,;:!?)]", rune(text[end-1])) {
			end--
		}
		if m[0] > last {
			out = append(out, TextPart{Text: text[last:m[0]]})
		}
		out = append(out, TextPart{Text: text[m[0]:end], Link: true})
		last = end
	}
	if last < len(text) {
		out = append(out, TextPart{Text: text[last:]})
	}
	return out
}

func orNoSubject(ctx context.Context, subject string) string {
	if strings.TrimSpace(subject) == "" {
		return i18n.T(ctx, "devmail.no_subject")
	}
	return subject
}
