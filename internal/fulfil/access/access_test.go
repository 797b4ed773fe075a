package access_test

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

func TestMain(m *testing.M) {
	code := dbtest.Main(m)
	mysqltest.StopShared()
	os.Exit(code)
}

func shopPlan(t *testing.T, ids ...plan.Identity) *plan.Plan {
	t.Helper()
	ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Check(ds)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(set, ids)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readZip returns the files of a zip by name.
func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestAccessReturnsExactlyThePersonsRows(t *testing.T) {
	for _, dialect := range shoptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := shoptest.Create(t, dialect)
			raw := shoptest.Open(t, url)
			pg := dialect == db.Postgres
			want := map[string][]int64{
				"shop:customers": shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE email = ? ORDER BY id`, shoptest.Alice),
				"shop:addresses": shoptest.IDs(t, raw, pg, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ? ORDER BY a.id`, shoptest.Alice),
				"shop:orders":    shoptest.IDs(t, raw, pg, `SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ? ORDER BY o.id`, shoptest.Alice),
				"shop:order_lines": shoptest.IDs(t, raw, pg, `SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id
					WHERE c.email = ? ORDER BY l.id`, shoptest.Alice),
				"shop:tickets": shoptest.IDs(t, raw, pg, `SELECT id FROM tickets WHERE email = ? OR customer_id IN (SELECT id FROM customers WHERE email = ?) ORDER BY id`, shoptest.Alice, shoptest.Alice),
			}
			for k, ids := range want {
				if len(ids) == 0 {
					t.Fatalf("the fixture gives Alice no %s", k)
				}
			}

			conn, err := connect.Open(ctx, url, true)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			p := shopPlan(t, plan.Identity{Key: "email", Value: shoptest.Alice})
			out := t.TempDir()
			pkg, err := access.NewPackage(out)
			if err != nil {
				t.Fatal(err)
			}
			res, err := access.Run(ctx, p, map[string]*connect.Conn{"shop": conn}, pkg)
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
			zipPath, err := pkg.Finish(access.Summary{At: at, Lang: i18n.FR, Catalog: i18n.MustLoad(), Identities: p.Identities})
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Dir(zipPath) != out || filepath.Base(zipPath) != "access-20261203T100000Z.zip" {
				t.Fatalf("zip at %s", zipPath)
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Fatalf("work files left in the output directory: %v", entries)
			}
			files := readZip(t, zipPath)

			var doc map[string][]map[string]any
			if err := json.Unmarshal(files["data.json"], &doc); err != nil {
				t.Fatalf("data.json: %v\n%s", err, files["data.json"])
			}
			if len(doc) != len(want) {
				t.Errorf("data.json has %d collections, want %d", len(doc), len(want))
			}
			for k, ids := range want {
				var got []int64
				for _, row := range doc[k] {
					got = append(got, int64(row["id"].(float64)))
				}
				slices.Sort(got)
				if !slices.Equal(got, ids) {
					t.Errorf("%s: ids %v, want %v", k, got, ids)
				}
				if n := res.Rows[strings.Replace(k, ":", ".", 1)]; n != int64(len(ids)) {
					t.Errorf("%s: counted %d rows", k, n)
				}
				csvName := strings.Replace(k, ":", ".", 1) + ".csv"
				recs, err := csv.NewReader(strings.NewReader(string(files[csvName]))).ReadAll()
				if err != nil {
					t.Fatalf("%s: %v", csvName, err)
				}
				if len(recs) != len(ids)+1 || recs[0][0] != "id" {
					t.Errorf("%s: %d records, header %v", csvName, len(recs), recs[0])
				}
			}
			subjects := map[float64]any{}
			for _, row := range doc["shop:tickets"] {
				subjects[row["id"].(float64)] = row["subject"]
			}
			if doc["shop:customers"][0]["first_name"] != "Alice" || subjects[2] != "Alice from work" {
				t.Errorf("row content: %v / %v", doc["shop:customers"], doc["shop:tickets"])
			}
			for name, b := range files {
				for _, s := range shoptest.Others {
					if strings.Contains(string(b), s) {
						t.Errorf("%s holds %q, another person's data", name, s)
					}
				}
			}
			html := string(files["summary.html"])
			for _, s := range []string{`<html lang="fr">`, "Vos données personnelles", "3 enregistrements", "1 rue de la Paix", "<td>Adresse courriel</td><td>shop.customers.email, shop.tickets.email</td>", "email: alice@example.com"} {
				if !strings.Contains(html, s) {
					t.Errorf("summary.html lacks %q", s)
				}
			}
			// System bookkeeping is not listed as the person's kind of data.
			if strings.Contains(html, "Données d&#39;exploitation") || strings.Contains(html, "Données d'exploitation") {
				t.Errorf("summary.html lists system.operations")
			}
		})
	}
}
