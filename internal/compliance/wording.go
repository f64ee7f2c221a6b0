package compliance

import (
	"unicode"
	"unicode/utf8"
)

// phrases finds the phrases of a word list in s, in each of the languages.
func (c *catalogue) phrases(s, list string, langs []string) []span {
	var out []span
	for _, lang := range langs {
		for _, re := range c.words[list][lang] {
			for _, loc := range re.FindAllStringIndex(s, -1) {
				// A phrase that starts or ends with a sign ("% off") has no word edge there.
				first, _ := utf8.DecodeRuneInString(s[loc[0]:loc[1]])
				last, _ := utf8.DecodeLastRuneInString(s[loc[0]:loc[1]])
				if !spaceless[lang] && wordChar(first) && !wordStart(s, loc[0]) {
					continue
				}
				// Korean particles join the word they follow ("리뷰를"), so only the start counts.
				if !spaceless[lang] && lang != "ko" && wordChar(last) && !wordEnd(s, loc[1]) {
					continue
				}
				if !inside(loc[0], loc[1], out) {
					out = append(out, span{loc[0], loc[1]})
				}
			}
		}
	}
	return out
}

func wordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func wordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !wordChar(r)
}

func wordEnd(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !wordChar(r)
}
