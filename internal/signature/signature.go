// Package signature is how Garde signs what it sends to the business's
// endpoints (webhooks and HTTP connectors): an HMAC-SHA256 over the
// timestamp, a dot and the raw body, sent as Garde-Timestamp and
// Garde-Signature ("v1=" + hex), with a secret Garde makes.
package signature

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Sign is the Garde-Signature value of body sent at ts (Unix seconds).
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a call as a receiver does: the signature over the raw body
// and a timestamp within tolerance of now.
func Verify(secret []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(h.Get("Garde-Timestamp"), 10, 64)
	if err != nil {
		return errors.New("no Garde-Timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("Garde-Timestamp too far from now")
	}
	if !hmac.Equal([]byte(h.Get("Garde-Signature")), []byte(Sign(secret, ts, body))) {
		return errors.New("bad Garde-Signature")
	}
	return nil
}

// NewSecret makes a signing secret: 32 random bytes, readable, after a
// prefix that tells people what the secret is for.
func NewSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}
