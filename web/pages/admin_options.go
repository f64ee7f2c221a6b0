package pages

import (
	"context"
	"slices"
	"sort"
	"strings"

	xlanguage "golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/language"
	"github.com/shopdesk/shopdesk/web/components"
)

// channelOptions lists the channels with their translated names.
func channelOptions(ctx context.Context) []components.Option {
	out := make([]components.Option, 0, len(conversation.Offered))
	for _, ch := range conversation.Offered {
		out = append(out, components.Option{Value: ch, Label: channelLabel(ctx, ch)})
	}
	return out
}

// customerLanguageOptions lists the languages a customer message can be in, named in the reader's
// language (CLDR names from x/text), with any extra codes already stored kept as choices.
func customerLanguageOptions(ctx context.Context, extra ...string) []components.Option {
	names := display.Tags(xlanguage.Make(i18n.FromContext(ctx).Lang()))
	codes := slices.Clone(language.Known)
	for _, e := range extra {
		if e != "" && !slices.Contains(codes, e) {
			codes = append(codes, e)
		}
	}
	out := make([]components.Option, 0, len(codes))
	for _, c := range codes {
		label := names.Name(xlanguage.Make(c))
		if label == "" {
			label = c
		}
		out = append(out, components.Option{Value: c, Label: label + " (" + c + ")"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// valueOptions offers known values (marketplaces seen in the workspace) as their own labels.
func valueOptions(values []string, extra ...string) []components.Option {
	all := slices.Clone(values)
	for _, e := range extra {
		if e != "" && !slices.Contains(all, e) {
			all = append(all, e)
		}
	}
	sort.Strings(all)
	out := make([]components.Option, 0, len(all))
	for _, v := range all {
		out = append(out, components.Option{Value: v, Label: v})
	}
	return out
}

// marketplaceOptions are valueOptions for marketplaces: a channel's own code (a web shop's
// orders have no marketplace domain) shows as the channel's name.
func marketplaceOptions(ctx context.Context, values []string, extra ...string) []components.Option {
	out := valueOptions(values, extra...)
	for i, o := range out {
		if slices.Contains(conversation.Channels, o.Value) {
			out[i].Label = channelLabel(ctx, o.Value)
		}
	}
	return out
}

// channelNames writes a member's channels in the reader's words; none means every channel.
func channelNames(ctx context.Context, chs []string) string {
	if len(chs) == 0 {
		return i18n.T(ctx, "teams.all_channels")
	}
	names := make([]string, 0, len(chs))
	for _, ch := range chs {
		names = append(names, channelLabel(ctx, ch))
	}
	return strings.Join(names, ", ")
}

// languageNames writes language codes as names in the reader's language.
func languageNames(ctx context.Context, codes []string) string {
	if len(codes) == 0 {
		return i18n.T(ctx, "teams.any_language")
	}
	names := display.Tags(xlanguage.Make(i18n.FromContext(ctx).Lang()))
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if n := names.Name(xlanguage.Make(c)); n != "" {
			out = append(out, n)
		} else {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// listOrAll joins values, or says what an empty list means.
func listOrAll(ctx context.Context, vs []string, emptyKey string) string {
	if len(vs) == 0 {
		return i18n.T(ctx, emptyKey)
	}
	return strings.Join(vs, ", ")
}
