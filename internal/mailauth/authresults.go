package mailauth

import (
	"net/mail"
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// trustedVerdict reads the top-most Authentication-Results field written by one of the trusted
// authserv-ids. Fields are prepended as mail travels, so the top-most is the newest, written by
// the last hop: the mailbox provider. Fields from other ids are ignored, since anyone can write
// them, and so are older fields from a trusted id: one lower down may have been written by the
// sender itself before the provider received the mail.
func trustedVerdict(h mail.Header, fromDomain string, trusted []string) *ProviderVerdict {
	if len(trusted) == 0 {
		return nil
	}
	for _, field := range h["Authentication-Results"] {
		id, results, err := authres.Parse(stripComments(field))
		if id == "" || !trustedID(id, trusted) {
			continue
		}
		if err != nil && len(results) == 0 {
			// The provider's own field that cannot be read: no verdict, and no falling back to
			// an older field from the same id, which could be the sender's.
			return &ProviderVerdict{AuthServID: strings.ToLower(id)}
		}
		v := &ProviderVerdict{AuthServID: strings.ToLower(id)}
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DKIMResult:
				if r.Value != authres.ResultPass {
					continue
				}
				d := r.Domain
				if d == "" {
					// Gmail names the signer only as header.i=@domain.
					if at := strings.LastIndexByte(r.Identifier, '@'); at >= 0 {
						d = r.Identifier[at+1:]
					}
				}
				if d = canonicalName(d); d != "" {
					v.DKIMPass = append(v.DKIMPass, d)
				}
			case *authres.DMARCResult:
				if r.Value == authres.ResultPass && canonicalName(r.From) == fromDomain {
					v.DMARCPass = true
				}
			}
		}
		return v
	}
	return nil
}

func trustedID(id string, trusted []string) bool {
	for _, t := range trusted {
		if strings.EqualFold(strings.TrimSpace(t), id) {
			return true
		}
	}
	return false
}

// stripComments removes RFC 5322 comments, "(…)", nested and outside quoted strings, which
// authres does not skip: Gmail writes "spf=pass (google.com: domain of … designates …)".
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, c := range s {
		switch {
		case escaped:
			escaped = false
		case c == '\\' && (quoted || depth > 0):
			escaped = true
		case quoted:
			if c == '"' {
				quoted = false
			}
		case c == '"' && depth == 0:
			quoted = true
		case c == '(':
			depth++
			continue
		case c == ')' && depth > 0:
			depth--
			continue
		}
		if depth == 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}
