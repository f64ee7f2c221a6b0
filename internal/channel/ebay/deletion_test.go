package ebay_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // eBay's notification signatures are over SHA-1
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/ebay"
	"github.com/shopdesk/shopdesk/internal/channel/ebay/ebaysim"
)

func TestChallengeResponse(t *testing.T) {
	t.Parallel()
	code, token, endpoint := "a8628072-3d33-45ee-9004-bee86830a22d", "shopdesk-verification-token-0123456789abcdef", "https://app.shopdesk.test/ebay/account-deletion"
	sum := sha256.Sum256([]byte(code + token + endpoint))
	require.Equal(t, hex.EncodeToString(sum[:]), ebay.ChallengeResponse(code, token, endpoint))
	require.NotEqual(t, ebay.ChallengeResponse(code, token, endpoint), ebay.ChallengeResponse(code, token, endpoint+"/"),
		"the endpoint exactly as registered")
}

const deletionBody = `{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION","schemaVersion":"1.0","deprecated":false},` +
	`"notification":{"notificationId":"49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d",` +
	`"eventDate":"2021-03-19T20:43:59.462Z","publishDate":"2021-03-19T20:43:59.679Z","publishAttemptCount":1,` +
	`"data":{"username":"test_user","userId":"ma8vp1jySJC","eiasToken":"nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ=="}}}`

func sign(t *testing.T, key *ecdsa.PrivateKey, kid string, body []byte) string {
	t.Helper()
	sum := sha1.Sum(body) //nolint:gosec // as eBay signs
	sig, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
	require.NoError(t, err)
	h, err := json.Marshal(map[string]string{"alg": "ecdsa", "kid": kid, "signature": base64.StdEncoding.EncodeToString(sig), "digest": "SHA1"})
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(h)
}

func TestDeletionSignature(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T) (*testBundle, *ecdsa.PrivateKey, *ebay.Verifier) {
		b := newBundle(t)
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		require.NoError(t, b.sim.SetPublicKey("9936261a-7d7b-4621-a0f1-96ccb428af49", &key.PublicKey))
		return b, key, ebay.NewVerifier(b.client.GetPublicKey)
	}
	const kid = "9936261a-7d7b-4621-a0f1-96ccb428af49"

	t.Run("GoodSignatureAndKeyCachedByID", func(t *testing.T) {
		t.Parallel()
		b, key, v := setup(t)
		body := []byte(deletionBody)
		require.NoError(t, v.Verify(t.Context(), sign(t, key, kid, body), body))
		require.NoError(t, v.Verify(t.Context(), sign(t, key, kid, body), body))
		require.Equal(t, 1, b.srv.Calls("getPublicKey"), "one fetch per key id")

		d, err := ebay.ParseDeletion(body)
		require.NoError(t, err)
		require.Equal(t, ebay.Deletion{NotificationID: "49feeaeb-4982-42d9-a377-9645b8479411_33f7e043-fed8-442b-9d44-791923bd9a6d",
			EventDate: "2021-03-19T20:43:59.462Z", Username: "test_user", UserID: "ma8vp1jySJC",
			EIASToken: "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ=="}, d)
	})

	t.Run("SimulatorsNotification", func(t *testing.T) {
		t.Parallel()
		b, key, v := setup(t)
		body, header, err := ebaysim.DeletionNotification(key, kid, "n-1", "buyer_gone", "u-77", b.clock.Now())
		require.NoError(t, err)
		require.NoError(t, v.Verify(t.Context(), header, body))
		d, err := ebay.ParseDeletion(body)
		require.NoError(t, err)
		require.Equal(t, "buyer_gone", d.Username)
		require.Equal(t, "u-77", d.UserID)
	})

	t.Run("PrettyPrintedBodyOfASignedPayload", func(t *testing.T) {
		t.Parallel()
		_, key, v := setup(t)
		// eBay signs the compact payload; a body re-indented on the way still verifies.
		indented := []byte("{\n  \"metadata\": {\"topic\": \"MARKETPLACE_ACCOUNT_DELETION\", \"schemaVersion\": \"1.0\", \"deprecated\": false},\n" +
			deletionBody[len(`{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION","schemaVersion":"1.0","deprecated":false},`):])
		require.NoError(t, v.Verify(t.Context(), sign(t, key, kid, []byte(deletionBody)), indented))
	})

	for _, tc := range []struct {
		name   string
		header func(t *testing.T, key *ecdsa.PrivateKey) string
		body   string
	}{
		{"TamperedBody", func(t *testing.T, key *ecdsa.PrivateKey) string { return sign(t, key, kid, []byte(deletionBody)) },
			`{"metadata":{"topic":"MARKETPLACE_ACCOUNT_DELETION"},"notification":{"notificationId":"x","data":{"username":"someone_else"}}}`},
		{"OtherKey", func(t *testing.T, _ *ecdsa.PrivateKey) string {
			other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			require.NoError(t, err)
			return sign(t, other, kid, []byte(deletionBody))
		}, deletionBody},
		{"UnknownKeyID", func(t *testing.T, key *ecdsa.PrivateKey) string {
			return sign(t, key, "no-such-key", []byte(deletionBody))
		}, deletionBody},
		{"NotBase64", func(*testing.T, *ecdsa.PrivateKey) string { return "%%%" }, deletionBody},
		{"NoKeyID", func(*testing.T, *ecdsa.PrivateKey) string {
			return base64.StdEncoding.EncodeToString([]byte(`{"alg":"ecdsa","signature":"MEUCIQ=="}`))
		}, deletionBody},
	} {
		t.Run("Bad"+tc.name, func(t *testing.T) {
			t.Parallel()
			_, key, v := setup(t)
			err := v.Verify(t.Context(), tc.header(t, key), []byte(tc.body))
			require.ErrorIs(t, err, ebay.ErrBadSignature)
		})
	}

	t.Run("KeyServiceDownIsNotABadSignature", func(t *testing.T) {
		t.Parallel()
		_, key, _ := setup(t)
		down := ebay.NewVerifier(func(context.Context, string) (ebay.PublicKey, error) {
			return ebay.PublicKey{}, &ebay.Error{Kind: ebay.Transient, Op: "getPublicKey", Status: 503}
		})
		err := down.Verify(t.Context(), sign(t, key, kid, []byte(deletionBody)), []byte(deletionBody))
		require.Error(t, err)
		require.False(t, errors.Is(err, ebay.ErrBadSignature), "eBay should try again later, not be told the notification is forged")
		require.Equal(t, ebay.Transient, ebay.KindOf(err))
	})

	// The vector eBay publishes with its notification SDKs (a real key, signature and payload).
	t.Run("EbaysPublishedVector", func(t *testing.T) {
		t.Parallel()
		v := ebay.NewVerifier(func(_ context.Context, kid string) (ebay.PublicKey, error) {
			require.Equal(t, "9936261a-7d7b-4621-a0f1-96ccb428af49", kid)
			return ebay.PublicKey{Algorithm: "ECDSA", Digest: "SHA1",
				Key: "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZhhxXKtR+TOvtDbgTPCkSof02qgBB7IsYOyf76ilExJ/upAa/vKIKheOoCyOpcLmi4t0b4uepb7LLjmMr90FUg==-----END PUBLIC KEY-----"}, nil
		})
		header := "eyJhbGciOiJlY2RzYSIsImtpZCI6Ijk5MzYyNjFhLTdkN2ItNDYyMS1hMGYxLTk2Y2NiNDI4YWY0OSIsInNpZ25hdHVyZSI6Ik1FWUNJUUNmeGZJV3V4bVdjSUJRSjljNS9YN2lHREpxczJSQ0dzQkVhQWppbnlycmZBSWhBSVY2d0djVGlCdVY1S0pVaWYyaG9reXJMK1E5c3NIa2FkK214Mm5FRTI1dyIsImRpZ2VzdCI6IlNIQTEifQ=="
		require.NoError(t, v.Verify(t.Context(), header, []byte(deletionBody)))
		require.ErrorIs(t, v.Verify(t.Context(), header, []byte(strings.Replace(deletionBody, "test_user", "test_usr", 1))), ebay.ErrBadSignature)
	})
}
