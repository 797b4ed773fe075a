package docs

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var cat = i18n.MustLoad()

func exampleInventory(t testing.TB) *inventory.Inventory {
	t.Helper()
	path := filepath.Join("..", "..", "examples", "inventory-montreal-shop.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := inventory.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestGoldenDocuments renders every document in every language from the
// example inventory and compares with testdata/<doc>.<lang>.{md,html}. Run
// `go test ./internal/docs -run Golden -update` after changing a template,
// and read the diff before committing it.
func TestGoldenDocuments(t *testing.T) {
	inv := exampleInventory(t)
	r := NewRenderer(cat)
	opts := Options{LastUpdated: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Version: 3}
	for _, k := range Kinds {
		for _, l := range i18n.Langs {
			md, err := r.Markdown(inv, k, l, opts)
			if err != nil {
				t.Fatal(err)
			}
			page, err := r.HTMLPage(inv, k, l, opts)
			if err != nil {
				t.Fatal(err)
			}
			for ext, got := range map[string]string{"md": md, "html": page} {
				path := filepath.Join("testdata", string(k)+"."+string(l)+"."+ext)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if string(want) != got {
					t.Errorf("%s differs from the rendering; run with -update and review the diff", path)
				}
			}
		}
	}
}
