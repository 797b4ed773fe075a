package app

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/consent"
)

// TestSignedReceiptChecksWithThePublishedKey: a running instance signs a
// consent receipt; the key set it publishes checks it, a receipt altered
// by one character fails, a restart signs with the same key, and after a
// rotation both keys are published and each checks its own receipts.
func TestSignedReceiptChecksWithThePublishedKey(t *testing.T) {
	data := t.TempDir()
	env := []string{"GARDE_DATA=" + data, "GARDE_ADDR=127.0.0.1:0"}
	open := func() (*App, *httptest.Server) {
		a, h := openInstance(t, env)
		return a, httptest.NewServer(h)
	}
	keyOf := func(srv *httptest.Server) ed25519.PublicKey {
		resp, err := http.Get(srv.URL + consent.ReceiptKeysPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var set struct {
			Keys []struct{ Kty, Crv, X, Kid, Alg string }
		}
		body, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(body, &set); err != nil || resp.StatusCode != 200 || len(set.Keys) != 1 ||
			set.Keys[0].Crv != "Ed25519" || set.Keys[0].Alg != "EdDSA" {
			t.Fatalf("key set: %d %s %v", resp.StatusCode, body, err)
		}
		x, err := base64.RawURLEncoding.DecodeString(set.Keys[0].X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			t.Fatalf("key %q: %v", set.Keys[0].X, err)
		}
		return x
	}

	a, srv := open()
	e, err := a.Consent.Record(t.Context(), "token:t", consent.EventInput{SubjectID: "cust-9", Granted: []string{"newsletter"},
		Method: "express", Source: "form", Language: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	token, err := a.Consent.SignedReceipt(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := keyOf(srv)
	payload, err := consent.VerifyReceipt(token, pub)
	if err != nil {
		t.Fatalf("receipt does not check with the published key: %v", err)
	}
	var r consent.Receipt
	if err := json.Unmarshal(payload, &r); err != nil || r.ConsentReceiptID != e.ID || r.PIIPrincipalID != "cust-9" {
		t.Fatalf("signed receipt %s: %v", payload, err)
	}
	// One character of the payload changed: the signature no longer holds.
	parts := strings.Split(token, ".")
	altered := strings.Replace(string(payload), "cust-9", "cust-8", 1)
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(altered)) + "." + parts[2]
	if _, err := consent.VerifyReceipt(forged, pub); err == nil {
		t.Fatal("an altered receipt checks out")
	}
	srv.Close()
	a.Close()

	// After a restart the instance signs with the same key.
	a, srv = open()
	defer a.Close()
	defer srv.Close()
	again, err := a.Consent.SignedReceipt(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := consent.VerifyReceipt(again, keyOf(srv)); err != nil || !pub.Equal(keyOf(srv)) {
		t.Fatalf("after a restart: %v, same key %v", err, pub.Equal(keyOf(srv)))
	}

	// After a rotation the instance publishes both keys, newest first:
	// new receipts check with the first, the earlier receipt still with
	// the second, and neither with the other's key.
	if _, err := a.Consent.RotateReceiptKey(t.Context(), "cli"); err != nil {
		t.Fatal(err)
	}
	rotated, err := a.Consent.SignedReceipt(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + consent.ReceiptKeysPath)
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []struct{ X, Kid string } }
	err = json.NewDecoder(resp.Body).Decode(&set)
	resp.Body.Close()
	if err != nil || len(set.Keys) != 2 || resp.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("key set after a rotation: %+v %v %q", set, err, resp.Header.Get("Cache-Control"))
	}
	newest, _ := base64.RawURLEncoding.DecodeString(set.Keys[0].X)
	oldest, _ := base64.RawURLEncoding.DecodeString(set.Keys[1].X)
	if !pub.Equal(ed25519.PublicKey(oldest)) {
		t.Fatal("the key before the rotation is no longer published")
	}
	if _, err := consent.VerifyReceipt(rotated, newest); err != nil {
		t.Fatalf("receipt after the rotation: %v", err)
	}
	if _, err := consent.VerifyReceipt(token, oldest); err != nil {
		t.Fatalf("receipt before the rotation: %v", err)
	}
	if _, err := consent.VerifyReceipt(rotated, oldest); err == nil {
		t.Fatal("the retired key checks a receipt signed after the rotation")
	}
}
