// Package language guesses the language of a customer message, so rules can route by it and
// tickets show it: the script decides for Korean, Japanese, Chinese, Cyrillic and Greek text;
// Latin text is scored on short, frequent words and Romanian letters.
package language

import (
	"strings"
	"unicode"
)

var stopwords = map[string][]string{
	"en": {"the", "and", "is", "you", "my", "to", "of", "it", "for", "have", "with", "this", "not", "was", "order", "please", "thanks", "hello", "can", "i"},
	"ro": {"și", "si", "este", "nu", "am", "un", "o", "pentru", "cu", "la", "comanda", "mulțumesc", "multumesc", "bună", "buna", "vă", "va", "să", "sa", "de", "în", "produsul"},
	"de": {"und", "ist", "nicht", "ich", "die", "der", "das", "mit", "für", "bestellung", "bitte", "danke", "ein", "eine", "sie"},
	"fr": {"et", "est", "je", "le", "la", "les", "pas", "pour", "avec", "commande", "merci", "bonjour", "une", "vous"},
	"es": {"y", "es", "el", "la", "los", "no", "para", "con", "pedido", "gracias", "hola", "una", "por", "que"},
	"nl": {"en", "is", "het", "de", "niet", "ik", "een", "voor", "met", "bestelling", "bedankt", "graag", "van"},
	"it": {"e", "il", "la", "non", "per", "con", "ordine", "grazie", "buongiorno", "una", "che", "sono"},
}

// Detect returns an ISO 639-1 code, or "" when the text says too little.
func Detect(text string) string {
	if len(text) > 4000 {
		text = text[:4000]
	}
	var hangul, kana, han, cyr, greek, latin int
	roLetters := 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Greek, r):
			greek++
		case unicode.IsLetter(r):
			latin++
			if strings.ContainsRune("ăâîșşțţĂÂÎȘŞȚŢ", r) {
				roLetters++
			}
		}
	}
	switch {
	case hangul > 0 && hangul*2 >= han+kana:
		return "ko"
	case kana > 0:
		return "ja"
	case han > latin:
		return "zh"
	case cyr > latin:
		return "ru"
	case greek > latin:
		return "el"
	}
	scores := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		for lang, list := range stopwords {
			for _, s := range list {
				if w == s {
					scores[lang]++
				}
			}
		}
	}
	scores["ro"] += roLetters * 2
	best, bestScore := "", 1
	for _, lang := range []string{"en", "ro", "de", "fr", "es", "nl", "it"} {
		if scores[lang] > bestScore {
			best, bestScore = lang, scores[lang]
		}
	}
	return best
}

// Known lists every language Detect can name, so forms offer them as a choice instead of free text.
var Known = []string{"en", "de", "fr", "es", "it", "nl", "ro", "ko", "ja", "zh", "ru", "el"}
