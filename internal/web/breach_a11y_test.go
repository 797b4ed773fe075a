package web

import (
	"context"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestBreachAccessibility runs axe in Chromium on the breach register's
// pages in French: the list, the form empty and with errors, an incident
// with its assessments and notices, its draft, and the edit form.
func TestBreachAccessibility(t *testing.T) {
	e := newBreachEnv(t)
	aware := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Minute)
	inc, err := e.svc.Open(context.Background(), "operator:"+e.users[operator.Agent].ID, breach.Facts{
		Title: "Export public", Description: "Un export était accessible.", OccurredAt: aware.Add(-time.Hour), AwareAt: aware,
		AwareHow: "Signalement d’un client.", Kinds: []breach.Kind{breach.Confidentiality}, Categories: []string{"user.name"},
		Persons: 1200, Residents: map[string]int{"CA-QC": 500, "FR": 400, "CA-ON": 300}, Consequences: "Hameçonnage.",
		Measures: "Lien retiré.", ContactName: "Marie Tremblay", ContactEmail: "vie.privee@lumiere.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/login")
	b.fill("login-email", string(operator.Agent)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	b.visit("/")
	b.check("dashboard with the breach register")
	b.visit("/breaches")
	b.expect("Registre des violations")
	b.check("breach register")
	b.visit("/breaches/new")
	b.check("breach form")
	b.click(`form[action="/breaches"] button[type="submit"]`)
	b.expect("Enregistrer une violation")
	b.check("breach form with errors")
	b.visit("/breaches/" + inc.ID)
	b.expect("Incident " + inc.Reference)
	b.check("incident")
	b.click(`form:has(input[name="law"][value="quebec"]) button[type="submit"]`)
	b.check("incident with errors")
	b.visit("/breaches/" + inc.ID + "/draft?obligation=quebec%2Fauthority&lang=fr")
	b.check("draft")
	b.visit("/breaches/" + inc.ID + "/edit")
	b.check("edit form")
	b.cspClean()
}
