package pages

import (
	"context"
	"strconv"
	"time"

	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/web/components"
)

// NotificationsView is the full list (/w/{ws}/notifications) and the bell's panel.
type NotificationsView struct {
	Shell components.Shell
	Slug  string
	Items []notify.Item
	// Next is the cursor of the next (older) page, 0 when there is none; Upto the newest
	// notification shown, which "mark all read" reads up to.
	Next, Upto int64
	Unread     int
	Now        time.Time
}

func (v NotificationsView) openHref(it notify.Item) string {
	return "/w/" + v.Slug + "/notifications/" + strconv.FormatInt(it.ID, 10) + "/open"
}

func (v NotificationsView) nextHref() string {
	return "/w/" + v.Slug + "/notifications?before=" + strconv.FormatInt(v.Next, 10)
}

func noticeText(ctx context.Context, it notify.Item) string {
	return notify.Text(i18n.FromContext(ctx), it)
}

// MemberSettingsView is the person's notification preferences and signatures in one workspace.
type MemberSettingsView struct {
	Shell      components.Shell
	Slug, Name string
	Prefs      notify.Prefs
	Signatures map[string]string
	Channels   []string
	Errors     map[string]string
}

func digestOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, d := range notify.Digests {
		out = append(out, components.Option{Value: d, Label: i18n.T(ctx, "notifications.digest_"+d)})
	}
	return out
}

func timeZoneLabel(ctx context.Context, tz string) string {
	if tz == "" {
		return i18n.T(ctx, "account.time_zone_workspace")
	}
	return tz
}
