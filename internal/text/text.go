// Package text turns bytes from the outside world into text PostgreSQL accepts: valid UTF-8 with
// no NUL. Clean is the one gate every string passes on its way to the database; Decode and
// DecodeHeader turn bytes of a declared (or undeclared, or wrongly declared) charset into text in a
// fixed order, so the same bytes always read the same way.
package text

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// Clean returns s as valid UTF-8 without NUL: invalid bytes become U+FFFD, NUL bytes are removed.
// PostgreSQL refuses both in text columns (SQLSTATE 22021), so everything stored passes here.
func Clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// Decode reads the bytes of a body part declared as charset ("" when none is declared), in this
// order: valid UTF-8 as is (RFC 6532), else the declared charset, else UTF-8 with U+FFFD for the
// broken bytes when the rest is UTF-8, else the charset detected from the bytes, else windows-1252
// (U+FFFD for its five unassigned bytes). The result is Clean.
func Decode(b []byte, charset string) string {
	if s, ok := declared(b, charset); ok {
		return Clean(s)
	}
	if mostlyUTF8(b) {
		// Valid UTF-8 with a few broken sequences (a cut multi-byte character, say): reading it
		// in another charset would garble every correct character to save the broken ones.
		return Clean(string(b))
	}
	return Clean(detect(b))
}

// DecodeHeader reads raw bytes of a header (8-bit text sent without encoded words) in this order:
// valid UTF-8 as is (RFC 6532), else the charset the message declares for its body (old mail
// programs write headers in it), else windows-1252, which reads every byte. The result is Clean.
func DecodeHeader(b []byte, charset string) string {
	if s, ok := declared(b, charset); ok {
		return Clean(s)
	}
	if mostlyUTF8(b) {
		return Clean(string(b))
	}
	return Clean(windows1252(b))
}

// windows1252 reads every byte; its five unassigned ones become U+FFFD.
func windows1252(b []byte) string {
	s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(s)
}

// declared decodes b as valid UTF-8 or in its declared charset; ok is false when neither reads it
// without loss.
func declared(b []byte, charset string) (string, bool) {
	ascii := isASCII(b)
	enc := Encoding(charset)
	if ascii && (enc == nil || !sevenBit(charset)) {
		return string(b), true
	}
	if !ascii && utf8.Valid(b) {
		return string(b), true
	}
	if enc == nil || enc == unicode.UTF8 {
		return "", false
	}
	return decodeWith(b, enc)
}

// sevenBit says whether a charset encodes text in ASCII bytes (escape sequences), so that ASCII
// input still needs decoding.
func sevenBit(charset string) bool {
	c := strings.ToLower(strings.TrimSpace(charset))
	return strings.HasPrefix(c, "iso-2022") || strings.HasPrefix(c, "csiso2022") || c == "hz-gb-2312" || c == "utf-7"
}

// Encoding finds a charset by its MIME or WHATWG name (nil when unknown).
func Encoding(charset string) encoding.Encoding {
	c := strings.Trim(strings.ToLower(strings.TrimSpace(charset)), `"'`)
	if c == "" || c == "us-ascii" || c == "ascii" {
		return nil
	}
	if c == "utf-8" || c == "utf8" {
		return unicode.UTF8
	}
	if e, err := htmlindex.Get(c); err == nil && e != nil {
		if n, _ := htmlindex.Name(e); n == "replacement" {
			return nil // WHATWG's stand-in for charsets it will not read: one U+FFFD for everything
		}
		return e
	}
	if e, err := ianaindex.MIME.Encoding(c); err == nil && e != nil {
		return e
	}
	return nil
}

// decodeWith decodes b; ok is false when the decoder reported an error or had to substitute
// U+FFFD (the bytes are not of this charset).
func decodeWith(b []byte, enc encoding.Encoding) (string, bool) {
	out, err := enc.NewDecoder().Bytes(b)
	// bytes.Contains, not ContainsRune: ContainsRune(b, RuneError) also matches invalid bytes.
	if err != nil || bytes.Contains(out, replacement) && !bytes.Contains(b, replacement) {
		return "", false
	}
	return string(out), true
}

var replacement = []byte("\uFFFD")

// minDetectBytes is the shortest text whose charset detection is trusted; below it a guess is
// more often wrong than windows-1252.
const minDetectBytes = 16

// detect reads b in the charset detected from its bytes, else as windows-1252.
func detect(b []byte) string {
	if len(b) >= minDetectBytes {
		if r, err := chardet.NewTextDetector().DetectBest(b); err == nil && r.Confidence >= 50 {
			if enc := Encoding(r.Charset); enc != nil && enc != unicode.UTF8 {
				if s, ok := decodeWith(b, enc); ok {
					return s
				}
			}
		}
	}
	// Short or undetectable 8-bit text is most often Western European.
	return windows1252(b)
}

// mostlyUTF8 says whether b is UTF-8 with a few broken bytes: at least one valid multi-byte
// character and more valid multi-byte characters than broken bytes.
func mostlyUTF8(b []byte) bool {
	good, bad := 0, 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			bad++
		case n > 1:
			good++
		}
		b = b[n:]
	}
	return good > 0 && good > bad
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
