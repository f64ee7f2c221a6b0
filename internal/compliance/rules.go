package compliance

import (
	"bufio"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed data
var data embed.FS

// Rule kinds: what a rule's detector looks for.
const (
	KindLink          = "link"
	KindEmail         = "email"
	KindPhone         = "phone"
	KindWording       = "wording"
	KindRepeatRequest = "repeat_request"
	KindOptOutRequest = "opt_out_request"
	KindAttachments   = "attachments"
	KindLength        = "length"
	KindOrderID       = "order_id"
	KindLanguage      = "language"
)

// Length units: eBay counts what its API receives.
const (
	UnitUTF16     = "utf16"
	UnitCodePoint = "codepoint"
)

// Rule is one marketplace rule as data.
type Rule struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Level  Level  `json:"level"`
	Source string `json:"source"`
	Reason string `json:"reason"`
	// List names the word list of a wording or request rule (data/words/<list>/).
	List string `json:"list,omitempty"`
	// Max and Unit are a length rule's limit.
	Max  int    `json:"max,omitempty"`
	Unit string `json:"unit,omitempty"`
	// Attachment limits: count, bytes per file, bytes in all, and the file extensions allowed.
	MaxCount      int      `json:"max_count,omitempty"`
	MaxFileBytes  int64    `json:"max_file_bytes,omitempty"`
	MaxTotalBytes int64    `json:"max_total_bytes,omitempty"`
	Types         []string `json:"types,omitempty"`
}

// Ruleset is one marketplace's rules.
type Ruleset struct {
	Marketplace string `json:"marketplace"`
	// Languages are the languages its sites are written in: the word lists checked.
	Languages []string `json:"languages"`
	// Domains are the marketplace's own link domains (allowed with their subdomains).
	Domains []string `json:"domains"`
	Rules   []Rule   `json:"rules"`
}

type catalogue struct {
	sets     map[string]*Ruleset
	carriers []string
	// words[list][lang] are the compiled phrase matchers.
	words map[string]map[string][]*regexp.Regexp
}

var (
	loadOnce sync.Once
	loaded   *catalogue
	loadErr  error
)

func rulesData() (*catalogue, error) {
	loadOnce.Do(func() { loaded, loadErr = load(data) })
	return loaded, loadErr
}

// Marketplaces lists the marketplaces with rules.
func Marketplaces() []string {
	c, err := rulesData()
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(c.sets))
	for m := range c.sets {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// RulesFor is a marketplace's ruleset; ok is false for channels without rules (e-mail).
func RulesFor(marketplace string) (*Ruleset, bool) {
	c, err := rulesData()
	if err != nil {
		return nil, false
	}
	rs, ok := c.sets[marketplace]
	return rs, ok
}

// CarrierDomains are the tracking domains every marketplace allows.
func CarrierDomains() []string {
	c, err := rulesData()
	if err != nil {
		return nil
	}
	return c.carriers
}

var validKinds = []string{KindLink, KindEmail, KindPhone, KindWording, KindRepeatRequest, KindOptOutRequest, KindAttachments, KindLength, KindOrderID, KindLanguage}

func load(fsys fs.FS) (*catalogue, error) {
	c := &catalogue{sets: map[string]*Ruleset{}, words: map[string]map[string][]*regexp.Regexp{}}
	files, err := fs.Glob(fsys, "data/rules/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var rs Ruleset
		if err := json.Unmarshal(b, &rs); err != nil {
			return nil, fmt.Errorf("compliance: %s: %w", f, err)
		}
		for _, r := range rs.Rules {
			if r.ID == "" || r.Source == "" || r.Reason == "" || (r.Level != Block && r.Level != Warn) || !slices.Contains(validKinds, r.Kind) {
				return nil, fmt.Errorf("compliance: %s: rule %q needs an id, a known kind, a level (block or warn), a source and a reason", f, r.ID)
			}
			if r.List != "" {
				for _, lang := range rs.Languages {
					if _, err := c.wordList(fsys, r.List, lang); err != nil {
						return nil, err
					}
				}
			}
		}
		c.sets[rs.Marketplace] = &rs
	}
	b, err := fs.ReadFile(fsys, "data/carrier_domains.txt")
	if err != nil {
		return nil, err
	}
	c.carriers = lines(string(b))
	return c, nil
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// wordList compiles data/words/<list>/<lang>.txt: one phrase a line; a space matches any run of
// spaces or hyphens, a trailing * any word ending. Languages written without spaces between words
// (Japanese) match anywhere; the others only on whole words.
func (c *catalogue) wordList(fsys fs.FS, list, lang string) ([]*regexp.Regexp, error) {
	if m, ok := c.words[list][lang]; ok {
		return m, nil
	}
	b, err := fs.ReadFile(fsys, path.Join("data/words", list, lang+".txt"))
	if err != nil {
		return nil, fmt.Errorf("compliance: word list %s/%s: %w", list, lang, err)
	}
	var res []*regexp.Regexp
	for _, p := range lines(string(b)) {
		var sb strings.Builder
		sb.WriteString("(?i)")
		stem := strings.HasSuffix(p, "*")
		p = strings.TrimSuffix(p, "*")
		for i, w := range strings.Fields(p) {
			if i > 0 {
				sb.WriteString(`[\s\-]+`)
			}
			sb.WriteString(regexp.QuoteMeta(w))
		}
		if stem {
			sb.WriteString(`[\p{L}\p{N}]*`)
		}
		re, err := regexp.Compile(sb.String())
		if err != nil {
			return nil, fmt.Errorf("compliance: word list %s/%s: %q: %w", list, lang, p, err)
		}
		res = append(res, re)
	}
	if c.words[list] == nil {
		c.words[list] = map[string][]*regexp.Regexp{}
	}
	c.words[list][lang] = res
	return res, nil
}

// spaceless languages are written without spaces between words: phrases match inside text.
var spaceless = map[string]bool{"ja": true, "zh": true}
