package erase_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mysqltest.StopShared()
	os.Exit(code)
}

var key = []byte("0123456789abcdef0123456789abcdef")

var tables = []string{"customers", "addresses", "orders", "order_lines", "tickets", "products"}

// snapshot reads every row of the shop as text, keyed "table/id".
func snapshot(t *testing.T, d *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range tables {
		rows, err := d.Query("SELECT * FROM " + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				parts = append(parts, fmt.Sprint(v))
			}
			out[tb+"/"+parts[0]] = strings.Join(parts, "|")
		}
		rows.Close()
	}
	return out
}

func shopPlan(t *testing.T, src string) *plan.Plan {
	t.Helper()
	ds, err := dataset.Parse("shop.yaml", []byte(src))
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
	return p
}

func ids(rows [][]any) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r[0].(int64))
	}
	slices.Sort(out)
	return out
}

func TestErasureChangesExactlyThePlannedFields(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			pg := dialect == db.Postgres
			conn, err := connect.Open(ctx, url, false)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conns := map[string]*connect.Conn{"shop": conn}
			p := shopPlan(t, shoptest.Dataset)

			wantRows := map[string][]int64{
				"customers":   shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE email = ? ORDER BY id`, shoptest.Alice),
				"addresses":   shoptest.IDs(t, raw, pg, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ? ORDER BY a.id`, shoptest.Alice),
				"order_lines": shoptest.IDs(t, raw, pg, `SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id WHERE c.email = ? ORDER BY l.id`, shoptest.Alice),
				"tickets":     shoptest.IDs(t, raw, pg, `SELECT id FROM tickets WHERE email = ? OR customer_id IN (SELECT id FROM customers WHERE email = ?) ORDER BY id`, shoptest.Alice, shoptest.Alice),
			}
			before := snapshot(t, raw)

			// A dry run lists the changes and writes nothing.
			dry, err := erase.Run(ctx, p, conns, erase.Options{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, dry, wantRows, false)
			if after := snapshot(t, raw); !mapsEqual(after, before) {
				t.Fatal("the dry run changed the database")
			}

			rec, err := erase.Run(ctx, p, conns, erase.Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			checkRecord(t, rec, wantRows, true)
			after := snapshot(t, raw)

			// Every row not planned is untouched.
			changed := map[string]bool{}
			for tb, list := range wantRows {
				for _, id := range list {
					changed[fmt.Sprintf("%s/%d", tb, id)] = true
				}
			}
			for k, v := range before {
				if changed[k] {
					continue
				}
				if after[k] != v {
					t.Errorf("%s changed: %q → %q", k, v, after[k])
				}
			}
			for k := range changed {
				if strings.HasPrefix(k, "order_lines/") {
					if _, ok := after[k]; ok {
						t.Errorf("%s not deleted", k)
					}
				}
			}
			// The changed fields hold what their strategies give.
			var email, phone, last string
			var first sql.NullString
			q := `SELECT email, first_name, last_name, phone FROM customers WHERE id = 2`
			if err := raw.QueryRow(q).Scan(&email, &first, &last, &phone); err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[0-9a-f]{32}@erased\.invalid$`).MatchString(email) || first.Valid || last != "erased" ||
				!regexp.MustCompile(`^\+\d{11}$`).MatchString(phone) || phone == "+32470000002" {
				t.Errorf("customer 2 now %q %v %q %q", email, first, last, phone)
			}
			var city, subject string
			if err := raw.QueryRow(`SELECT city FROM addresses WHERE id = 1`).Scan(&city); err != nil || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(city) {
				t.Errorf("address 1 city %q %v", city, err)
			}
			if err := raw.QueryRow(`SELECT subject FROM tickets WHERE id = 2`).Scan(&subject); err != nil || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(subject) {
				t.Errorf("ticket 2 subject %q %v", subject, err)
			}
			// Orders are kept (preserve), with their keys.
			for _, id := range []string{"orders/1", "orders/3"} {
				if after[id] != before[id] {
					t.Errorf("%s changed", id)
				}
			}

			// A following access finds nothing about the person.
			res, err := access.Run(ctx, p, conns, access.Counter{})
			if err != nil {
				t.Fatal(err)
			}
			for k, n := range res.Rows {
				if n != 0 {
					t.Errorf("after erasure, access finds %d rows in %s", n, k)
				}
			}
			// Running it again changes nothing more.
			again, err := erase.Run(ctx, p, conns, erase.Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			for _, sys := range again.Systems {
				for _, c := range sys.Collections {
					if len(c.Rows) != 0 {
						t.Errorf("second run changed %s %v", c.Name, c.Rows)
					}
				}
			}
			if final := snapshot(t, raw); !mapsEqual(final, after) {
				t.Error("the second run changed the database")
			}
		})
	}
}

func checkRecord(t *testing.T, rec *erase.Record, want map[string][]int64, done bool) {
	t.Helper()
	if len(rec.Systems) != 1 || rec.Systems[0].Dataset != "shop" || rec.Systems[0].Done != done {
		t.Fatalf("systems %+v", rec.Systems)
	}
	var order []string
	got := map[string]*erase.Collection{}
	for _, c := range rec.Systems[0].Collections {
		order = append(order, c.Name)
		got[c.Name] = c
	}
	// order_lines go before orders (erase_after); orders change nothing.
	if strings.Join(order, " ") != "customers tickets addresses order_lines" {
		t.Errorf("order %v", order)
	}
	for tb, list := range want {
		c := got[tb]
		if c == nil || !slices.Equal(ids(c.Rows), list) {
			t.Errorf("%s: record %+v, want rows %v", tb, c, list)
		}
	}
	if c := got["customers"]; c == nil || strings.Join(c.Fields, ",") != "email,first_name,last_name,phone" || c.Action != "update" {
		t.Errorf("customers record %+v", c)
	}
	if c := got["order_lines"]; c == nil || c.Action != "delete" || len(c.Fields) != 0 {
		t.Errorf("order lines record %+v", c)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A change the database refuses rolls the whole system back.
func TestFailedErasureRollsBackTheSystem(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			conn, err := connect.Open(ctx, url, false)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// Without its preserve override, total_cents (NOT NULL) is set to
			// NULL, after customers, tickets and addresses were changed.
			src := strings.Replace(shoptest.Dataset, "masking_strategy_override: {strategy: preserve}", "read_only: false", 1)
			if src == shoptest.Dataset {
				t.Fatal("the dataset has no preserve override")
			}
			before := snapshot(t, raw)
			rec, err := erase.Run(ctx, shopPlan(t, src), map[string]*connect.Conn{"shop": conn}, erase.Options{Key: key})
			if err == nil || !strings.Contains(err.Error(), "orders") || !strings.Contains(err.Error(), "rolled back") {
				t.Fatalf("got %v", err)
			}
			if rec == nil || rec.Systems[0].Done || rec.Systems[0].Error == "" {
				t.Fatalf("record %+v", rec)
			}
			if after := snapshot(t, raw); !mapsEqual(after, before) {
				t.Fatal("a failed erasure left changes behind")
			}
		})
	}
}

func TestErasureRefusesWithoutKeyOrPrimaryKey(t *testing.T) {
	p := shopPlan(t, shoptest.Dataset)
	if _, err := erase.Run(context.Background(), p, nil, erase.Options{}); err == nil || !strings.Contains(err.Error(), "key") {
		t.Errorf("no key: %v", err)
	}
	src := strings.Replace(shoptest.Dataset, "fides_meta: {primary_key: true, data_type: integer}\n          - name: customer_id\n            fides_meta:\n              data_type: integer\n              references:\n                - {dataset: shop, field: customers.id, direction: from}\n          - name: street",
		"fides_meta: {data_type: integer}\n          - name: customer_id\n            fides_meta:\n              data_type: integer\n              references:\n                - {dataset: shop, field: customers.id, direction: from}\n          - name: street", 1)
	if src == shoptest.Dataset {
		t.Fatal("replacement missed")
	}
	_, err := erase.Run(context.Background(), shopPlan(t, src), nil, erase.Options{Key: key})
	if err == nil || !strings.Contains(err.Error(), "shop.addresses: erasure needs a primary key") {
		t.Errorf("no primary key: %v", err)
	}
}
