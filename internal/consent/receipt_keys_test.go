package consent

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// publishedKeys decodes a JSON Web Key Set into kid → public key, and the
// kids in the set's order.
func publishedKeys(t *testing.T, set []byte) (map[string]ed25519.PublicKey, []string) {
	t.Helper()
	var jwks struct {
		Keys []struct{ Kty, Crv, X, Kid, Alg, Use string }
	}
	if err := json.Unmarshal(set, &jwks); err != nil {
		t.Fatalf("key set %s: %v", set, err)
	}
	keys := map[string]ed25519.PublicKey{}
	var order []string
	for _, k := range jwks.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize || k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Use != "sig" {
			t.Fatalf("key %+v: %v", k, err)
		}
		keys[k.Kid] = x
		order = append(order, k.Kid)
	}
	return keys, order
}

// kidOf reads the "kid" of a compact JWS's header.
func kidOf(t *testing.T, token string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var header struct{ Kid string }
	if err := json.Unmarshal(h, &header); err != nil {
		t.Fatal(err)
	}
	return header.Kid
}

// TestRotatedReceiptKeyKeepsOldReceiptsChecking: after a rotation, new
// receipts carry the new key's kid on every instance of the installation
// (a second service on the same database), the published set holds both
// keys, newest first, and the receipt signed before still checks with the
// key its kid names. The rotation is audited.
func TestRotatedReceiptKeyKeepsOldReceiptsChecking(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		secret := []byte("an instance secret of 32 bytes!!")
		newInstance := func() *Service {
			signer, err := NewReceiptSigner(secret)
			if err != nil {
				t.Fatal(err)
			}
			return NewService(Deps{DB: d, Audit: audit.New(d), ReceiptSigner: signer})
		}
		a, b := newInstance(), newInstance()
		e, err := a.Record(t.Context(), "token:t", EventInput{SubjectID: "cust-1", Granted: []string{"newsletter"}, Method: "express", Source: "form", Language: "nl"})
		if err != nil {
			t.Fatal(err)
		}
		before, err := a.SignedReceipt(t.Context(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := a.ReceiptKeys(t.Context())
		if err != nil || len(keys) != 1 || keys[0].Generation != 1 || !keys[0].Signing || keys[0].KeyID != kidOf(t, before) {
			t.Fatalf("keys before rotation: %+v %v (receipt kid %s)", keys, err, kidOf(t, before))
		}

		rotated, err := a.RotateReceiptKey(t.Context(), "operator:owner")
		if err != nil {
			t.Fatal(err)
		}
		if rotated.Generation != 2 || rotated.KeyID == keys[0].KeyID {
			t.Fatalf("rotation: %+v", rotated)
		}
		// The other instance signs with the new key at once.
		after, err := b.SignedReceipt(t.Context(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if kidOf(t, after) != rotated.KeyID {
			t.Fatalf("signed after the rotation with %s, want %s", kidOf(t, after), rotated.KeyID)
		}
		set, err := b.ReceiptKeySet(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		published, order := publishedKeys(t, set)
		if len(order) != 2 || order[0] != rotated.KeyID || order[1] != keys[0].KeyID {
			t.Fatalf("published kids %v, want [%s %s]", order, rotated.KeyID, keys[0].KeyID)
		}
		for name, token := range map[string]string{"before": before, "after": after} {
			if _, err := VerifyReceipt(token, published[kidOf(t, token)]); err != nil {
				t.Fatalf("receipt signed %s the rotation: %v", name, err)
			}
		}
		// Each key checks only what it signed.
		if _, err := VerifyReceipt(before, published[rotated.KeyID]); err == nil {
			t.Fatal("the new key checks a receipt the old one signed")
		}
		listed, err := b.ReceiptKeys(t.Context())
		if err != nil || len(listed) != 2 || !listed[0].Signing || listed[1].Signing || listed[0].CreatedBy != "operator:owner" {
			t.Fatalf("keys after rotation: %+v %v", listed, err)
		}
		entries, err := audit.New(d).List(t.Context(), audit.ListFilter{Action: "consent.receipt_key_rotated"})
		if err != nil || len(entries) != 1 || entries[0].Actor != "operator:owner" || entries[0].Target != "consent_receipt_key:"+rotated.KeyID {
			t.Fatalf("audit: %+v %v", entries, err)
		}
	})
}

// TestConcurrentRotationsTakeDistinctGenerations: rotations started
// together never share a generation; each that succeeds gets its own
// number and key.
func TestConcurrentRotationsTakeDistinctGenerations(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		signer, err := NewReceiptSigner([]byte("another instance secret, 32 b.."))
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(Deps{DB: d, Audit: audit.New(d), ReceiptSigner: signer})
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[int]string{}
		for range 4 {
			wg.Go(func() {
				k, err := s.RotateReceiptKey(t.Context(), "cli")
				if err != nil {
					return // a conflicting rotation fails whole
				}
				mu.Lock()
				defer mu.Unlock()
				if _, dup := got[k.Generation]; dup {
					t.Errorf("generation %d given twice", k.Generation)
				}
				got[k.Generation] = k.KeyID
			})
		}
		wg.Wait()
		keys, err := s.ReceiptKeys(t.Context())
		if err != nil || len(keys) != len(got)+1 || len(got) == 0 {
			t.Fatalf("%d rotations succeeded, %d generations stored: %v", len(got), len(keys), err)
		}
		for _, k := range keys[:len(keys)-1] {
			if got[k.Generation] != k.KeyID {
				t.Fatalf("generation %d: stored kid %s, rotation said %s", k.Generation, k.KeyID, got[k.Generation])
			}
		}
	})
}

// TestReceiptsWithoutSignerHaveNoKeys: a service built without a signer
// refuses to list or rotate keys with the localized error.
func TestReceiptsWithoutSignerHaveNoKeys(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	s, _ := newTestService(t, d)
	if _, err := s.RotateReceiptKey(t.Context(), "cli"); err != ErrReceiptUnsigned {
		t.Fatalf("rotate without a signer: %v", err)
	}
	if _, err := s.ReceiptKeys(t.Context()); err != ErrReceiptUnsigned {
		t.Fatalf("list without a signer: %v", err)
	}
	if n := count(t, d, `SELECT COUNT(*) FROM consent_receipt_keys`); n != 1 {
		t.Fatalf("%d generations stored", n)
	}
}
