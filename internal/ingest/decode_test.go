package ingest

import (
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
)

// Mail that PostgreSQL refused (SQLSTATE 22021) or that was misread parses into the text a person
// reads, and every string is valid UTF-8 without NUL.
func TestDecodeHostileAndOldMail(t *testing.T) {
	t.Parallel()
	eucSubject, err := korean.EUCKR.NewEncoder().String("배송 문의")
	require.NoError(t, err)
	eucBody, err := korean.EUCKR.NewEncoder().String("주문한 물건이 아직 안 왔어요")
	require.NoError(t, err)
	jisName, err := japanese.ISO2022JP.NewEncoder().String("請求書")
	require.NoError(t, err)
	pct := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[s[i]>>4])+string("0123456789abcdef"[s[i]&15])))
		}
		return b.String()
	}
	const hdr = "To: shop@example.com\r\nMessage-ID: <m@example.com>\r\n"
	for _, tc := range []struct {
		name, raw            string
		subject, from, name_ string
		text, html           string
		attachments          []string
	}{
		{name: "raw latin-1 header bytes",
			raw:     "From: Jos\xe9 Mart\xednez <jose@example.es>\r\n" + hdr + "Subject: Caf\xe9 cr\xe8me \x80 5\r\n\r\nhello\r\n",
			subject: "Café crème € 5", from: "jose@example.es", name_: "José Martínez", text: "hello"},
		{name: "raw header bytes in the body's charset",
			raw:     "From: buyer@example.kr\r\n" + hdr + "Subject: " + eucSubject + "\r\nContent-Type: text/plain; charset=euc-kr\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + eucBody + "\r\n",
			subject: "배송 문의", from: "buyer@example.kr", text: "주문한 물건이 아직 안 왔어요"},
		{name: "utf-8 headers (RFC 6532)",
			raw:     "From: Ana Popescu <ana@example.ro>\r\n" + hdr + "Subject: Comanda nu a ajuns în București\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBună ziua\r\n",
			subject: "Comanda nu a ajuns în București", from: "ana@example.ro", name_: "Ana Popescu", text: "Bună ziua"},
		{name: "NUL bytes",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: a\x00b\r\n\r\nhel\x00lo\r\n",
			subject: "ab", from: "a@example.com", text: "hello"},
		{name: "latin-1 body declared utf-8",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nLe colis est arriv\xe9 ab\xeem\xe9, je voudrais \xeatre rembours\xe9.\r\n",
			subject: "x", from: "a@example.com", text: "Le colis est arrivé abîmé, je voudrais être remboursé."},
		{name: "utf-8 body declared latin-1",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMulțumesc, coletul a ajuns.\r\n",
			subject: "x", from: "a@example.com", text: "Mulțumesc, coletul a ajuns."},
		{name: "a broken byte in utf-8",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nComanda \xff nu a ajuns în România\r\n",
			subject: "x", from: "a@example.com", text: "Comanda \uFFFD nu a ajuns în România"},
		{name: "white space before the colon",
			raw:     "From  : Ana <ana@example.ro>\r\nSubject\t:  Hi there\r\n" + hdr + "\r\nhello\r\n",
			subject: "Hi there", from: "ana@example.ro", name_: "Ana", text: "hello"},
		{name: "mbox separator line",
			raw:     "From ana@example.ro Thu Nov 12 10:00:00 2026\r\nFrom: ana@example.ro\r\n" + hdr + "Subject: mbox\r\n\r\nhello\r\n",
			subject: "mbox", from: "ana@example.ro", text: "hello"},
		{name: "RFC 2231 boundary, ISO-2022-JP and continued file names",
			raw: "From: a@example.com\r\n" + hdr + "Subject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary*=us-ascii''b1\r\n\r\n" +
				"--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
				"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-2022-jp'ja'" + pct(jisName) + ".pdf\r\n\r\nPDF\r\n" +
				"--b1\r\nContent-Type: application/pdf; name*0*=utf-8''R%C3%A9; name*1*=sum%C3%A9; name*2=\" final.pdf\"\r\nContent-Disposition: attachment\r\n\r\nPDF\r\n" +
				"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-8859-1'fr'factur%E9.pdf\r\n\r\nPDF\r\n--b1--\r\n",
			subject: "files", from: "a@example.com", text: "see attached", attachments: []string{"請求書.pdf", "Résumé final.pdf", "facturé.pdf"}},
		{name: "raw latin-1 and encoded-word file names",
			raw: "From: a@example.com\r\n" + hdr + "Subject: =?iso-8859-1?q?R=E9clamation?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b2\r\n\r\n" +
				"--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nLa facture est jointe, merci d'avance =E0 vous.\r\n" +
				"--b2\r\nContent-Type: application/pdf; name=\"Re\xe7u.pdf\"\r\nContent-Disposition: attachment; filename=\"Re\xe7u.pdf\"\r\n\r\nPDF\r\n" +
				"--b2\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"=?utf-8?B?7IKs7KeE?= =?utf-8?B?LmpwZw==?=\"\r\n\r\nJPG\r\n--b2--\r\n",
			subject: "Réclamation", from: "a@example.com", text: "La facture est jointe, merci d'avance à vous.", attachments: []string{"Reçu.pdf", "사진.jpg"}},
		{name: "an encoded word split inside a character",
			raw:     "From: =?utf-8?B?7KO8?= =?utf-8?B?66y4?= <kim@example.kr>\r\n" + hdr + "Subject: =?utf-8?B?7KO866y4?= =?utf-8?B?IOyDge2DnA==?=\r\n\r\nhi\r\n",
			subject: "주문 상태", from: "kim@example.kr", name_: "주문", text: "hi"},
		{name: "a sender's encoded name whose utf-8 is latin-1",
			raw:     "From: =?utf-8?q?Jos=E9_Mart=EDnez?= <jose@example.es>\r\n" + hdr + "Subject: x\r\n\r\nhi\r\n",
			subject: "x", from: "jose@example.es", name_: "José Martínez", text: "hi"},
		{name: "encoded word whose utf-8 is latin-1",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: =?utf-8?q?caf=E9?=\r\n\r\nhi\r\n",
			subject: "café", from: "a@example.com", text: "hi"},
		{name: "HTML only, charset in its meta tag",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: html\r\nContent-Type: text/html\r\n\r\n<html><head><meta charset=\"iso-8859-1\"></head><body><p>Tr\xe8s bien re\xe7u</p></body></html>\r\n",
			subject: "html", from: "a@example.com", html: "Très bien reçu"},
		{name: "stray characters in a Content-Type",
			raw:     "From: a@example.com\r\n" + hdr + "Subject: x\r\nContent-Type: text/plain; charset=utf-8; format=flowed\"\r\n\r\nhello\r\n",
			subject: "x", from: "a@example.com", text: "hello"},
		{name: "a first header line folded",
			raw:     " From: a@example.com\r\n" + hdr + "Subject: folded\r\n\r\nhello\r\n",
			subject: "folded", from: "a@example.com", text: "hello"},
		{name: "a DSN part without headers is text (RFC 2045 §5.2)",
			raw: "From: MAILER-DAEMON@mx.example.net\r\n" + hdr + "Subject: Returned mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n" +
				"--r\r\n\r\nThe original message could not be delivered.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--r--\r\n",
			subject: "Returned mail", from: "MAILER-DAEMON@mx.example.net", text: "could not be delivered"},
		{name: "no usable address",
			raw:     "From: foo\r\n" + hdr + "Subject: who am I\r\n\r\nhello\r\n",
			subject: "who am I", from: "", name_: "foo", text: "hello"},
		{name: "an address the parser refuses",
			raw:     "From: \"Ana\" <ana@example.ro\r\n" + hdr + "Subject: x\r\n\r\nhello\r\n",
			subject: "x", from: "ana@example.ro", name_: "Ana", text: "hello"},
	} {
		p, err := Parse([]byte(tc.raw))
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.subject, p.Subject, tc.name)
		require.NotNil(t, p.From, tc.name)
		require.Equal(t, tc.from, p.From.Address, tc.name)
		if tc.name_ != "" {
			require.Equal(t, tc.name_, p.From.Name, tc.name)
		}
		require.Contains(t, p.Text, tc.text, tc.name)
		require.Contains(t, p.HTML, tc.html, tc.name)
		var names []string
		for _, a := range p.Attachments {
			names = append(names, a.Name)
		}
		require.Equal(t, tc.attachments, names, tc.name)
		requireClean(t, p)
	}
}

// requireClean fails unless every string Parse returns is valid UTF-8 without NUL.
func requireClean(t testing.TB, p *Parsed) {
	t.Helper()
	strs := []string{p.MessageID, p.Subject, p.Text, p.HTML, p.Header("Subject"), p.Header("From"), p.Header("Cc"), p.Header("Auto-Submitted")}
	strs = append(append(strs, p.InReplyTo...), p.References...)
	strs = append(strs, p.Problems...)
	for _, l := range [][]*mail.Address{p.To, p.ReplyTo, {p.From}} {
		for _, a := range l {
			if a != nil {
				strs = append(strs, a.Name, a.Address)
			}
		}
	}
	for _, a := range p.Attachments {
		strs = append(strs, a.Name, a.ContentType, a.ContentID)
	}
	strs = append(strs, SanitizeHTML(p.HTML), TextFromHTML(p.HTML), Classify(p).Reason)
	for _, s := range strs {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("not valid UTF-8 without NUL: %q", s)
		}
	}
}

func TestClassifySenders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ from, extra, kind string }{
		{"foo", "", ""},
		{"Ana Pop", "", ""},
		{"MAILER-DAEMON (Mail Delivery System)", "", "bounce"},
		{"Mail Delivery Subsystem <MAILER-DAEMON>", "", "bounce"},
		{"MAILER-DAEMON@mx.example.com", "", "bounce"},
		{"postmaster@example.com", "", "bounce"},
		{"<>", "", "bounce"},
		{"buyer@example.com", "Return-Path: < >\r\n", "bounce"},
		{"buyer@example.com", "Return-Path: <buyer@example.com>\r\n", ""},
	} {
		p, err := Parse([]byte("From: " + tc.from + "\r\n" + tc.extra + "Subject: Question\r\n\r\nhello\r\n"))
		require.NoError(t, err, tc.from)
		require.Equal(t, tc.kind, Classify(p).Kind, "%+v", tc)
	}
}
