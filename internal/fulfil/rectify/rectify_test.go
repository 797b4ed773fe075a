package rectify_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/rectify"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mysqltest.StopShared()
	os.Exit(code)
}

func shop(t *testing.T) *dataset.Set {
	t.Helper()
	ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Check(ds)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestRectifySetsTheFieldsOfThePersonsRowsOnly(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			pg := dialect == db.Postgres
			set := shop(t)
			p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: shoptest.Alice}})
			if err != nil {
				t.Fatal(err)
			}
			var sets []rectify.Set
			for _, s := range []string{"customers.last_name=Durand-Dupont", "shop.addresses.city=Lyon"} {
				st, err := rectify.ParseSet(set, s)
				if err != nil {
					t.Fatal(err)
				}
				sets = append(sets, st)
			}
			conn, err := connect.Open(ctx, url, false)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conns := map[string]*connect.Conn{"shop": conn}
			wantAddr := shoptest.IDs(t, raw, pg, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ? ORDER BY a.id`, shoptest.Alice)

			dry, err := rectify.Run(ctx, p, conns, sets, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(dry) != 2 || dry[0].Done || len(shoptest.IDs(t, raw, pg, `SELECT id FROM addresses WHERE city = 'Lyon'`)) != 0 {
				t.Fatalf("dry run: %+v", dry)
			}
			chs, err := rectify.Run(ctx, p, conns, sets, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(chs) != 2 || !chs[0].Done || !chs[1].Done || chs[0].Collection != "customers" || chs[1].Collection != "addresses" {
				t.Fatalf("changes %+v", chs)
			}
			if got := shoptest.IDs(t, raw, pg, `SELECT id FROM addresses WHERE city = 'Lyon' ORDER BY id`); !slices.Equal(got, wantAddr) {
				t.Errorf("Lyon addresses %v, want %v", got, wantAddr)
			}
			if got := shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE last_name = 'Durand-Dupont'`); !slices.Equal(got, []int64{2}) {
				t.Errorf("renamed customers %v", got)
			}
			if got := shoptest.IDs(t, raw, pg, `SELECT id FROM addresses WHERE city IN ('Gent', 'London') ORDER BY id`); !slices.Equal(got, []int64{2, 4}) {
				t.Errorf("other people's addresses: %v", got)
			}
			befores := map[int64]string{}
			for i, pk := range chs[1].Rows {
				befores[pk[0].(int64)] = chs[1].Before[i][0]
			}
			if chs[0].Before[0][0] != "D****t" || chs[0].After[0] != "D***********t" || befores[1] != "P***s" || befores[3] != "A*******n" {
				t.Errorf("masked values %v %v %v", chs[0].Before, chs[0].After, befores)
			}
		})
	}
}

func TestRectifyChecksTypesAndNames(t *testing.T) {
	set := shop(t)
	for s, want := range map[string]string{
		"orders.total_cents=12.5": `"12.5" is not a whole number`,
		"customers.id=9":          "a primary key cannot be rectified",
		"customers.nickname=x":    "no such field",
		"last_name=x":             "no such field",
		"customers.last_name":     "write collection.field=VALUE",
	} {
		if _, err := rectify.ParseSet(set, s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", s, err)
		}
	}
	if st, err := rectify.ParseSet(set, "orders.total_cents=1299"); err != nil || st.Value != int64(1299) {
		t.Errorf("integer: %+v %v", st, err)
	}
	for v, want := range map[any]string{nil: "NULL", "abc": "***", "alice@example.com": "a***************m", int64(42): "**"} {
		if got := rectify.Mask(v); got != want {
			t.Errorf("Mask(%v) = %q, want %q", v, got, want)
		}
	}
}
