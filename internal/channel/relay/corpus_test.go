package relay

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/language"
)

// expectation is one entry of testdata/expect.json: the truth a parser must produce for one
// fixture. testdata/README.md describes every field.
type expectation struct {
	File                 string   `json:"file"`
	Marketplace          string   `json:"marketplace"`
	Site                 string   `json:"site"`
	Account              string   `json:"account"`
	Route                string   `json:"route"`
	Kind                 string   `json:"kind"`
	Template             string   `json:"template"`
	TemplateLang         string   `json:"template_lang"`
	DKIM                 string   `json:"dkim"`
	DKIMDomain           string   `json:"dkim_domain"`
	Suspicious           bool     `json:"suspicious"`
	ClaimedMarketplace   string   `json:"claimed_marketplace"`
	OrderID              string   `json:"order_id"`
	PurchaseOrder        string   `json:"purchase_order"`
	ASIN                 string   `json:"asin"`
	Product              string   `json:"product"`
	BuyerName            string   `json:"buyer_name"`
	BuyerAlias           string   `json:"buyer_alias"`
	ReplyTo              string   `json:"reply_to"`
	BuyerText            string   `json:"buyer_text"`
	SellerText           string   `json:"seller_text"`
	NoticeText           string   `json:"notice_text"`
	CommMgrTok           string   `json:"comm_mgr_tok"`
	NoResponseURL        string   `json:"no_response_url"`
	Language             string   `json:"language"`
	Thread               string   `json:"thread"`
	Attachments          []string `json:"attachments"`
	BodyCharset          string   `json:"body_charset"`
	BodyEncoding         string   `json:"body_encoding"`
	FailedReplyMessageID string   `json:"failed_reply_message_id"`
	Reason               string   `json:"reason"`
	Rating               int      `json:"rating"`
	CaseID               string   `json:"case_id"`
	Urgent               bool     `json:"urgent"`
	DuplicateOf          string   `json:"duplicate_of"`
	Note                 string   `json:"note"`
}

const testdata = "testdata"

var (
	kinds = []string{"buyer_message", "presale_question", "seller_copy", "delivery_failure", "opt_out",
		"atoz_claim", "return_request", "feedback", "care_escalation", "complaint", "ordinary"}
	amazonKinds   = []string{"buyer_message", "presale_question", "seller_copy", "delivery_failure", "opt_out", "atoz_claim", "return_request", "feedback"}
	walmartKinds  = []string{"buyer_message", "care_escalation", "complaint"}
	templates     = []string{"old_text", "old_html", "new_html"}
	charsets      = []string{"utf-8", "iso-8859-1", "shift_jis"}
	encodings     = []string{"quoted-printable", "base64"}
	amazonOrder   = regexp.MustCompile(`^\d{3}-\d{7}-\d{7}$`)
	walmartOrder  = regexp.MustCompile(`^\d{13,15}$`)
	asinRE        = regexp.MustCompile(`^B0[0-9A-Z]{8}$`)
	tokRE         = regexp.MustCompile(`^A[0-9A-Z]{12}$`)
	msgIDRE       = regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`)
	hexSuffix     = regexp.MustCompile(`^[0-9a-f]{8}$`)
	uuidSuffix    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	amazonAlias   = regexp.MustCompile(`^[a-z0-9]{15}@marketplace\.amazon\.[a-z.]+$`)
	tagRE         = regexp.MustCompile(`(?s)<[^>]*>`)
	templateWords = []string{"-----", "commMgrTok", "Begin message", "Order ID", "<pre", "Customer message:", "SPC-",
		"Complaint:", "Notes from", "Comments:"}
)

// loadExpectations reads expect.json strictly (an unknown field is an error) and requires exactly
// one entry per .eml file and a file for every entry.
func loadExpectations(t *testing.T) []expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "expect.json"))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var exps []expectation
	require.NoError(t, dec.Decode(&exps))
	listed := map[string]bool{}
	for _, e := range exps {
		require.NotEmpty(t, e.File)
		require.False(t, listed[e.File], "%s has two entries in expect.json", e.File)
		listed[e.File] = true
		_, err := os.Stat(filepath.Join(testdata, e.File))
		require.NoError(t, err, "expect.json names %s, which does not exist", e.File)
	}
	files, err := filepath.Glob(filepath.Join(testdata, "*.eml"))
	require.NoError(t, err)
	for _, f := range files {
		require.True(t, listed[filepath.Base(f)], "%s has no entry in expect.json", filepath.Base(f))
	}
	require.Len(t, exps, len(files))
	return exps
}

func readFixture(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, file))
	require.NoError(t, err)
	return b
}

// addressParser decodes RFC 2047 display names in the charsets the fixtures use.
var addressParser = &mail.AddressParser{WordDecoder: &mime.WordDecoder{
	CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(charset)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(r), nil
	},
}}

// norm collapses every run of white space to one space, the comparison the expectations use.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// htmlText is the visible text of an HTML body: tags dropped, entities decoded.
func htmlText(h string) string { return html.UnescapeString(tagRE.ReplaceAllString(h, " ")) }

func TestEveryFixtureHasOneExpectation(t *testing.T) {
	t.Parallel()
	exps := loadExpectations(t)
	require.GreaterOrEqual(t, len(exps), 34)
}

// Every fixture is real MIME: CRLF line ends only, ASCII headers (anything else RFC 2047 encoded),
// the headers a mail server requires, no stale DKIM signature (signing happens at test time), and
// enmime reads it without a single error or warning.
func TestFixturesAreWellFormedMail(t *testing.T) {
	t.Parallel()
	for _, e := range loadExpectations(t) {
		t.Run(e.File, func(t *testing.T) {
			t.Parallel()
			raw := readFixture(t, e.File)
			require.Empty(t, mailProblems(raw, e))
		})
	}
}

func mailProblems(raw []byte, e expectation) []string {
	var p []string
	bad := func(f string, a ...any) { p = append(p, fmt.Sprintf(f, a...)) }
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) ||
		bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		bad("line ends are not all CRLF")
	}
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		bad("no blank line after the header")
	}
	for _, c := range head {
		if c >= 0x80 {
			bad("raw 8-bit byte in the header: must be RFC 2047 encoded")
			break
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return append(p, "net/mail: "+err.Error())
	}
	h := msg.Header
	if !msgIDRE.MatchString(h.Get("Message-Id")) {
		bad("Message-ID %q is not <left@right>", h.Get("Message-Id"))
	}
	if _, err := h.Date(); err != nil {
		bad("Date: %v", err)
	}
	if _, err := addressParser.Parse(h.Get("From")); err != nil {
		bad("From: %v", err)
	}
	to, err := addressParser.Parse(h.Get("To"))
	if err != nil {
		bad("To: %v", err)
	} else if e.Route == "gateway" {
		want := "acme@inbound.localhost"
		if e.Account != "" {
			want = "acme+" + e.Account + "@inbound.localhost"
		}
		if to.Address != want {
			bad("To is %s, the account's forwarding address is %s", to.Address, want)
		}
	}
	if h.Get("DKIM-Signature") != "" {
		bad("carries a DKIM-Signature: fixtures are signed at test time")
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return append(p, "enmime: "+err.Error())
	}
	for _, er := range env.Errors {
		// An HTML-only mail (Amazon's newer template) is meant: enmime notes that it made the text.
		if er.Severe || er.Name != enmime.ErrorPlainTextFromHTML {
			bad("enmime: %v", er)
		}
	}
	var names []string
	for _, a := range append(append([]*enmime.Part{}, env.Attachments...), env.Inlines...) {
		names = append(names, a.FileName)
	}
	if !slices.Equal(names, e.Attachments) && !(len(names) == 0 && len(e.Attachments) == 0) {
		bad("attachments are %q, expected %q", names, e.Attachments)
	}
	return p
}

func TestExpectationsUseAllowedValues(t *testing.T) {
	t.Parallel()
	exps := loadExpectations(t)
	byFile := map[string]expectation{}
	for _, e := range exps {
		byFile[e.File] = e
	}
	for _, e := range exps {
		require.Empty(t, valueProblems(e, byFile), e.File)
	}
}

func valueProblems(e expectation, byFile map[string]expectation) []string {
	var p []string
	bad := func(f string, a ...any) { p = append(p, fmt.Sprintf(f, a...)) }
	if !slices.Contains(kinds, e.Kind) {
		bad("kind %q", e.Kind)
	}
	switch e.Marketplace {
	case "amazon":
		if !slices.Contains(amazonKinds, e.Kind) {
			bad("kind %q is not an Amazon kind", e.Kind)
		}
		if !strings.HasPrefix(e.Site, "amazon.") {
			bad("site %q", e.Site)
		}
	case "walmart":
		if !slices.Contains(walmartKinds, e.Kind) {
			bad("kind %q is not a Walmart kind", e.Kind)
		}
		if e.Site != "walmart.com" && e.Site != "walmart.ca" {
			bad("site %q", e.Site)
		}
	case "":
		if e.Kind != "ordinary" || e.Site != "" {
			bad("mail that is not the marketplace's must be ordinary, without a site")
		}
	default:
		bad("marketplace %q", e.Marketplace)
	}
	if e.Route != "gateway" && e.Route != "imap" {
		bad("route %q", e.Route)
	}
	switch e.DKIM {
	case "sign":
		if e.DKIMDomain == "" {
			bad("dkim sign without dkim_domain")
		}
	case "wrong_key":
		if e.DKIMDomain == "" {
			bad("dkim wrong_key without dkim_domain")
		}
	case "none":
		if e.DKIMDomain != "" {
			bad("dkim none with a dkim_domain")
		}
	default:
		bad("dkim %q", e.DKIM)
	}
	// Only a verified, aligned signature makes mail the marketplace's; a claim without one is suspicious.
	if (e.Marketplace != "") != (e.DKIM == "sign") {
		bad("marketplace %q with dkim %q", e.Marketplace, e.DKIM)
	}
	if e.Suspicious != (e.ClaimedMarketplace != "") {
		bad("suspicious must be exactly the mail that claims a marketplace without its signature")
	}
	if e.Suspicious && (e.OrderID != "" || e.BuyerText != "" || e.BuyerAlias != "" || e.Thread != "" || e.CommMgrTok != "") {
		bad("suspicious mail must not yield marketplace fields")
	}
	if e.Kind == "ordinary" && e.Thread != "" {
		bad("ordinary mail has no marketplace thread")
	}
	if e.Kind != "ordinary" && e.Thread == "" {
		bad("no thread")
	}
	if e.Template != "" && !slices.Contains(templates, e.Template) {
		bad("template %q", e.Template)
	}
	if (e.Template == "") != (e.TemplateLang == "") {
		bad("template and template_lang go together")
	}
	if !slices.Contains(charsets, e.BodyCharset) || !slices.Contains(encodings, e.BodyEncoding) {
		bad("body %q/%q", e.BodyCharset, e.BodyEncoding)
	}
	if e.Language != "" {
		tag, err := language.Parse(e.Language)
		if err != nil || tag.String() != e.Language {
			bad("language %q is not canonical BCP 47", e.Language)
		}
	}
	switch {
	case e.OrderID == "":
	case e.Marketplace == "amazon" && !amazonOrder.MatchString(e.OrderID):
		bad("Amazon order %q", e.OrderID)
	case e.Marketplace == "walmart" && !walmartOrder.MatchString(e.OrderID):
		bad("Walmart order %q", e.OrderID)
	}
	if e.ASIN != "" && !asinRE.MatchString(e.ASIN) {
		bad("asin %q", e.ASIN)
	}
	if e.CommMgrTok != "" && !tokRE.MatchString(e.CommMgrTok) {
		bad("comm_mgr_tok %q", e.CommMgrTok)
	}
	if strings.Contains(e.BuyerAlias, "+") {
		bad("buyer_alias %q keeps a +suffix", e.BuyerAlias)
	}
	if e.ReplyTo != "" && e.BuyerAlias != "" && e.ReplyTo != e.BuyerAlias {
		local, domain, _ := strings.Cut(e.BuyerAlias, "@")
		suffix, ok := strings.CutPrefix(e.ReplyTo, local+"+")
		if !ok || !strings.HasSuffix(suffix, "@"+domain) {
			bad("reply_to %q is not the alias %q with a +suffix", e.ReplyTo, e.BuyerAlias)
		} else if s := strings.TrimSuffix(suffix, "@"+domain); !hexSuffix.MatchString(s) && !uuidSuffix.MatchString(s) {
			bad("suffix %q is neither hex nor a uuid", s)
		}
	}
	for _, text := range []string{e.BuyerText, e.SellerText, e.NoticeText} {
		if text != norm(text) {
			bad("text %q is not whitespace-normalised", text)
		}
		for _, w := range templateWords {
			if strings.Contains(text, w) {
				bad("text %q holds template words %q", text, w)
			}
		}
	}
	if e.FailedReplyMessageID != "" && !msgIDRE.MatchString(e.FailedReplyMessageID) {
		bad("failed_reply_message_id %q", e.FailedReplyMessageID)
	}
	if e.DuplicateOf != "" {
		d, ok := byFile[e.DuplicateOf]
		switch {
		case !ok:
			bad("duplicate_of %q is not a fixture", e.DuplicateOf)
		case d.CommMgrTok != e.CommMgrTok || d.Thread != e.Thread || d.BuyerText != e.BuyerText:
			bad("duplicate_of %q differs in commMgrTok, thread or text", e.DuplicateOf)
		}
	}
	if e.Rating < 0 || e.Rating > 5 || (e.Kind == "feedback") != (e.Rating > 0) {
		bad("rating %d", e.Rating)
	}
	if e.Urgent != (e.Kind == "complaint") {
		bad("urgent is for complaints")
	}
	req := func(name, v string) {
		if v == "" {
			bad("%s needs %s", e.Kind, name)
		}
	}
	switch e.Kind {
	case "buyer_message":
		req("order_id", e.OrderID)
		req("buyer_text", e.BuyerText)
		req("buyer_alias", e.BuyerAlias)
		req("reply_to", e.ReplyTo)
		req("language", e.Language)
		if e.Marketplace == "amazon" {
			req("asin", e.ASIN)
			req("comm_mgr_tok", e.CommMgrTok)
			req("no_response_url", e.NoResponseURL)
			req("template", e.Template)
			if !amazonAlias.MatchString(e.BuyerAlias) {
				bad("Amazon alias %q", e.BuyerAlias)
			}
		}
	case "presale_question":
		if e.OrderID != "" {
			bad("a pre-sale question has no order")
		}
		req("asin", e.ASIN)
		req("buyer_text", e.BuyerText)
		req("reply_to", e.ReplyTo)
		req("comm_mgr_tok", e.CommMgrTok)
	case "seller_copy":
		req("order_id", e.OrderID)
		req("seller_text", e.SellerText)
	case "delivery_failure", "opt_out":
		req("order_id", e.OrderID)
		req("failed_reply_message_id", e.FailedReplyMessageID)
		req("reason", e.Reason)
	case "atoz_claim", "return_request", "feedback":
		req("order_id", e.OrderID)
	case "care_escalation", "complaint":
		req("order_id", e.OrderID)
		req("case_id", e.CaseID)
		req("notice_text", e.NoticeText)
	}
	return p
}

// Entries of one thread are one ticket: one account and marketplace, one buyer, one order (or,
// for a pre-sale question, one ASIN); two threads never share Amazon's thread key.
func TestThreadsAreConsistent(t *testing.T) {
	t.Parallel()
	require.Empty(t, threadProblems(loadExpectations(t)))
}

func threadProblems(exps []expectation) []string {
	var p []string
	first := map[string]expectation{}
	keyOwner := map[string]string{}
	for _, e := range exps {
		if e.Thread == "" {
			continue
		}
		if f, ok := first[e.Thread]; !ok {
			first[e.Thread] = e
		} else {
			if f.Account != e.Account || f.Marketplace != e.Marketplace {
				p = append(p, fmt.Sprintf("thread %s spans accounts or marketplaces (%s, %s)", e.Thread, f.File, e.File))
			}
			if f.OrderID != e.OrderID {
				p = append(p, fmt.Sprintf("thread %s spans orders %q and %q", e.Thread, f.OrderID, e.OrderID))
			}
		}
		if e.Kind == "buyer_message" || e.Kind == "presale_question" {
			key := e.Account + "|" + e.BuyerAlias + "|" + e.OrderID
			if e.OrderID == "" {
				key += "asin:" + e.ASIN
			}
			if owner, ok := keyOwner[key]; ok && owner != e.Thread {
				p = append(p, fmt.Sprintf("threads %s and %s share the key %s", owner, e.Thread, key))
			}
			keyOwner[key] = e.Thread
			if f := first[e.Thread]; f.BuyerAlias != "" && f.BuyerAlias != e.BuyerAlias {
				p = append(p, fmt.Sprintf("thread %s spans buyers", e.Thread))
			}
		}
	}
	return p
}

// The corpus keeps covering what issue 13's acceptance asks for.
func TestCorpusCoversTheIssue(t *testing.T) {
	t.Parallel()
	exps := loadExpectations(t)
	has := func(what string, ok func(e expectation) bool) {
		t.Helper()
		require.True(t, slices.ContainsFunc(exps, ok), "no fixture has %s", what)
	}
	for _, k := range kinds {
		has("kind "+k, func(e expectation) bool { return e.Kind == k })
	}
	for _, s := range []string{"amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.co.jp", "amazon.ca",
		"amazon.it", "amazon.es", "amazon.pl", "walmart.com", "walmart.ca"} {
		has("site "+s, func(e expectation) bool { return e.Site == s })
	}
	buyer := func(e expectation) bool {
		return e.Kind == "buyer_message" || e.Kind == "presale_question"
	}
	for _, l := range []string{"ko", "ja", "de", "fr"} {
		has("a buyer writing "+l, func(e expectation) bool {
			return buyer(e) && strings.HasPrefix(e.Language, l)
		})
	}
	for _, tpl := range templates {
		has("template "+tpl, func(e expectation) bool { return e.Template == tpl })
	}
	langs := map[string]int{}
	for _, e := range exps {
		if e.TemplateLang != "" && e.DuplicateOf == "" {
			langs[e.TemplateLang]++
		}
	}
	has("a template language used by no other fixture", func(e expectation) bool {
		return buyer(e) && langs[e.TemplateLang] == 1
	})
	has("a plain alias", func(e expectation) bool { return buyer(e) && e.ReplyTo == e.BuyerAlias })
	has("a hex +suffix", func(e expectation) bool {
		s, _, _ := strings.Cut(strings.TrimPrefix(e.ReplyTo, strings.Split(e.BuyerAlias, "@")[0]+"+"), "@")
		return buyer(e) && e.ReplyTo != e.BuyerAlias && hexSuffix.MatchString(s)
	})
	has("a uuid +suffix", func(e expectation) bool {
		s, _, _ := strings.Cut(strings.TrimPrefix(e.ReplyTo, strings.Split(e.BuyerAlias, "@")[0]+"+"), "@")
		return buyer(e) && uuidSuffix.MatchString(s)
	})
	has("an image attachment", func(e expectation) bool {
		return slices.ContainsFunc(e.Attachments, func(n string) bool { return strings.HasSuffix(n, ".jpg") || strings.HasSuffix(n, ".png") })
	})
	has("a PDF attachment", func(e expectation) bool {
		return slices.ContainsFunc(e.Attachments, func(n string) bool { return strings.HasSuffix(n, ".pdf") })
	})
	has("an ISO-8859-1 body", func(e expectation) bool { return e.BodyCharset == "iso-8859-1" })
	has("a Shift_JIS body", func(e expectation) bool { return e.BodyCharset == "shift_jis" })
	has("an unsigned spoof", func(e expectation) bool { return e.Suspicious && e.DKIM == "none" })
	has("a spoof signed with an unpublished key", func(e expectation) bool { return e.Suspicious && e.DKIM == "wrong_key" })
	has("an ordinary mail that is not suspicious", func(e expectation) bool { return e.Kind == "ordinary" && !e.Suspicious })
	has("the same relay mail by a second route", func(e expectation) bool { return e.DuplicateOf != "" })

	// One buyer writing twice about one order and once about another.
	messages := map[string]map[string]int{} // alias → thread → buyer messages (not counting duplicates)
	for _, e := range exps {
		if e.Kind == "buyer_message" && e.DuplicateOf == "" {
			if messages[e.BuyerAlias] == nil {
				messages[e.BuyerAlias] = map[string]int{}
			}
			messages[e.BuyerAlias][e.Thread]++
		}
	}
	found := false
	for _, threads := range messages {
		twice := false
		for _, n := range threads {
			twice = twice || n >= 2
		}
		found = found || (twice && len(threads) >= 2)
	}
	require.True(t, found, "no buyer writes twice about one order and once about another")
}

// leaf is one decoded text part of a fixture, read with the standard library only (enmime converts
// charsets, and these checks must see the bytes as sent).
type leaf struct {
	mediaType, charset, encoding string
	body                         []byte
}

func textLeaves(raw []byte) ([]leaf, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var out []leaf
	var walk func(h textproto.MIMEHeader, body io.Reader) error
	walk = func(h textproto.MIMEHeader, body io.Reader) error {
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			return err
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
				if err := walk(part.Header, part); err != nil {
					return err
				}
			}
		}
		if !strings.HasPrefix(mt, "text/") {
			return nil
		}
		cte := strings.ToLower(h.Get("Content-Transfer-Encoding"))
		var r io.Reader
		switch cte {
		case "quoted-printable":
			r = quotedprintable.NewReader(body)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, &crlfStripper{r: bufio.NewReader(body)})
		default:
			r = body
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("%s body: %w", cte, err)
		}
		out = append(out, leaf{mt, strings.ToLower(params["charset"]), cte, b})
		return nil
	}
	err = walk(textproto.MIMEHeader(msg.Header), msg.Body)
	return out, err
}

// crlfStripper drops line breaks so base64 decodes across them.
type crlfStripper struct{ r *bufio.Reader }

func (c *crlfStripper) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := c.r.ReadByte()
		if err != nil {
			return n, err
		}
		if b != '\r' && b != '\n' {
			p[n] = b
			n++
		}
	}
	return n, nil
}

// Every text part is in the charset and transfer encoding its entry states, and the bytes really
// are that charset: ISO-8859-1 with 8-bit letters that are not UTF-8, Shift_JIS that decodes
// without loss and encodes back to the same bytes; the buyer's words are in those bytes.
func TestDeclaredCharsetsAreTheBytes(t *testing.T) {
	t.Parallel()
	for _, e := range loadExpectations(t) {
		require.Empty(t, charsetProblems(readFixture(t, e.File), e), e.File)
	}
}

func charsetProblems(raw []byte, e expectation) []string {
	leaves, err := textLeaves(raw)
	if err != nil {
		return []string{err.Error()}
	}
	if len(leaves) == 0 {
		return []string{"no text part"}
	}
	var p []string
	found := e.BuyerText == ""
	for _, l := range leaves {
		if l.charset != e.BodyCharset || l.encoding != e.BodyEncoding {
			p = append(p, fmt.Sprintf("%s part is %s/%s, expected %s/%s", l.mediaType, l.charset, l.encoding, e.BodyCharset, e.BodyEncoding))
			continue
		}
		var dec *encoding.Decoder
		switch l.charset {
		case "utf-8":
			if !utf8.Valid(l.body) {
				p = append(p, "declared UTF-8 but is not")
			}
		case "iso-8859-1":
			if utf8.Valid(l.body) || !slices.ContainsFunc(l.body, func(c byte) bool { return c >= 0xC0 }) {
				p = append(p, "declared ISO-8859-1 but holds no Latin-1 letters outside ASCII, or is UTF-8")
			}
			dec = charmap.ISO8859_1.NewDecoder()
		case "shift_jis":
			if utf8.Valid(l.body) {
				p = append(p, "declared Shift_JIS but is valid UTF-8")
			}
			dec = japanese.ShiftJIS.NewDecoder()
		}
		text := string(l.body)
		if dec != nil {
			b, err := dec.Bytes(l.body)
			if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
				p = append(p, fmt.Sprintf("does not decode as %s", l.charset))
				continue
			}
			if l.charset == "shift_jis" {
				back, err := japanese.ShiftJIS.NewEncoder().Bytes(b)
				if err != nil || !bytes.Equal(back, l.body) {
					p = append(p, "Shift_JIS does not encode back to the same bytes")
				}
			}
			text = string(b)
		}
		if l.mediaType == "text/html" {
			text = htmlText(text)
		}
		found = found || strings.Contains(norm(text), e.BuyerText)
	}
	if !found {
		p = append(p, "the buyer's text is in no text part decoded as "+e.BodyCharset)
	}
	return p
}

// What the expectations say is really in each mail as enmime decodes it: the buyer's (seller's,
// agent's) words, order, ASIN, commMgrTok, the no-response link, the exact reply address, the
// failed reply's Message-ID.
func TestExpectationsAreInTheMail(t *testing.T) {
	t.Parallel()
	for _, e := range loadExpectations(t) {
		env, err := enmime.ReadEnvelope(bytes.NewReader(readFixture(t, e.File)))
		require.NoError(t, err, e.File)
		require.Empty(t, contentProblems(env, e), e.File)
	}
}

func contentProblems(env *enmime.Envelope, e expectation) []string {
	var p []string
	text := norm(env.Text)
	visible := norm(htmlText(env.HTML))
	raw := html.UnescapeString(env.HTML)
	subject := env.GetHeader("Subject")
	in := func(s string) bool { return strings.Contains(text, s) || strings.Contains(visible, s) }
	for name, v := range map[string]string{"buyer_text": e.BuyerText, "seller_text": e.SellerText, "notice_text": e.NoticeText} {
		if v != "" && !e.Suspicious && !in(v) {
			p = append(p, name+" is not in the decoded text or HTML")
		}
	}
	if e.OrderID != "" && !in(e.OrderID) && !strings.Contains(subject, e.OrderID) {
		p = append(p, "order_id is in neither subject nor body")
	}
	if e.Marketplace == "amazon" && e.Kind == "buyer_message" && !strings.Contains(subject, "("+e.OrderID+")") &&
		!strings.Contains(subject, ": "+e.OrderID+")") {
		p = append(p, fmt.Sprintf("subject %q does not end with the order", subject))
	}
	if e.ASIN != "" && !in(e.ASIN) {
		p = append(p, "asin is not in the body")
	}
	if e.Product != "" && !in(e.Product) {
		p = append(p, "product is not in the body")
	}
	if e.CommMgrTok != "" && !in("[commMgrTok:"+e.CommMgrTok+"]") {
		p = append(p, "comm_mgr_tok is not in the body")
	}
	if e.NoResponseURL != "" && !strings.Contains(env.Text, e.NoResponseURL) && !strings.Contains(raw, e.NoResponseURL) {
		p = append(p, "no_response_url is not in the body")
	}
	if e.CaseID != "" && !in(e.CaseID) {
		p = append(p, "case_id is not in the body")
	}
	if e.Reason != "" && !in(e.Reason) {
		p = append(p, "reason is not in the body")
	}
	froms, err := env.AddressList("From")
	if err != nil || len(froms) != 1 {
		return append(p, fmt.Sprintf("From: %v", err))
	}
	from := froms[0]
	if e.Kind == "buyer_message" || e.Kind == "presale_question" {
		if from.Address != e.ReplyTo {
			p = append(p, fmt.Sprintf("From is %s, reply_to %s", from.Address, e.ReplyTo))
		}
		if !strings.HasPrefix(from.Name, e.BuyerName) {
			p = append(p, fmt.Sprintf("From's name %q does not start with buyer_name %q", from.Name, e.BuyerName))
		}
	}
	if e.DKIM == "sign" || e.DKIM == "wrong_key" {
		domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
		if domain != e.DKIMDomain && !strings.HasSuffix(domain, "."+e.DKIMDomain) {
			p = append(p, fmt.Sprintf("dkim_domain %s does not align with From %s", e.DKIMDomain, domain))
		}
	}
	if e.Suspicious && !strings.Contains(from.Address, "."+e.ClaimedMarketplace+".") {
		p = append(p, "a spoof must claim the marketplace in From")
	}
	if e.FailedReplyMessageID != "" && env.GetHeader("In-Reply-To") != e.FailedReplyMessageID {
		p = append(p, "In-Reply-To does not name failed_reply_message_id")
	}
	return p
}

// The checks above are only worth something if they fail on wrong truth: each mistake below must
// be reported.
func TestChecksCatchMistakes(t *testing.T) {
	t.Parallel()
	exps := loadExpectations(t)
	byFile := map[string]expectation{}
	for _, e := range exps {
		byFile[e.File] = e
	}
	get := func(file string) (expectation, []byte, *enmime.Envelope) {
		e, ok := byFile[file]
		require.True(t, ok, file)
		raw := readFixture(t, file)
		env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
		require.NoError(t, err)
		return e, raw, env
	}

	e, raw, env := get("amazon-com-old-text-en.eml")
	wrong := e
	wrong.BuyerText = norm("Order ID 113-4827165-3390217: " + e.BuyerText)
	require.NotEmpty(t, valueProblems(wrong, byFile), "template words in the buyer's text")
	wrong = e
	wrong.BuyerText = e.BuyerText + " P.S. call me"
	require.NotEmpty(t, contentProblems(env, wrong), "text that is not in the mail")
	require.NotEmpty(t, charsetProblems(raw, wrong), "text that is not in the bytes")
	wrong = e
	wrong.ReplyTo = "someoneelse+5e0c71ab@marketplace.amazon.com"
	require.NotEmpty(t, valueProblems(wrong, byFile), "a reply address of another alias")
	wrong = e
	wrong.BuyerAlias = e.ReplyTo + "x"
	require.NotEmpty(t, valueProblems(wrong, byFile), "an alias that is not the address")
	wrong = e
	wrong.Attachments = []string{"photo.jpg"}
	require.NotEmpty(t, mailProblems(raw, wrong), "an attachment that is not there")
	wrong = e
	wrong.BodyCharset = "iso-8859-1"
	require.NotEmpty(t, charsetProblems(raw, wrong), "a charset claim the bytes do not bear out")
	require.NotEmpty(t, mailProblems(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), e), "bare LF line ends")

	e, raw, _ = get("amazon-de-old-text-de-latin1.eml")
	utf8Body := bytes.Replace(raw, []byte("charset=ISO-8859-1"), []byte("charset=UTF-8"), 1)
	wrong = e
	wrong.BodyCharset = "utf-8"
	require.NotEmpty(t, charsetProblems(utf8Body, wrong), "Latin-1 bytes declared as UTF-8")

	e, raw, _ = get("amazon-cojp-old-text-ja-sjis.eml")
	require.Empty(t, charsetProblems(raw, e))
	wrong = e
	wrong.BodyCharset = "utf-8"
	require.NotEmpty(t, charsetProblems(bytes.Replace(raw, []byte("charset=Shift_JIS"), []byte("charset=UTF-8"), 1), wrong), "Shift_JIS bytes declared as UTF-8")

	e, _, _ = get("spoof-amazon-unsigned.eml")
	wrong = e
	wrong.Marketplace, wrong.Site, wrong.Kind = "amazon", "amazon.com", "buyer_message"
	require.NotEmpty(t, valueProblems(wrong, byFile), "an unsigned spoof taken for Amazon")

	bad := slices.Clone(exps)
	for i := range bad {
		if bad[i].File == "amazon-com-new-en-other-order.eml" {
			bad[i].Thread = "megan-bottle"
		}
	}
	require.NotEmpty(t, threadProblems(bad), "two orders in one thread")
}
