package notifications_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maillage/maillage/services/notifications"
)

// The Standard Webhooks specification's published test vector: matching
// it lets a receiver verify Maillage's deliveries with any of that
// specification's libraries.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var vectorAt = time.Unix(1614265330, 0)

func vectorHeaders(sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", vectorID)
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", sig)
	return h
}

func TestSignReproducesTheStandardWebhooksVector(t *testing.T) {
	got, err := notifications.Sign(vectorSecret, vectorID, vectorAt, []byte(vectorBody))
	if err != nil || got != vectorSig {
		t.Fatalf("Sign = %q, %v; want %q", got, err, vectorSig)
	}
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret string
		sig    string
		body   string
		now    time.Time
		ok     bool
	}{
		{"the vector", vectorSecret, vectorSig, vectorBody, vectorAt.Add(time.Minute), true},
		{"among rotated signatures", vectorSecret, "v1,AAAA " + vectorSig, vectorBody, vectorAt, true},
		{"a body altered", vectorSecret, vectorSig, `{"test": 2432232315}`, vectorAt, false},
		{"another secret", "whsec_c2VjcmV0LW9mLWFub3RoZXI=", vectorSig, vectorBody, vectorAt, false},
		{"too old: a replay", vectorSecret, vectorSig, vectorBody, vectorAt.Add(10 * time.Minute), false},
		{"no signature", vectorSecret, "", vectorBody, vectorAt, false},
		{"a secret that is not base64", "whsec_not base64!", vectorSig, vectorBody, vectorAt, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := notifications.Verify(tc.secret, vectorHeaders(tc.sig), []byte(tc.body), tc.now, 5*time.Minute)
			if (err == nil) != tc.ok {
				t.Fatalf("Verify = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestNewSecretsSignAndDiffer(t *testing.T) {
	a, err := notifications.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := notifications.NewSecret()
	if a == b {
		t.Fatal("two secrets alike")
	}
	sig, err := notifications.Sign(a, "n1", vectorAt, []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("webhook-id", "n1")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", sig)
	if err := notifications.Verify(a, h, []byte("{}"), vectorAt, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := notifications.Verify(b, h, []byte("{}"), vectorAt, time.Minute); err == nil {
		t.Fatal("verified with another secret")
	}
}

// FuzzVerify: whatever a sender puts in the headers, Verify answers
// without panicking, and accepts only what Sign made.
func FuzzVerify(f *testing.F) {
	f.Add(vectorID, "1614265330", vectorSig, vectorBody)
	f.Add("", "x", "v1,", "")
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		if notifications.Verify(vectorSecret, h, []byte(body), vectorAt, time.Hour) != nil {
			return
		}
		secs, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			t.Fatalf("accepted the timestamp %q", ts)
		}
		want, _ := notifications.Sign(vectorSecret, id, time.Unix(secs, 0), []byte(body))
		if !slices.Contains(strings.Fields(sig), want) {
			t.Fatalf("accepted id %q ts %q sig %q; Sign gives %q", id, ts, sig, want)
		}
	})
}
