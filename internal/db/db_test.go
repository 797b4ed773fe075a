package db_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestMigrateIsIdempotentAndReady(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		pending, err := d.Pending(ctx)
		if err != nil || pending {
			t.Fatalf("after migrate: pending=%v err=%v", pending, err)
		}
		n, err := d.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err=%v", n, err)
		}
	})
}

func TestPendingBeforeMigrate(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			d, err := db.Open(context.Background(), dbtest.URL(t, dialect), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			pending, err := d.Pending(context.Background())
			if err != nil || !pending {
				t.Fatalf("fresh database: pending=%v err=%v", pending, err)
			}
		})
	}
}

func TestTxRollsBackOnError(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO setup_tokens(token_hash, created_at, expires_at) VALUES (?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", "x"); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO setup_tokens(token_hash, created_at, expires_at) VALUES (?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", "x")
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM setup_tokens").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows after rollback = %d, err %v", n, err)
		}
	})
}

func TestOpenErrorsAreOneLine(t *testing.T) {
	cases := []struct{ url, want string }{
		{"mysql://x", "must start with postgres:// or sqlite://"},
		{"sqlite:///nonexistent-dir-garde/x.db", "does not exist"},
		{"postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", "cannot connect to PostgreSQL"},
	}
	for _, tc := range cases {
		_, err := db.Open(context.Background(), tc.url, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%q) error = %v, want one line containing %q", tc.url, err, tc.want)
		}
	}
}
