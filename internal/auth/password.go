package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane), which keeps a
// sign-in around 20-30 ms on a 2-core machine while making offline guessing expensive. Stored in
// the PHC string, so raising them later re-hashes on the next successful sign-in.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password length limits: long enough to resist guessing, capped so hashing cost stays bounded.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

var errMalformedHash = errors.New("auth: malformed password hash")

// hashSlots caps concurrent argon2id runs of one auth.Service, which is one per process: each run
// holds 19 MiB and a core for a few dozen milliseconds, so a flood of sign-ins must not start them
// all at once. A run waits at most hashWait for a slot and then answers ErrBusy ("try again in a
// moment") instead of queueing without bound.
type hashSlots chan struct{}

func newHashSlots() hashSlots { return make(hashSlots, max(2, runtime.GOMAXPROCS(0))) }

const hashWait = 2 * time.Second

func (h hashSlots) acquire(ctx context.Context) (func(), error) {
	select {
	case h <- struct{}{}:
		return func() { <-h }, nil
	default:
	}
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case h <- struct{}{}:
		return func() { <-h }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hash is HashPassword within the service's cap, for the other places that set a password
// (sign-up, accepting an invitation): every password this process hashes shares the cap.
func (s *Service) Hash(ctx context.Context, password string) (string, error) {
	return s.hash(ctx, password)
}

// hash is HashPassword within the service's cap.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	release, err := s.hashing.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(password)
}

// check is the service's password check within its cap.
func (s *Service) check(ctx context.Context, hash, password string) (bool, error) {
	release, err := s.hashing.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return s.verify(hash, password)
}

// HashPassword returns an argon2id PHC string.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks password against a PHC string in constant time.
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errMalformedHash
	}
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, errMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errMalformedHash
	}
	got := argon2.IDKey([]byte(password), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when the account does not exist, so the response time does not
// reveal which emails have accounts.
var dummyHash, _ = HashPassword("shopdesk-timing-equaliser")
