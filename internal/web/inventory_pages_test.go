package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/operator"
)

func TestInventoryPagesImportAndExport(t *testing.T) {
	e := newInventoryEnv(t)
	viewer := e.as(operator.Viewer)
	r := viewer.get("/inventory")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "No inventory yet")
	r.mustNotContain(t, `action="/inventory/import"`)
	e.checkPage(t, r, i18n.EN)
	if r := viewer.post("/inventory/import", url.Values{"yaml": {string(exampleInventoryFile(t))}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer imports: %d", r.StatusCode)
	}
	viewer.get("/inventory/export").mustStatus(t, http.StatusNotFound)

	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	// A pasted file with an unknown category: refused in French, with the
	// line, and nothing saved.
	bad := strings.Replace(string(exampleInventoryFile(t)), "user.contact.email", "user.courriel", 1)
	r = admin.post("/inventory/import", url.Values{"yaml": {bad}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Le fichier a été refusé; rien n&#39;a été enregistré.", "pasted.yaml:110: activities[0].data_categories[2].category: « user.courriel » n&#39;est pas une catégorie de données fideslang")
	e.checkPage(t, r, i18n.FR)
	if _, _, err := e.inv.Current(context.Background()); err != inventory.ErrNoInventory {
		t.Fatalf("a refused file was saved: %v", err)
	}
	r = admin.post("/inventory/import", url.Values{"yaml": {"   "}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Choisissez un fichier YAML ou collez son contenu.")

	// A body over the back office's limit is refused, not cut.
	r = admin.post("/inventory/import", url.Values{"yaml": {strings.Repeat("# padding\n", 8000)}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Le fichier est trop volumineux.")
	r = admin.uploadInventory("/inventory/import", "file", "boutique.yaml", exampleInventoryFile(t))
	r.mustStatus(t, http.StatusSeeOther)
	r = admin.get("/inventory")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "Inventaire importé comme nouvelle révision.", "Boutique Pixel inc.", "1170000000", "Camille Tremblay",
		"Commandes en ligne et par téléphone", "Traitement des paiements", "Québec (Loi 25)", "Union européenne (RGPD)",
		"Numéro de téléphone est recueilli pour « Demandes de renseignements » sans être nécessaire.", "import:boutique.yaml", "72 mois")
	e.checkPage(t, r, i18n.FR)

	r = viewer.get("/inventory/export")
	r.mustStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
		t.Fatalf("export type %q", ct)
	}
	back, err := inventory.Parse("export.yaml", []byte(r.body))
	if err != nil || back.Organisation.LegalName != "Boutique Pixel inc." || len(back.Activities) != 6 {
		t.Fatalf("export does not parse back: %v", err)
	}
	for _, l := range []i18n.Lang{i18n.EN, i18n.NL} {
		viewer.setLang(l)
		r := viewer.get("/inventory")
		r.mustStatus(t, http.StatusOK)
		e.checkPage(t, r, l)
	}
}
