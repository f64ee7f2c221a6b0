package ebay

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha1" //nolint:gosec // eBay signs notifications over SHA-1; we verify what it sends
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// ChallengeResponse answers eBay's endpoint check (GET ?challenge_code=…): the hex SHA-256 of the
// challenge code, the verification token and the endpoint URL exactly as registered with eBay,
// in that order. Answer it as {"challengeResponse": "…"} with Content-Type application/json.
func ChallengeResponse(challengeCode, verificationToken, endpointURL string) string {
	h := sha256.New()
	h.Write([]byte(challengeCode))
	h.Write([]byte(verificationToken))
	h.Write([]byte(endpointURL))
	return hex.EncodeToString(h.Sum(nil))
}

// PublicKey is getPublicKey's answer.
type PublicKey struct {
	Algorithm string `json:"algorithm"` // ECDSA
	Digest    string `json:"digest"`    // SHA1
	Key       string `json:"key"`       // PEM, often without its line breaks
}

// GetPublicKey reads a notification signing key (with the application's token).
func (c *Client) GetPublicKey(ctx context.Context, kid string) (PublicKey, error) {
	if strings.TrimSpace(kid) == "" {
		return PublicKey{}, errors.New("ebay: getPublicKey: no key id")
	}
	var k PublicKey
	err := c.do(ctx, c.app, call{op: "getPublicKey", method: http.MethodGet,
		path: "/commerce/notification/v1/public_key/" + url.PathEscape(kid), out: &k, want: http.StatusOK})
	return k, err
}

// SignatureHeader is the decoded X-EBAY-SIGNATURE header.
type SignatureHeader struct {
	Alg       string `json:"alg"`
	Kid       string `json:"kid"`
	Signature string `json:"signature"` // base64 of an ASN.1 ECDSA signature
	Digest    string `json:"digest"`
}

// ErrBadSignature is a notification whose signature does not verify: answer 412 and drop it.
var ErrBadSignature = errors.New("ebay: the notification's signature does not verify")

// ParseSignatureHeader decodes X-EBAY-SIGNATURE (base64 of a JSON object).
func ParseSignatureHeader(header string) (SignatureHeader, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return SignatureHeader{}, fmt.Errorf("%w: the header is not base64", ErrBadSignature)
	}
	var h SignatureHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return SignatureHeader{}, fmt.Errorf("%w: the header is not JSON", ErrBadSignature)
	}
	if h.Kid == "" || h.Signature == "" {
		return SignatureHeader{}, fmt.Errorf("%w: the header has no key id or signature", ErrBadSignature)
	}
	return h, nil
}

// KeyFetcher reads a public key by id (Client.GetPublicKey).
type KeyFetcher func(ctx context.Context, kid string) (PublicKey, error)

// Verifier checks notification signatures, fetching each key once and keeping it by key id (eBay's
// SDKs do the same; a key id names one key for good).
type Verifier struct {
	fetch KeyFetcher

	mu   sync.Mutex
	keys map[string]*ecdsa.PublicKey
}

// NewVerifier makes a verifier over a key source.
func NewVerifier(fetch KeyFetcher) *Verifier {
	return &Verifier{fetch: fetch, keys: map[string]*ecdsa.PublicKey{}}
}

// Verify checks a notification body against its X-EBAY-SIGNATURE header. The signature covers the
// JSON payload; the body is tried as received and in its compact form (what eBay's SDKs hash),
// so whitespace a proxy added does not fail a genuine notification. ErrBadSignature means the
// notification is not eBay's; other errors (the key could not be fetched) are worth a retry.
func (v *Verifier) Verify(ctx context.Context, header string, body []byte) error {
	h, err := ParseSignatureHeader(header)
	if err != nil {
		return err
	}
	if !strings.EqualFold(h.Alg, "ecdsa") {
		return fmt.Errorf("%w: algorithm %q", ErrBadSignature, h.Alg)
	}
	if h.Digest != "" && !strings.EqualFold(h.Digest, "SHA1") {
		return fmt.Errorf("%w: digest %q", ErrBadSignature, h.Digest)
	}
	sig, err := base64.StdEncoding.DecodeString(h.Signature)
	if err != nil {
		return fmt.Errorf("%w: the signature is not base64", ErrBadSignature)
	}
	key, err := v.key(ctx, h.Kid)
	if err != nil {
		return err
	}
	candidates := [][]byte{body}
	var compact bytes.Buffer
	if json.Compact(&compact, body) == nil && !bytes.Equal(compact.Bytes(), body) {
		candidates = append(candidates, compact.Bytes())
	}
	for _, msg := range candidates {
		sum := sha1.Sum(msg) //nolint:gosec // see import
		if ecdsa.VerifyASN1(key, sum[:], sig) {
			return nil
		}
	}
	return ErrBadSignature
}

func (v *Verifier) key(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	v.mu.Lock()
	k := v.keys[kid]
	v.mu.Unlock()
	if k != nil {
		return k, nil
	}
	pk, err := v.fetch(ctx, kid)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			return nil, fmt.Errorf("%w: eBay knows no key %q", ErrBadSignature, kid)
		}
		return nil, fmt.Errorf("ebay: public key %s: %w", kid, err)
	}
	if !strings.EqualFold(pk.Algorithm, "ECDSA") {
		return nil, fmt.Errorf("ebay: public key %s: algorithm %q", kid, pk.Algorithm)
	}
	k, err = ParsePublicKey(pk.Key)
	if err != nil {
		return nil, fmt.Errorf("ebay: public key %s: %w", kid, err)
	}
	v.mu.Lock()
	v.keys[kid] = k
	v.mu.Unlock()
	return k, nil
}

var pemBody = regexp.MustCompile(`-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----`)

// ParsePublicKey reads getPublicKey's key: PEM, with or without line breaks (eBay sends it on one
// line), or bare base64 DER.
func ParsePublicKey(s string) (*ecdsa.PublicKey, error) {
	b64 := strings.TrimSpace(s)
	if m := pemBody.FindStringSubmatch(s); m != nil {
		b64 = m[1]
	} else if blk, _ := pem.Decode([]byte(s)); blk != nil {
		b64 = base64.StdEncoding.EncodeToString(blk.Bytes)
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return nil, errors.New("the key is not PEM or base64")
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("the key does not parse: %w", err)
	}
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("the key is not an ECDSA key")
	}
	return k, nil
}

// Deletion is a Marketplace Account Deletion notification: the eBay user whose data must go.
type Deletion struct {
	NotificationID string
	EventDate      string
	Username       string
	UserID         string
	EIASToken      string
}

// ParseDeletion reads a verified notification body.
func ParseDeletion(body []byte) (Deletion, error) {
	var n struct {
		Metadata struct {
			Topic string `json:"topic"`
		} `json:"metadata"`
		Notification struct {
			NotificationID string `json:"notificationId"`
			EventDate      string `json:"eventDate"`
			Data           struct {
				Username  string `json:"username"`
				UserID    string `json:"userId"`
				EIASToken string `json:"eiasToken"`
			} `json:"data"`
		} `json:"notification"`
	}
	if err := json.Unmarshal(body, &n); err != nil {
		return Deletion{}, fmt.Errorf("ebay: deletion notification: %w", err)
	}
	if n.Metadata.Topic != "MARKETPLACE_ACCOUNT_DELETION" {
		return Deletion{}, fmt.Errorf("ebay: deletion notification: topic %q", n.Metadata.Topic)
	}
	d := n.Notification
	if d.NotificationID == "" || d.Data.Username == "" && d.Data.UserID == "" {
		return Deletion{}, errors.New("ebay: deletion notification: no notification id or user")
	}
	return Deletion{NotificationID: d.NotificationID, EventDate: d.EventDate, Username: d.Data.Username,
		UserID: d.Data.UserID, EIASToken: d.Data.EIASToken}, nil
}
