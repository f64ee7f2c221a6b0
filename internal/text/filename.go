package text

import (
	"path"
	"unicode/utf8"
)

// ShortenFileName cuts a file name to at most max bytes on a character boundary, keeping its
// extension (when it is a short one) so the file still opens with the right program.
func ShortenFileName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 || len(ext) >= max {
		ext = ""
	}
	cut := max - len(ext)
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + ext
}
