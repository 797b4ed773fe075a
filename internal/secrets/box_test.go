package secrets

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func randomKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func newBox(t *testing.T, current []byte, old ...[]byte) *Box {
	t.Helper()
	b, err := New(current, old...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	b := newBox(t, randomKey(t))
	for _, plain := range [][]byte{[]byte("whsec_abc"), {}, bytes.Repeat([]byte{0, 255}, 5000)} {
		sealed, err := b.Seal(plain, "webhook.secret:row-1")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sealed, "v1:"+b.KeyID()+":") {
			t.Fatalf("envelope %q lacks the version and key id", sealed[:min(20, len(sealed))])
		}
		if len(plain) > 3 && strings.Contains(sealed, string(plain)) {
			t.Fatal("the sealed value contains the plaintext")
		}
		got, err := b.Open(sealed, "webhook.secret:row-1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("round trip changed the value")
		}
	}
	// Every seal uses a fresh nonce.
	s1, _ := b.Seal([]byte("same"), "p:1")
	s2, _ := b.Seal([]byte("same"), "p:1")
	if s1 == s2 {
		t.Fatal("two seals of one value are identical")
	}
}

func TestWrongContextRefused(t *testing.T) {
	b := newBox(t, randomKey(t))
	sealed, err := b.Seal([]byte("secret"), "webhook.secret:row-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []string{"webhook.secret:row-2", "connector.password:row-1", "webhook.secret", "webhook.secret:row-1 "} {
		if _, err := b.Open(sealed, ctx); !errors.Is(err, ErrRefused) {
			t.Errorf("Open with context %q: %v, want ErrRefused", ctx, err)
		}
	}
	if _, err := b.Seal([]byte("x"), ""); err == nil {
		t.Error("Seal without a context worked")
	}
	if _, err := b.Seal([]byte("x"), ":row"); err == nil {
		t.Error("Seal without a purpose worked")
	}
}

func TestTamperingRefused(t *testing.T) {
	b := newBox(t, randomKey(t))
	sealed, err := b.Seal([]byte("a signing secret"), "webhook.secret:1")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndexByte(sealed, ':')
	data, err := base64.RawURLEncoding.DecodeString(sealed[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	for pos := 0; pos < len(data); pos++ {
		altered := bytes.Clone(data)
		altered[pos] ^= 0x01
		s := sealed[:i+1] + base64.RawURLEncoding.EncodeToString(altered)
		if _, err := b.Open(s, "webhook.secret:1"); !errors.Is(err, ErrRefused) {
			t.Fatalf("byte %d altered: %v, want ErrRefused", pos, err)
		}
	}
	cases := map[string]error{
		"":                                    ErrMalformed,
		"plain text":                          ErrMalformed,
		"v2" + sealed[2:]:                     ErrMalformed,
		sealed[:i+1] + "!!!":                  ErrMalformed,
		sealed[:i+1] + "AAAA":                 ErrMalformed, // shorter than nonce and tag
		sealed[:len(sealed)-4]:                ErrRefused,   // truncated, still long enough
		"v1:00000000" + sealed[len("v1:")+8:]: ErrUnknownKey,
	}
	for s, want := range cases {
		if _, err := b.Open(s, "webhook.secret:1"); !errors.Is(err, want) {
			t.Errorf("Open(%.30q…) = %v, want %v", s, err, want)
		}
	}
}

func TestOldKeysStillOpen(t *testing.T) {
	oldKey, newKey := randomKey(t), randomKey(t)
	old := newBox(t, oldKey)
	sealed, err := old.Seal([]byte("kept"), "webhook.secret:9")
	if err != nil {
		t.Fatal(err)
	}
	rotated := newBox(t, newKey, oldKey)
	got, err := rotated.Open(sealed, "webhook.secret:9")
	if err != nil || string(got) != "kept" {
		t.Fatalf("old value with the old key listed: %q, %v", got, err)
	}
	if rotated.Current(sealed) {
		t.Error("a value sealed with the old key reads as current")
	}
	resealed, _ := rotated.Seal(got, "webhook.secret:9")
	if !rotated.Current(resealed) {
		t.Error("a fresh seal is not current")
	}
	// Without the old key the error says what is missing.
	_, err = newBox(t, newKey).Open(sealed, "webhook.secret:9")
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), old.KeyID()) {
		t.Fatalf("old value without the old key: %v", err)
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	if _, err := New(newKey, make([]byte, 31)); err == nil {
		t.Error("a 31-byte old key was accepted")
	}
}
