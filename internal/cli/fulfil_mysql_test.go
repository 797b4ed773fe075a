package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

// The commands reach a MariaDB database by its mysql:// URL: the dataset
// generated from it validates, an access dry run counts the person's rows,
// erasure changes them and recheck finds the person again after a restore,
// as on the other engines.
func TestDatasetAndFulfilCommandsOnMariaDB(t *testing.T) {
	// The only test of the package on MariaDB: its server stops with it.
	t.Cleanup(mysqltest.StopShared)
	shop := shoptest.Create(t, shoptest.MariaDB)
	out := filepath.Join(t.TempDir(), "shop.yaml")
	r := run(t, noDB, "", "dataset", "generate", "--connect", shop, "--key", "shop", "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "Wrote "+out+": 6 table(s).") {
		t.Fatalf("generate: %+v", r)
	}
	if r := run(t, noDB, "", "dataset", "validate", out); r.code != 0 {
		t.Fatalf("the generated file does not validate: %+v", r)
	}
	gen, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gen), "- {dataset: shop, field: customers.id, direction: from}") {
		t.Errorf("the generated dataset lacks the foreign key to customers:\n%s", gen)
	}

	env := []string{"GARDE_DATABASE_URL=sqlite://" + filepath.Join(t.TempDir(), "garde.db"), "GARDE_DATA=" + t.TempDir()}
	ds := shoptest.WriteDataset(t, t.TempDir())
	r = run(t, env, "", "fulfil", "access", "--dataset", ds, "--connect", "shop="+shop, "--identity", "email="+shoptest.Alice, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "Dry run: nothing written.") {
		t.Fatalf("dry run: %+v", r)
	}
	for _, l := range []string{"shop.customers 1", "shop.tickets 3", "shop.addresses 2", "shop.orders 2", "shop.order_lines 3"} {
		if got := line(t, r.stdout, strings.Fields(l)[0]+" "); got != l {
			t.Errorf("dry run line %q, want %q", got, l)
		}
	}

	erase := []string{"fulfil", "erase", "--dataset", ds, "--connect", "shop=" + shop, "--identity", "email=" + shoptest.Alice}
	if r := run(t, env, "", erase...); r.code != 0 || !strings.Contains(r.stdout, "shop: done") {
		t.Fatalf("erase: %+v", r)
	}
	raw := shoptest.Open(t, shop)
	if n := len(shoptest.IDs(t, raw, false, `SELECT id FROM order_lines`)); n != 2 {
		t.Errorf("%d order lines left, want Bob's and Xavier's 2", n)
	}
	if r := run(t, env, "", erase...); r.code != 0 || line(t, r.stdout, "shop.customers ") != "shop.customers update 0 email, first_name, last_name, phone" {
		t.Errorf("second erasure: %+v", r)
	}
	recheck := []string{"fulfil", "recheck", "--dataset", ds, "--connect", "shop=" + shop}
	if r := run(t, env, "", recheck...); r.code != 0 || r.stdout != "No one erased before was found.\n" {
		t.Fatalf("recheck before the restore: %+v", r)
	}
	if _, err := raw.Exec(`INSERT INTO customers VALUES (99, ?, 'Alice', 'Restored', NULL, '2025-06-01')`, shoptest.Alice); err != nil {
		t.Fatal(err)
	}
	r = run(t, env, "", recheck...)
	if r.code != 2 || !strings.HasPrefix(line(t, r.stdout, "shop.customers.email "), "shop.customers.email email "+shoptest.Alice+" 20") {
		t.Fatalf("recheck after the restore: %+v", r)
	}
}
