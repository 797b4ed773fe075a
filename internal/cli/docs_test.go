package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

const exampleInventory = "../../examples/inventory-montreal-shop.yaml"

func TestDocsRenderAndCheck(t *testing.T) {
	r := run(t, nil, "", "docs", "render", "--inventory", exampleInventory, "--doc", "policy", "--lang", "fr")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "# Politique de confidentialité de Boutique Pixel") || !strings.Contains(r.stdout, "Camille Tremblay") {
		t.Fatalf("render md: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "ropa.html")
	r = run(t, nil, "", "docs", "render", "--inventory", exampleInventory, "--doc", "ropa", "--lang", "nl", "--format", "html", "--out", out)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("render html: %+v", r)
	}
	page, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(page, []byte(`<html lang="nl">`)) || !bytes.Contains(page, []byte("<h1>Register van verwerkingsactiviteiten")) {
		t.Fatalf("html file: %v\n%s", err, page)
	}
	pdf := filepath.Join(t.TempDir(), "plan.pdf")
	r = run(t, nil, "", "docs", "render", "--inventory", exampleInventory, "--doc", "plan", "--lang", "en", "--format", "pdf", "--out", pdf)
	if r.code != 0 {
		t.Fatalf("render pdf: %+v", r)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf file: %v", err)
	}
	t.Run("without Chromium", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		r := run(t, nil, "", "docs", "render", "--inventory", exampleInventory, "--format", "pdf")
		if r.code == 0 || !strings.Contains(r.stderr, "PDF needs Chromium") {
			t.Fatalf("pdf without Chromium: %+v", r)
		}
	})

	r = run(t, nil, "", "docs", "check", "--inventory", exampleInventory)
	if r.code != 0 || r.stdout != "policy: complete\nplan: complete\nropa: complete\n" {
		t.Fatalf("check of the example: %+v", r)
	}

	// Unknown values are refused with a clear message.
	for _, args := range [][]string{
		{"docs", "render", "--inventory", exampleInventory, "--doc", "memo"},
		{"docs", "render", "--inventory", exampleInventory, "--lang", "de"},
		{"docs", "render", "--inventory", exampleInventory, "--format", "docx"},
		{"docs", "render", "--doc", "policy"},
	} {
		if r := run(t, nil, "", args...); r.code == 0 || r.stderr == "" {
			t.Errorf("%v accepted: %+v", args, r)
		}
	}
	if r := run(t, nil, "", "docs", "render", "--inventory", exampleInventory, "--doc", "memo"); !strings.Contains(r.stderr, "choose plan, policy or ropa") {
		t.Errorf("unclear message: %q", r.stderr)
	}
}

func TestDocsCheckListsMissingItemsAndRefusesBadFiles(t *testing.T) {
	data, err := os.ReadFile(exampleInventory)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	incomplete := strings.Replace(string(data), "  effective_date: \"2026-01-15\"\n", "", 1)
	p := filepath.Join(dir, "incomplete.yaml")
	if err := os.WriteFile(p, []byte(incomplete), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, nil, "", "docs", "check", "--inventory", p, "--doc", "policy", "--lang", "fr")
	if r.code != 1 || r.stdout != "policy: 1 missing\n  - [quebec] Date d'entrée en vigueur de la politique\n" {
		t.Fatalf("check: %+v", r)
	}
	bad := strings.Replace(string(data), "user.contact.email", "user.mail", 1)
	p = filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, nil, "", "docs", "check", "--inventory", p)
	if r.code != 1 || !strings.Contains(r.stderr, "bad.yaml:") || !strings.Contains(r.stderr, `"user.mail" is not a fideslang data category`) {
		t.Fatalf("bad file: %+v", r)
	}
}

func TestInventoryImportExport(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			env := []string{"GARDE_DATABASE_URL=" + dbtest.URL(t, dialect), "GARDE_DATA=" + t.TempDir()}
			if r := run(t, env, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %+v", r)
			}
			if r := run(t, env, "", "inventory", "export"); r.code == 0 || !strings.Contains(r.stderr, "No inventory yet") {
				t.Fatalf("export of nothing: %+v", r)
			}
			r := run(t, env, "", "inventory", "import", exampleInventory)
			if r.code != 0 || r.stdout != "Saved revision 1: 5 systems, 6 processing activities.\n" {
				t.Fatalf("import: %+v", r)
			}
			if r := run(t, env, "organisation:\n  legal_name: X\n  colour: red\n", "inventory", "import", "-"); r.code == 0 || !strings.Contains(r.stderr, "stdin:3:") {
				t.Fatalf("bad import: %+v", r)
			}
			r = run(t, env, "", "inventory", "export")
			if r.code != 0 || !strings.Contains(r.stdout, "legal_name: Boutique Pixel inc.") {
				t.Fatalf("export: %+v", r)
			}
			// The export is itself a valid inventory file.
			f := filepath.Join(t.TempDir(), "export.yaml")
			if err := os.WriteFile(f, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			if r := run(t, nil, "", "docs", "check", "--inventory", f); r.code != 0 {
				t.Fatalf("exported file: %+v", r)
			}
			if r := run(t, env, "", "inventory", "export", "--revision", "2"); r.code == 0 {
				t.Fatalf("missing revision exported: %+v", r)
			}
		})
	}
}
