package compliance

import (
	"regexp"
	"strconv"
)

// Identifiers a reply legitimately carries and the phone detector must never read as a number to
// call: order numbers, tracking numbers, ASINs, SKUs, prices, dates and times. They are masked
// (byte for byte, so offsets stay put) before phone numbers are looked for.
var protected = []struct {
	re    *regexp.Regexp
	valid func(m []string) bool
	// whole refuses a match that a chain of digits continues ("01.23.45" inside the French phone
	// number 01.23.45.67.89 is no date).
	whole bool
}{
	{re: regexp.MustCompile(`\d{3}-\d{7}-\d{7}`)},                                              // Amazon order
	{re: regexp.MustCompile(`\d{2}-\d{5}-\d{5}`)},                                              // eBay order
	{re: regexp.MustCompile(`(?i)\b1Z[0-9A-Z]{16}\b`)},                                         // UPS
	{re: regexp.MustCompile(`\b[A-Z]{2}\d{9}[A-Z]{2}\b`)},                                      // UPU S10: Royal Mail, La Poste, Japan Post EMS, ...
	{re: regexp.MustCompile(`\b\d{4}(?: \d{4}){4} \d{2}\b`)},                                   // USPS, printed in groups
	{re: regexp.MustCompile(`\b\d{4}-\d{4}-\d{4}\b`)},                                          // Japanese 12-digit tracking, printed in groups
	{re: regexp.MustCompile(`\b(?:JJD|JVGL)\d{10,}\b`)},                                        // DHL parcel
	{re: regexp.MustCompile(`\bB0[0-9A-Z]{8}\b`)},                                              // ASIN
	{re: regexp.MustCompile(`\b[A-Z0-9]*[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+\b`), valid: hasDigit}, // SKU
	{re: regexp.MustCompile(`\b[A-Z0-9]*\d[A-Z0-9]*(?:[-_][A-Z0-9]+)*[-_][A-Z]+[A-Z0-9]*\b`)},  // SKU ending in letters
	// Prices, with the currency before or after.
	{re: regexp.MustCompile(`(?:US\$|CA\$|A\$|C\$|[$€£¥₩]|\b(?:EUR|USD|GBP|JPY|KRW|RON|PLN|CHF|CAD)\s?)\s?\d{1,3}(?:[.,' \x{202F}]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,' \x{202F}]\d{3})*(?:[.,]\d{1,2})?\s?(?:€|\$|£|円|원|zł|\b(?:EUR|USD|GBP|JPY|KRW|RON|PLN|CHF|CAD|lei|euro|Euro|dollars?|kr)\b)`)},
	// Dates.
	{re: regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`), valid: ymd(1, 2, 3), whole: true},
	{re: regexp.MustCompile(`\b(\d{4})[./]\s?(\d{1,2})[./]\s?(\d{1,2})\.?`), valid: ymd(1, 2, 3), whole: true},
	{re: regexp.MustCompile(`\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b`), valid: dayMonth(1, 2), whole: true},
	{re: regexp.MustCompile(`\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日|\d{1,2}\s?月\s?\d{1,2}\s?日`)},
	{re: regexp.MustCompile(`\d{4}\s?년\s?\d{1,2}\s?월\s?\d{1,2}\s?일|\d{1,2}\s?월\s?\d{1,2}\s?일`)},
	// Times, and time ranges.
	{re: regexp.MustCompile(`\b\d{1,2}[:h]\d{2}(?::\d{2})?\b`)},
}

func hasDigit(m []string) bool {
	for _, r := range m[0] {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

func ymd(y, mo, d int) func([]string) bool {
	return func(m []string) bool {
		month, _ := strconv.Atoi(m[mo])
		day, _ := strconv.Atoi(m[d])
		return month >= 1 && month <= 12 && day >= 1 && day <= 31
	}
}

// dayMonth accepts d/m and m/d orders: either way both must be plausible.
func dayMonth(a, b int) func([]string) bool {
	return func(m []string) bool {
		x, _ := strconv.Atoi(m[a])
		y, _ := strconv.Atoi(m[b])
		if x < 1 || y < 1 || x > 31 || y > 31 {
			return false
		}
		return x <= 12 || y <= 12
	}
}

// mask returns s with every protected identifier overwritten by underscores, byte for byte.
func mask(s string) string {
	b := []byte(s)
	for _, p := range protected {
		for _, loc := range p.re.FindAllStringSubmatchIndex(s, -1) {
			if p.valid != nil {
				groups := make([]string, len(loc)/2)
				for i := range groups {
					if loc[2*i] >= 0 {
						groups[i] = s[loc[2*i]:loc[2*i+1]]
					}
				}
				if !p.valid(groups) {
					continue
				}
			}
			if p.whole && chained(s, loc[0], loc[1]) {
				continue
			}
			for i := loc[0]; i < loc[1]; i++ {
				b[i] = '_'
			}
		}
	}
	return string(b)
}

func chained(s string, start, end int) bool {
	sep := func(c byte) bool { return c == '.' || c == '-' || c == '/' }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if end+1 < len(s) && sep(s[end]) && digit(s[end+1]) {
		return true
	}
	return start >= 2 && sep(s[start-1]) && digit(s[start-2])
}
