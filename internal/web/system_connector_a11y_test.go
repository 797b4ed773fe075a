package web

import (
	"context"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestSystemConnectorAccessibility runs axe in Chromium on the connection
// page, empty and answering a refused form, in French.
func TestSystemConnectorAccessibility(t *testing.T) {
	e := newConnectorEnv(t)
	e.seed()
	sys, err := e.svc.CreateSystem(context.Background(), requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Boutique", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	fr := e.cat.For(i18n.FR)
	title := fr.T("fulfil.connector.page_title", map[string]any{"Name": "Boutique"})
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)
	page := "/systems/" + sys.ID + "/connector"
	b.visit(page)
	b.expect(title)
	b.check("connection form")
	b.fill("connector-dataset", "dataset:\n  - fides_key: shop\n    collections: [{name: \"a b\"}]", "connector-url", "mysql://x")
	b.click(`form[action="` + page + `"] button[type="submit"]`)
	b.expect(title)
	b.check("connection form with errors")
	b.cspClean()
}
