package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// marks prints spans with the matched ones in brackets.
func marks(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestHighlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, typed, want string }{
		{"The parcel arrived broken", "parcel", "The [parcel] arrived broken"},
		{"Refunded the box, refund sent", "refund box", "[Refunded] the [box], [refund] sent"},
		{"Aplicația nu pornește", "aplicatie", "[Aplicația] nu pornește"},
		{"Şosete ţesute", "sosete tesute", "[Şosete] [ţesute]"},
		{"Coletul a ajuns", "coletul", "[Coletul] a ajuns"},
		{"주문이 아직 안 왔어요", "주문", "[주문]이 아직 안 왔어요"},
		{"주문번호123 확인", "주문번호", "[주문번호]123 확인"},
		{"Order 123-4567890-1234567 is late", "123-4567", "Order [123-4567890-1234567] is late"},
		{"Write to ana@example.com today", "example", "Write to ana@[example].com today"},
		{"<script>alert(1)</script> parcel", "parcel", "<script>alert(1)</script> [parcel]"},
		{"the theme of them", "the", "[the] [theme] of [them]"},
		{"the theme of them", "the box", "[the] theme of them"},
		{"nothing here", "wombat", "nothing here"},
	} {
		require.Equal(t, tc.want, marks(Highlight(tc.text, tc.typed)), "%q in %q", tc.typed, tc.text)
	}
	require.Nil(t, Highlight("", "x"))
	require.True(t, Matched(Highlight("a parcel", "parcel")))
	require.False(t, Matched(Highlight("a parcel", "wombat")))
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("filler words here ", 20) + "the quokka\nmug arrived " + strings.Repeat("and more words ", 20)
	got := marks(Excerpt(long, "quokka", 60))
	require.True(t, strings.HasPrefix(got, "…"), got)
	require.True(t, strings.HasSuffix(got, "…"), got)
	require.Contains(t, got, "[quokka] mug arrived", "newlines fold to spaces")
	require.LessOrEqual(t, len([]rune(got)), 60+2+2)

	require.Equal(t, "short [text]", marks(Excerpt("short text", "text", 60)), "nothing cut, nothing marked as cut")
	require.Equal(t, "no match at…", marks(Excerpt("no match at all here", "wombat", 11)), "without a match the start shows")
	require.Equal(t, "…[배송]이 늦어요", marks(Excerpt(strings.Repeat("가", 30)+" 배송이 늦어요", "배송", 12)))
}
