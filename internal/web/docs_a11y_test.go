package web

import (
	"context"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestInventoryDocsAccessibility runs axe in Chromium on the inventory and
// document pages and on the public policy, in French, as an admin and a
// visitor meet them.
func TestInventoryDocsAccessibility(t *testing.T) {
	e := newInventoryEnv(t)
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	b.visit("/inventory")
	b.expect("Inventaire des données")
	b.check("empty inventory")
	b.fill("inventory-yaml", "organisation:\n  legal_name: X\n  colour: red\n")
	b.click(`form[action="/inventory/import"] button[type="submit"]`)
	b.expect("Inventaire des données")
	b.check("inventory refused")
	if _, _, err := e.inv.Import(context.Background(), "test", "shop.yaml", exampleInventoryFile(t)); err != nil {
		t.Fatal(err)
	}
	b.visit("/inventory")
	b.check("inventory")
	b.visit("/documents")
	b.expect("Documents de confidentialité")
	b.check("documents")
	b.visit("/documents/plan/fr")
	b.check("plan preview")
	b.visit("/documents/ropa/fr")
	b.check("record of processing preview")
	b.visit("/documents/policy/fr")
	b.expect("Politique de confidentialité")
	b.check("policy preview")
	b.click(`form[action="/documents/policy/fr/publish"] button[type="submit"]`)
	b.check("policy published")
	for _, step := range []string{"organisation", "systems", "activities", "cookies", "security"} {
		b.visit("/inventory/questionnaire/" + step)
		b.expect("Questionnaire de confidentialité")
		b.check("questionnaire " + step)
	}
	b.visit("/inventory/questionnaire/activities")
	b.click(`form[action="/inventory/questionnaire/activities"] button[type="submit"]`)
	b.expect("Questionnaire de confidentialité")
	b.check("questionnaire activity with errors")
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/privacy/policy")
	b.check("public policy")
	b.cspClean()
}
