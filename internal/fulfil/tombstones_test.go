package fulfil_test

import (
	"context"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestTombstones(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		key := []byte("0123456789abcdef0123456789abcdef")
		first := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		ids := map[string]string{"email": "ada@example.com", "phone_number": "+3247000"}
		if err := fulfil.AddTombstones(ctx, d, key, "shop", ids, first); err != nil {
			t.Fatal(err)
		}
		// Erased again later: the first date stays.
		if err := fulfil.AddTombstones(ctx, d, key, "shop", map[string]string{"email": "ada@example.com"}, first.AddDate(0, 1, 0)); err != nil {
			t.Fatal(err)
		}
		got, err := fulfil.Tombstones(ctx, d, "shop")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("tombstones %v", got)
		}
		h := fulfil.TombstoneHash(key, "email", "ada@example.com")
		if tb := got[h]; tb.IdentityKey != "email" || !tb.ErasedAt.Equal(first) {
			t.Errorf("email tombstone %+v", tb)
		}
		if h == fulfil.TombstoneHash(key, "phone_number", "ada@example.com") || h == fulfil.TombstoneHash([]byte("another key of 32 bytes........."), "email", "ada@example.com") {
			t.Error("the hash ignores the identity key or the secret")
		}
		// Emails match whatever their capitals; other identities exactly.
		if fulfil.TombstoneHash(key, "email", " Ada@Example.COM") != h {
			t.Error("an email in other capitals hashes differently")
		}
		if fulfil.TombstoneHash(key, "customer_id", "AB12") == fulfil.TombstoneHash(key, "customer_id", "ab12") {
			t.Error("a customer id lost its case")
		}
		if other, _ := fulfil.Tombstones(ctx, d, "crm"); len(other) != 0 {
			t.Errorf("crm tombstones %v", other)
		}
	})
}
