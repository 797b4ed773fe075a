package access_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// idSink keeps the first column (the id) of every row, per collection.
type idSink map[string][]int64

func (idSink) Begin(*plan.Step) error { return nil }
func (k idSink) Row(s *plan.Step, values []any) error {
	id, ok := values[0].(int64)
	if !ok {
		return fmt.Errorf("%s: id %T", s.Collection.Name, values[0])
	}
	k[s.Collection.Name] = append(k[s.Collection.Name], id)
	return nil
}
func (idSink) End(*plan.Step, int64) error { return nil }

func execAll(t *testing.T, d *sql.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := d.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// accessIDs runs an access for one email on a fresh connection (the
// folding of each column is read once per connection) and returns the ids
// found, sorted, per collection.
func accessIDs(t *testing.T, url, email string) idSink {
	t.Helper()
	ctx := context.Background()
	conn, err := connect.Open(ctx, url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got := idSink{}
	if _, err := access.Run(ctx, shopPlan(t, plan.Identity{Key: "email", Value: email}), map[string]*connect.Conn{"shop": conn}, got); err != nil {
		t.Fatal(err)
	}
	for _, ids := range got {
		slices.Sort(ids)
	}
	return got
}

func TestAccessFindsEmailsWhateverTheirCase(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			execAll(t, raw,
				`INSERT INTO customers VALUES (10, 'Jean.Dupont@Example.com', 'Jean', 'Dupont', NULL, '2025-01-10')`,
				`INSERT INTO tickets VALUES (10, NULL, 'Jean.Dupont@example.com', 'Domain in lower case', 'x')`,
				`INSERT INTO tickets VALUES (11, NULL, 'jean.dupont@example.com', 'All in lower case', 'x')`,
				`INSERT INTO tickets VALUES (12, NULL, 'JEAN.DUPONT@EXAMPLE.COM', 'All in capitals', 'x')`,
				`INSERT INTO tickets VALUES (13, NULL, 'jean.dupont@example.com.evil.test', 'Lookalike', 'x')`,
			)
			check := func(t *testing.T, email string, customers, tickets []int64) {
				t.Helper()
				got := accessIDs(t, url, email)
				if !slices.Equal(got["customers"], customers) || !slices.Equal(got["tickets"], tickets) {
					t.Errorf("%s: customers %v, tickets %v; want %v and %v", email, got["customers"], got["tickets"], customers, tickets)
				}
			}

			// No index compares without case: the address as typed, in
			// lower case and with its domain in lower case are found; the
			// same address in capitals is not (the documented limit).
			check(t, "Jean.Dupont@Example.com", []int64{10}, []int64{10, 11})
			// Alice is stored in lower case; her look-alike stays out.
			check(t, "ALICE@Example.com", []int64{2}, []int64{1, 2, 5})

			// With an index on lower(email) every mixture of cases is found,
			// typed either way.
			execAll(t, raw,
				`CREATE INDEX customers_email_lower ON customers (lower(email))`,
				`CREATE INDEX tickets_email_lower ON tickets (lower(email))`)
			check(t, "jean.dupont@example.com", []int64{10}, []int64{10, 11, 12})
			check(t, "JEAN.Dupont@EXAMPLE.com", []int64{10}, []int64{10, 11, 12})
			check(t, "alice@EXAMPLE.com", []int64{2}, []int64{1, 2, 5})

			// A column that compares without case by itself.
			if dialect == db.Postgres {
				execAll(t, raw,
					`DROP INDEX customers_email_lower`, `DROP INDEX tickets_email_lower`,
					`CREATE EXTENSION IF NOT EXISTS citext`,
					`ALTER TABLE customers ALTER COLUMN email TYPE citext`,
					`ALTER TABLE tickets ALTER COLUMN email TYPE citext`)
			} else {
				execAll(t, raw,
					`DROP INDEX customers_email_lower`, `DROP INDEX tickets_email_lower`,
					`CREATE INDEX customers_email_nocase ON customers (email COLLATE NOCASE)`,
					`CREATE INDEX tickets_email_nocase ON tickets (email COLLATE NOCASE)`)
			}
			check(t, "jean.dupont@EXAMPLE.COM", []int64{10}, []int64{10, 11, 12})
		})
	}
}
