// Package secret seals the credentials workspaces give us (mailbox passwords, OAuth tokens) with
// AES-256-GCM under keys derived from SHOPDESK_SECRET_KEY, and signs short tokens such as the
// reply token in our Reply-To addresses. Each sealed value names the key that sealed it, so keys
// can be rotated: the new key seals, the old ones (SHOPDESK_SECRET_KEY_OLD) still open, and
// `shopdesk secrets rotate` re-seals everything under the new key.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrNoKey means a sealed value names a key this process does not have: the key was rotated out
// before the value was re-sealed.
var ErrNoKey = errors.New("secret: sealed with a key that is not configured (add the old key to SHOPDESK_SECRET_KEY_OLD, then run `shopdesk secrets rotate`)")

type key struct {
	id   string
	aead cipher.AEAD
	sign []byte
}

// Keyring seals with its current key and opens with any of its keys.
type Keyring struct {
	current key
	byID    map[string]key
}

// New derives the keyring from the master key and any previous master keys.
func New(master []byte, old ...[]byte) (*Keyring, error) {
	if len(master) < 32 {
		return nil, errors.New("secret: the master key needs at least 32 bytes")
	}
	k := &Keyring{byID: map[string]key{}}
	for i, m := range append([][]byte{master}, old...) {
		d, err := derive(m)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			k.current = d
		}
		if _, ok := k.byID[d.id]; !ok {
			k.byID[d.id] = d
		}
	}
	return k, nil
}

func derive(master []byte) (key, error) {
	enc, err := hkdf.Key(sha256.New, master, nil, "shopdesk secrets v1", 32)
	if err != nil {
		return key{}, fmt.Errorf("secret: derive: %w", err)
	}
	sign, err := hkdf.Key(sha256.New, master, nil, "shopdesk tokens v1", 32)
	if err != nil {
		return key{}, fmt.Errorf("secret: derive: %w", err)
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	sum := sha256.Sum256(enc)
	return key{id: hex.EncodeToString(sum[:4]), aead: aead, sign: sign}, nil
}

// CurrentID names the key Seal uses (rotation reports it).
func (k *Keyring) CurrentID() string { return k.current.id }

// Seal encrypts plain; aad binds the value to where it is stored (workspace and row), so a sealed
// value copied to another row does not open.
func (k *Keyring) Seal(plain, aad []byte) []byte {
	nonce := make([]byte, k.current.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := append([]byte("v1:"+k.current.id+":"), nonce...)
	return k.current.aead.Seal(out, nonce, plain, aad)
}

// Open decrypts a value from Seal.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(string(sealed), "v1:")
	if !ok || len(rest) < 9 || rest[8] != ':' {
		return nil, errors.New("secret: not a sealed value")
	}
	d, ok := k.byID[rest[:8]]
	if !ok {
		return nil, ErrNoKey
	}
	body := []byte(rest[9:])
	ns := d.aead.NonceSize()
	if len(body) < ns {
		return nil, errors.New("secret: sealed value is truncated")
	}
	plain, err := d.aead.Open(nil, body[:ns], body[ns:], aad)
	if err != nil {
		return nil, errors.New("secret: sealed value does not open (tampered, or stored for another row)")
	}
	return plain, nil
}

// KeyID names the key a sealed value was sealed with ("" when it is not a sealed value).
func KeyID(sealed []byte) string {
	rest, ok := strings.CutPrefix(string(sealed), "v1:")
	if !ok || len(rest) < 9 {
		return ""
	}
	return rest[:8]
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Sign returns a short lower-case MAC of msg (8 base32 characters, 40 bits): enough that a
// stranger cannot guess a reply token, short enough for an address's local part.
func (k *Keyring) Sign(msg string) string {
	return signWith(k.current.sign, msg)
}

// Verify checks a MAC from Sign under any key of the ring, so tokens in mail sent before a
// rotation still thread.
func (k *Keyring) Verify(msg, mac string) bool {
	for _, d := range k.byID {
		if hmac.Equal([]byte(signWith(d.sign, msg)), []byte(strings.ToLower(mac))) {
			return true
		}
	}
	return false
}

func signWith(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return strings.ToLower(b32.EncodeToString(m.Sum(nil)[:5]))
}
