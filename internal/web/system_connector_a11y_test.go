package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

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
	// The radio loads no page: it is pressed, not clicked through.
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#connector-kind-http"))); err != nil {
		t.Fatal(err)
	}
	b.fill("connector-endpoint", "http://crm.example.com/garde")
	b.click(`form[action="` + page + `"] button[type="submit"]`)
	b.expect(title)
	b.hasText(fr.T("fulfil.error.endpoint_https"))
	b.check("HTTP connection form with errors")
	shot(t, b.ctx, "connector-http-errors")
	b.cspClean()
}

// hasText checks the page says text somewhere.
func (b *a11yBrowser) hasText(text string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		b.t.Fatalf("main: %v", err)
	}
	if !strings.Contains(got, text) {
		b.t.Fatalf("the page does not say %q:\n%s", text, got)
	}
}
