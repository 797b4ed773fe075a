package fulfil_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestErasureKeyIsStableAndSealed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		box, err := secrets.New(bytes.Repeat([]byte{7}, 32))
		if err != nil {
			t.Fatal(err)
		}
		k1, err := fulfil.ErasureKey(ctx, d, box)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := fulfil.ErasureKey(ctx, d, box)
		if err != nil {
			t.Fatal(err)
		}
		if len(k1) != 32 || !bytes.Equal(k1, k2) {
			t.Fatalf("keys %x %x", k1, k2)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT value FROM secret_keys WHERE name = 'fulfil_erasure_key'").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, hex.EncodeToString(k1)) || strings.Contains(stored, base64.RawURLEncoding.EncodeToString(k1)) || strings.Contains(stored, base64.StdEncoding.EncodeToString(k1)) {
			t.Fatal("the key is stored in clear")
		}
		other, _ := secrets.New(bytes.Repeat([]byte{8}, 32))
		if _, err := fulfil.ErasureKey(ctx, d, other); err == nil {
			t.Fatal("another instance key opened the erasure key")
		}
	})
}
