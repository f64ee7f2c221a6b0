package email

import "time"

// Check kinds: what last spoke to the account's servers.
const (
	CheckSync = "sync"
	CheckTest = "test"
)

// Check is the last test or sync of an account, success as well as failure.
type Check struct {
	Kind string
	At   time.Time
	// New counts the messages a successful sync stored.
	New        int
	IMAP, SMTP ConnResult
}

// OK is true when every server the check reached answered.
func (c Check) OK() bool {
	return (!c.IMAP.Configured || c.IMAP.OK) && (!c.SMTP.Configured || c.SMTP.OK)
}

// LastCheck is the account's last test or sync; false when neither ever ran.
func LastCheck(a Account) (Check, bool) {
	if a.LastCheckKind == "" || a.LastCheckAt == nil {
		return Check{}, false
	}
	res := func(state, detail string) ConnResult {
		return ConnResult{Configured: state != "", OK: state == "ok", Detail: detail}
	}
	return Check{Kind: a.LastCheckKind, At: *a.LastCheckAt, New: int(a.LastCheckNew),
		IMAP: res(a.LastCheckImap, a.LastCheckImapDetail), SMTP: res(a.LastCheckSmtp, a.LastCheckSmtpDetail)}, true
}
