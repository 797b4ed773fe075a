package access

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// lineIDs keeps the ids of the order lines read.
type lineIDs []int64

func (*lineIDs) Begin(*plan.Step) error { return nil }
func (l *lineIDs) Row(s *plan.Step, values []any) error {
	if s.Collection.Name == "order_lines" {
		*l = append(*l, values[0].(int64))
	}
	return nil
}
func (*lineIDs) End(*plan.Step, int64) error { return nil }

// A person with more orders than a list of parameters takes has their order
// lines selected by a subquery on the orders, and gets exactly their own.
func TestManyKeysAreSelectedInSQL(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			// Alice (customer 2) and Bob (customer 1) get 100 more orders
			// each, in turns, with two lines per order.
			for i := 0; i < 200; i++ {
				order, customer := 100+i, 2-i%2
				for _, q := range []string{
					fmt.Sprintf("INSERT INTO orders VALUES (%d, %d, '2025-03-01', 100)", order, customer),
					fmt.Sprintf("INSERT INTO order_lines VALUES (%d, %d, 'Item', 1)", 1000+2*i, order),
					fmt.Sprintf("INSERT INTO order_lines VALUES (%d, %d, 'Item', 1)", 1001+2*i, order),
				} {
					if _, err := raw.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
			}
			want := shoptest.IDs(t, raw, dialect == db.Postgres, `SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id
				JOIN customers c ON c.id = o.customer_id WHERE c.email = ? ORDER BY l.id`, shoptest.Alice)
			if len(want) != 203 {
				t.Fatalf("the fixture gives Alice %d lines", len(want))
			}

			conn, err := connect.Open(ctx, url, true)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
			if err != nil {
				t.Fatal(err)
			}
			set, err := dataset.Check(ds)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: shoptest.Alice}})
			if err != nil {
				t.Fatal(err)
			}
			var got lineIDs
			found := newKeySets()
			for _, s := range p.Steps {
				if s.Collection.Name == "order_lines" {
					q, _, _, err := selectQuery(ctx, conn, s, found)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(q, `"order_id" IN (SELECT "id" FROM "orders" WHERE "customer_id" IN (SELECT "id" FROM "customers" WHERE`) {
						t.Errorf("order lines not selected by a subquery: %s", q)
					}
				}
				if _, err := runStep(ctx, p, s, conn, found, &got); err != nil {
					t.Fatal(err)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("lines %v\nwant %v", got, want)
			}
		})
	}
}
