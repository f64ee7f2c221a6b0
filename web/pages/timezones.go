package pages

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/shopdesk/shopdesk/web/components"
)

// timeZoneOptions are the time-zone pickers' choices: the offered zones and the stored one (any
// IANA name a workspace or person already has stays selectable), each labelled with its UTC
// offset now and its IANA name, which names its city — "(UTC+09:00) Asia/Seoul" — ordered west
// to east, so typing a city or an offset finds it. (The IANA name rather than the bare city: it
// is the same in every language, where "Seoul" alone on a Korean page reads as untranslated.)
func timeZoneOptions(zones []string, stored ...string) []components.Option {
	now := time.Now()
	all := slices.Clone(zones)
	for _, s := range stored {
		if _, err := time.LoadLocation(s); err == nil && s != "" && !slices.Contains(all, s) {
			all = append(all, s)
		}
	}
	type zone struct {
		name, label string
		offset      int
	}
	list := make([]zone, 0, len(all))
	for _, name := range all {
		offset := 0
		if loc, err := time.LoadLocation(name); err == nil {
			_, offset = now.In(loc).Zone()
		}
		list = append(list, zone{name: name, offset: offset, label: fmt.Sprintf("(%s) %s", utcOffset(offset), name)})
	}
	slices.SortStableFunc(list, func(a, b zone) int {
		return cmp.Or(cmp.Compare(a.offset, b.offset), cmp.Compare(a.label, b.label), cmp.Compare(a.name, b.name))
	})
	out := make([]components.Option, 0, len(list))
	for _, z := range list {
		out = append(out, components.Option{Value: z.name, Label: z.label})
	}
	return out
}

// utcOffset writes an offset in seconds as "UTC+05:30".
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, seconds/3600, seconds%3600/60)
}
