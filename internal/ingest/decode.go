package ingest

import (
	"bytes"
	"encoding/base64"
	"net/mail"
	"net/textproto"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"

	"github.com/shopdesk/shopdesk/internal/text"
)

// How mail text is read (docs/architecture.md, Email → Processing): enmime splits the MIME tree
// and undoes the transfer encodings, but the charset of every text part and header is decoded
// here, in one order (see text.Decode and text.DecodeHeader), because enmime's own order
// (detection before the declared charset, raw header bytes passed through) produced text that
// PostgreSQL refuses and misread correct mail.

// declaredCharset is where parseMediaType keeps a text part's declared charset: enmime is told
// every text part is UTF-8, so it hands over the bytes undecoded.
const declaredCharset = "x-shopdesk-declared-charset"

// parser is enmime set up to leave charsets to us.
var parser = enmime.NewParser(
	enmime.SetCustomParseMediaType(parseMediaType),
	enmime.DisableCharacterDetection(true),
	// A multipart type without a boundary is read as one text part, not refused.
	enmime.MultipartWOBoundaryAsSinglePart(true),
)

// parseMediaType reads a Content-Type or Content-Disposition value: raw 8-bit bytes are decoded,
// RFC 2231 parameters (any charset, continuations) and RFC 2047 words in parameters are decoded,
// and a text type's charset is moved aside (see declaredCharset).
func parseMediaType(ctype string) (string, map[string]string, []string, error) {
	ctype = text.DecodeHeader([]byte(ctype), "")
	ext, rest := extendedParams(ctype)
	mtype, params, invalid, err := mediatype.ParseWithOptions(rest, mediatype.ParseOptions{StripMediaTypeInvalidCharacters: true})
	if err != nil {
		return mtype, params, invalid, err
	}
	if params == nil {
		params = map[string]string{}
	}
	for k, v := range ext {
		params[k] = v
	}
	for k, v := range params {
		if strings.Contains(v, "=?") {
			params[k] = decodeWords(v)
		}
	}
	if strings.HasPrefix(mtype, "text/") {
		params[declaredCharset] = params["charset"]
		params["charset"] = "utf-8"
	}
	return mtype, params, invalid, nil
}

// extParam is one RFC 2231 parameter section: name*=…, name*0=… or name*0*=….
var extParam = regexp.MustCompile(`;\s*([A-Za-z0-9!#$&+^_.~-]+)\*(\d*)(\*?)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)`)

// extendedParams decodes the RFC 2231 parameters of a header value (charset'language'%xx and
// continuations) and returns them with the value stripped of them. Go's mime package reads only
// UTF-8 and US-ASCII there and drops the rest (ISO-2022-JP file names, say).
func extendedParams(v string) (map[string]string, string) {
	if !strings.Contains(v, "*") {
		return nil, v
	}
	type section struct {
		n       int
		encoded bool
		value   string
	}
	sections := map[string][]section{}
	rest := extParam.ReplaceAllStringFunc(v, func(m string) string {
		g := extParam.FindStringSubmatch(m)
		n, _ := strconv.Atoi(g[2])
		val := strings.TrimSpace(g[4])
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = unquote(val[1 : len(val)-1])
		}
		name := strings.ToLower(g[1])
		sections[name] = append(sections[name], section{n: n, encoded: g[2] == "" || g[3] == "*", value: val})
		return ""
	})
	out := map[string]string{}
	for name, ss := range sections {
		sort.SliceStable(ss, func(i, j int) bool { return ss[i].n < ss[j].n })
		var raw []byte
		charset := ""
		for i, s := range ss {
			val := s.value
			if i == 0 && s.encoded {
				if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
					charset, val = parts[0], parts[2]
				}
			}
			if s.encoded {
				raw = append(raw, percentDecode(val)...)
			} else {
				raw = append(raw, val...)
			}
		}
		out[name] = text.DecodeHeader(raw, charset)
	}
	return out, rest
}

func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// percentDecode undoes %xx escapes; a malformed escape stays as it is.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(b))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// encodedWord is one RFC 2047 encoded word; the charset may carry an RFC 2231 language (*en).
var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=`)

// decodeWords decodes the RFC 2047 words of a header value. Adjacent words of one charset are
// joined before decoding, so a character split across two words (common) survives, and the text
// of each run is read by text.DecodeHeader (valid UTF-8, the word's charset, windows-1252).
func decodeWords(s string) string {
	idx := encodedWord.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var (
		b       strings.Builder
		run     []byte
		charset string
		last    = 0
	)
	flush := func() {
		if run != nil {
			b.WriteString(text.DecodeHeader(run, charset))
			run = nil
		}
	}
	for _, m := range idx {
		between := s[last:m[0]]
		cs, _, _ := strings.Cut(strings.ToLower(s[m[2]:m[3]]), "*")
		// White space between two encoded words is not text (RFC 2047 §6.2).
		if run != nil && strings.TrimSpace(between) == "" {
			if cs != charset {
				flush()
			}
		} else {
			flush()
			b.WriteString(between)
		}
		charset = cs
		payload := s[m[6]:m[7]]
		if strings.EqualFold(s[m[4]:m[5]], "b") {
			run = append(run, base64Lenient(payload)...)
		} else {
			run = append(run, qDecode(payload)...)
		}
		last = m[1]
	}
	flush()
	b.WriteString(s[last:])
	return b.String()
}

func base64Lenient(s string) []byte {
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			clean = append(clean, c)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out, err := base64.RawStdEncoding.DecodeString(string(clean))
	if err != nil {
		return []byte(s)
	}
	return out
}

func qDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s):
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// headerText decodes header values of one message: raw 8-bit bytes in the charset the message
// declares for its body (else windows-1252), then RFC 2047 words; the result is Clean.
type headerText struct {
	h       textproto.MIMEHeader
	charset string
}

// raw is a header's value with raw 8-bit bytes decoded but encoded words left (for address lists,
// whose parser decodes words itself).
func (d headerText) raw(v string) string {
	return text.DecodeHeader([]byte(v), d.charset)
}

func (d headerText) decode(v string) string {
	v = d.raw(v)
	if strings.Contains(v, "=?") {
		v = decodeWords(v)
	}
	return text.Clean(v)
}

func (d headerText) get(name string) string { return d.decode(d.h.Get(name)) }

func (d headerText) values(name string) []string {
	vs := d.h.Values(name)
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = d.decode(v)
	}
	return out
}

// obsoleteColon is a header name followed by white space before its colon (RFC 5322 §4.5.3).
var obsoleteColon = regexp.MustCompile(`^([!-9;-~]+)[ \t]+:`)

// normalizeHeader repairs the forms of the top-level header that the MIME parser does not read:
// white space before the colon (obsolete syntax), an mbox "From " separator line, and white space
// before the first header. Only the parser's copy
// changes; the stored raw mail keeps every byte.
func normalizeHeader(raw []byte) []byte {
	end := bytes.Index(raw, []byte("\n\n"))
	if e := bytes.Index(raw, []byte("\r\n\r\n")); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end < 0 {
		end = len(raw)
	}
	head := raw[:end]
	if !obsoleteColonAny(head) && !bytes.HasPrefix(head, []byte("From ")) && (len(head) == 0 || head[0] != ' ' && head[0] != '\t') {
		return raw
	}
	var out bytes.Buffer
	out.Grow(len(raw))
	lines := bytes.SplitAfter(head, []byte("\n"))
	for i, l := range lines {
		if m := obsoleteColon.FindSubmatchIndex(l); m != nil {
			out.Write(l[:m[3]])
			out.Write(l[m[1]-1:])
			continue
		}
		if i == 0 && bytes.HasPrefix(l, []byte("From ")) {
			continue // mbox separator, not a header
		}
		if i == 0 {
			l = bytes.TrimLeft(l, " \t") // a header cannot start folded
		}
		out.Write(l)
	}
	out.Write(raw[end:])
	return out.Bytes()
}

func obsoleteColonAny(head []byte) bool {
	for _, l := range bytes.Split(head, []byte("\n")) {
		if obsoleteColon.Match(l) {
			return true
		}
	}
	return false
}

// bodyCharset is the charset a message declares for its text: the top-level one, else its first
// text part's. Raw 8-bit header bytes are read in it first.
func bodyCharset(root *enmime.Part) string {
	var cs string
	root.DepthMatchFirst(func(part *enmime.Part) bool {
		if _, params, _, err := parseMediaType(part.Header.Get("Content-Type")); err == nil {
			cs = params[declaredCharset]
		}
		return cs != ""
	})
	return cs
}

// metaCharset finds the charset an HTML document declares in a meta tag.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// decodeTextParts decodes every text part's bytes (enmime left them as sent, see parser) into
// UTF-8, in the declared charset or, for HTML without one, the charset of its meta tag.
func decodeTextParts(root *enmime.Part) {
	root.DepthMatchAll(func(part *enmime.Part) bool {
		untyped := part.ContentType == "" && part.FirstChild == nil && part.Disposition != "attachment" && part.FileName == ""
		if !untyped && !strings.HasPrefix(part.ContentType, "text/") {
			return false
		}
		if untyped && part.Parent != nil {
			part.ContentType = "text/plain" // a body part without headers (RFC 2045 §5.2), as DSNs send it
		}
		var cs string
		if _, params, _, err := parseMediaType(part.Header.Get("Content-Type")); err == nil {
			cs = params[declaredCharset]
		}
		if cs == "" && part.ContentType == "text/html" {
			head := part.Content[:min(len(part.Content), 4096)]
			if m := metaCharset.FindSubmatch(head); m != nil {
				cs = string(m[1])
			}
		}
		part.Content = []byte(text.Decode(part.Content, cs))
		return false
	})
}

func attachment(part *enmime.Part, inline bool) Attachment {
	return Attachment{Name: text.Clean(part.FileName), ContentType: text.Clean(part.ContentType),
		ContentID: text.Clean(strings.Trim(part.ContentID, "<>")), Inline: inline, Data: part.Content}
}

// addresses reads an address list header; names and addresses come back Clean.
func addresses(hd headerText, key string) ([]*mail.Address, error) {
	list, err := enmime.ParseAddressList(hd.raw(hd.h.Get(key)))
	for _, a := range list {
		a.Name, a.Address = text.Clean(a.Name), text.Clean(a.Address)
		if strings.Contains(a.Name, "=?") {
			a.Name = decodeWords(a.Name)
		}
	}
	return list, err
}

// looseAddress finds an address in a From header the address parser refused.
var looseAddress = regexp.MustCompile(`[^\s<>"(),;:@\[\]]+@[^\s<>"(),;:@\[\]]+`)

// sender reads the From header. A header without a usable address still names the sender: the
// message is kept and its customer has no address (the reply box says so).
func sender(hd headerText, problems *[]string) *mail.Address {
	raw := strings.TrimSpace(hd.h.Get("From"))
	if raw == "" {
		return nil
	}
	if list, err := addresses(hd, "From"); err == nil && len(list) > 0 && usableAddress(list[0].Address) {
		a := list[0]
		if strings.ContainsRune(a.Name, '\uFFFD') {
			// The address parser reads encoded words itself and keeps bytes that are not their
			// declared charset; read the name again in our order (=?utf-8?q?Jos=E9?= is José).
			r := hd.raw(raw)
			if i := strings.LastIndexByte(r, '<'); i > 0 {
				if n := text.Clean(decodeWords(strings.Trim(strings.TrimSpace(r[:i]), `"`))); !strings.ContainsRune(n, '\uFFFD') {
					a.Name = n
				}
			}
		}
		return a
	}
	*problems = append(*problems, "From header is not a valid address")
	txt := strings.TrimSpace(hd.decode(raw))
	if m := looseAddress.FindString(txt); m != "" && usableAddress(m) {
		name := strings.Trim(strings.TrimSpace(strings.Replace(txt, m, "", 1)), `<>"() `)
		return &mail.Address{Name: name, Address: m}
	}
	name := strings.TrimSpace(strings.Trim(txt, `<>" `))
	if name == "" {
		name = txt
	}
	return &mail.Address{Name: name}
}

// usableAddress says whether an address can be written to: local part, @, domain, nothing else.
func usableAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-1 && !strings.ContainsAny(a, " \t<>,;\"")
}
