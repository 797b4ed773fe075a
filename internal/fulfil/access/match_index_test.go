package access

import (
	"context"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// explain returns the database's plan of q, with sequential scans made as
// costly as PostgreSQL allows, so that a plan without an index shows one.
func explain(t *testing.T, conn *connect.Conn, q string, args []any) string {
	t.Helper()
	ctx := context.Background()
	c, err := conn.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	prefix := "EXPLAIN QUERY PLAN "
	if conn.Dialect == connect.Postgres {
		prefix = "EXPLAIN "
		if _, err := c.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		defer c.ExecContext(ctx, "RESET enable_seqscan")
	}
	rows, err := c.QueryContext(ctx, prefix+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if s, ok := vals[len(vals)-1].(string); ok {
			out = append(out, s)
		}
	}
	return strings.Join(out, "\n")
}

// Comparing emails without regard to case keeps the lookup on an index in
// each of the three ways a column can be set up.
func TestEmailLookupUsesAnIndex(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
			if err != nil {
				t.Fatal(err)
			}
			set, err := dataset.Check(ds)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: "Ada.Lovelace@Example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			step := p.Steps[0]
			if step.Collection.Name != "customers" {
				t.Fatalf("first step %s", step.Collection.Name)
			}
			setups := []struct {
				name, ddl, index, sqlPart string
				want                      connect.Folding
			}{
				{"plain index", `CREATE INDEX customers_email ON customers (email)`, "customers_email", `"email" IN (?, ?, ?)`, connect.FoldSpellings},
				{"index on lower", `CREATE INDEX customers_email_lower ON customers (lower(email))`, "customers_email_lower", `lower("email") = lower(?)`, connect.FoldLower},
			}
			if dialect == db.Postgres {
				setups = append(setups, struct {
					name, ddl, index, sqlPart string
					want                      connect.Folding
				}{"citext", `CREATE EXTENSION IF NOT EXISTS citext; ALTER TABLE customers ALTER COLUMN email TYPE citext; CREATE INDEX customers_email_ci ON customers (email)`, "customers_email_ci", `"email" = ?`, connect.FoldColumn})
			} else {
				setups = append(setups, struct {
					name, ddl, index, sqlPart string
					want                      connect.Folding
				}{"NOCASE index", `CREATE INDEX customers_email_nocase ON customers (email COLLATE NOCASE)`, "customers_email_nocase", `"email" = ? COLLATE NOCASE`, connect.FoldColumn})
			}
			var prev string
			for _, s := range setups {
				if prev != "" {
					if _, err := raw.Exec("DROP INDEX " + prev); err != nil {
						t.Fatal(err)
					}
				}
				prev = s.index
				for _, q := range strings.Split(s.ddl, "; ") {
					if _, err := raw.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				conn, err := connect.Open(ctx, url, true)
				if err != nil {
					t.Fatal(err)
				}
				if f, err := conn.Folding(ctx, "", "customers", "email"); err != nil || f != s.want {
					t.Errorf("%s: folding %v (%v), want %v", s.name, f, err, s.want)
				}
				q, args, ok, err := selectQuery(ctx, conn, step, newKeySets())
				if err != nil || !ok {
					t.Fatalf("%s: %v", s.name, err)
				}
				if !strings.Contains(q, s.sqlPart) && !strings.Contains(q, numbered(s.sqlPart)) {
					t.Errorf("%s: query %s lacks %s", s.name, q, s.sqlPart)
				}
				if plan := explain(t, conn, q, args); !strings.Contains(plan, s.index) || strings.Contains(plan, "Seq Scan") {
					t.Errorf("%s: the lookup does not use %s:\n%s", s.name, s.index, plan)
				}
				conn.Close()
			}
		})
	}
}

func TestSpellings(t *testing.T) {
	for in, want := range map[string][3]string{
		"Jean.Dupont@Example.COM": {"Jean.Dupont@Example.COM", "jean.dupont@example.com", "Jean.Dupont@example.com"},
		"ada@example.com":         {"ada@example.com", "ada@example.com", "ada@example.com"},
		"no-at-sign":              {"no-at-sign", "no-at-sign", "no-at-sign"},
	} {
		if got := Spellings(in); got != want {
			t.Errorf("Spellings(%q) = %q, want %q", in, got, want)
		}
	}
}
