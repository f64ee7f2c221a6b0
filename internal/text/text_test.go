package text_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"

	"github.com/shopdesk/shopdesk/internal/text"
)

func TestClean(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":             "",
		"plain":        "plain",
		"Bună ziua":    "Bună ziua",
		"a\x00b":       "ab",
		"caf\xe9":      "caf\uFFFD",
		"\x00\xff\x00": "\uFFFD",
		"주문\xc0\x00번호": "주문\uFFFD번호",
	} {
		got := text.Clean(in)
		require.Equal(t, want, got, "%q", in)
		require.True(t, utf8.ValidString(got))
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	latin1, err := charmap.ISO8859_1.NewEncoder().String("Crème brûlée à la française, s'il vous plaît")
	require.NoError(t, err)
	eucKR, err := korean.EUCKR.NewEncoder().String("주문이 아직 도착하지 않았어요. 확인 부탁드립니다.")
	require.NoError(t, err)
	jis, err := japanese.ISO2022JP.NewEncoder().String("注文が届きません")
	require.NoError(t, err)
	sjis, err := japanese.ShiftJIS.NewEncoder().String("注文が届きません。確認をお願いします。よろしくお願いいたします。")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, in, charset, want string
	}{
		{"ascii", "hello", "", "hello"},
		{"utf-8 as declared", "Bună ziua", "utf-8", "Bună ziua"},
		{"valid utf-8 wins over a wrong declaration", "Bună ziua", "iso-8859-1", "Bună ziua"},
		{"declared latin-1", latin1, "iso-8859-1", "Crème brûlée à la française, s'il vous plaît"},
		{"declared euc-kr", eucKR, "euc-kr", "주문이 아직 도착하지 않았어요. 확인 부탁드립니다."},
		{"ks_c_5601-1987 is euc-kr", eucKR, "ks_c_5601-1987", "주문이 아직 도착하지 않았어요. 확인 부탁드립니다."},
		{"iso-2022-jp is 7-bit and still decoded", jis, "ISO-2022-JP", "注文が届きません"},
		{"latin-1 declared as utf-8 is detected", latin1, "utf-8", "Crème brûlée à la française, s'il vous plaît"},
		{"undeclared shift_jis is detected", sjis, "", "注文が届きません。確認をお願いします。よろしくお願いいたします。"},
		{"unknown charset falls back", latin1, "x-no-such-charset", "Crème brûlée à la française, s'il vous plaît"},
		{"broken byte in utf-8 keeps the rest", "Bună ziua, comanda \xff nu a ajuns în România", "utf-8", "Bună ziua, comanda \uFFFD nu a ajuns în România"},
		{"nul stripped", "a\x00b", "", "ab"},
	} {
		got := text.Decode([]byte(tc.in), tc.charset)
		require.Equal(t, tc.want, got, tc.name)
	}
}

func TestDecodeHeader(t *testing.T) {
	t.Parallel()
	eucKR, err := korean.EUCKR.NewEncoder().String("배송 문의")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, in, charset, want string
	}{
		{"utf-8 (RFC 6532)", "Commande n° 42 — où est-elle ?", "", "Commande n° 42 — où est-elle ?"},
		{"raw latin-1 reads as windows-1252", "Caf\xe9 cr\xe8me \x80 5", "", "Café crème € 5"},
		{"the body's charset first", eucKR, "euc-kr", "배송 문의"},
		{"a wrong body charset falls back to windows-1252", "Jos\xe9", "shift_jis", "José"},
		{"unassigned windows-1252 bytes", "a\x81b", "", "a\uFFFDb"},
		{"nul", "a\x00b", "", "ab"},
	} {
		require.Equal(t, tc.want, text.DecodeHeader([]byte(tc.in), tc.charset), tc.name)
	}
}
