// Package dbtest gives tests fresh, migrated Garde databases on both
// engines: SQLite in a temporary directory, and PostgreSQL on a cluster
// started once per test binary. Without PostgreSQL installed the postgres
// cases skip, except when CI=true, where they fail: CI must run them.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/pgtest"
)

var (
	once     sync.Once
	cluster  *pgtest.Cluster
	startErr error
	counter  atomic.Int64
)

// Dialects are the engines every store contract runs against.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// Main runs the tests and stops the PostgreSQL cluster afterwards; use it as
// `func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }`.
func Main(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		cluster.Stop()
	}
	return code
}

// ForEach runs fn as a subtest on a fresh database of every dialect.
func ForEach(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect))
		})
	}
}

// Open returns a fresh, migrated database, closed at the end of the test.
func Open(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	url := URL(t, dialect)
	d, err := db.Open(context.Background(), url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// URL returns the URL of a new, empty (unmigrated) database.
func URL(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite://" + t.TempDir() + "/garde.db"
	}
	c := Cluster(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	return c.URL(name)
}

// Cluster returns the shared PostgreSQL cluster, starting it on first use.
func Cluster(t testing.TB) *pgtest.Cluster {
	t.Helper()
	once.Do(func() { cluster, startErr = pgtest.Start() })
	if startErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI: %v", startErr)
		}
		t.Skipf("PostgreSQL not available: %v", startErr)
	}
	return cluster
}
