package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestSuppressBrowser walks the suppression list in Chromium as an agent:
// the section of an objection's request page (French), a lift refused for
// want of a reason, then the list (Dutch) where an address is added by
// ticking a purpose. axe checks each page; the service checks the effect.
func TestSuppressBrowser(t *testing.T) {
	e := newSuppressEnv(t, dbtest.Open(t, db.SQLite))
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeObjection))
	ref := e.request(id).Reference
	fr, nl := e.cat.For(i18n.FR), e.cat.For(i18n.NL)

	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/login")
	b.fill("login-email", string(operator.Agent)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	title := fr.T("web.requests.show.title", map[string]any{"Reference": ref})
	b.visit("/requests/" + id)
	b.expect(title)
	b.check("request page with its suppression section")
	en := e.entryOf(id)
	b.click(`form[action="/suppressions/` + en.ID + `/lift"] button[type="submit"]`)
	b.expect(title)
	b.check("request page, lift refused")
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#suppress-lift-reason-error")))
	if err != nil || got != fr.T("suppress.error.reason_required") {
		t.Fatalf("lift error %q (%v)", got, err)
	}
	if !e.stopped("camille@example.fr", "marketing") {
		t.Fatal("a refused lift lifted the entry")
	}

	b.setLang(i18n.NL)
	b.visit("/suppressions")
	b.expect(nl.T("suppress.web.title"))
	b.check("suppression list")
	b.fill("add-email", "telefoon@example.nl", "add-note", "Belde maandag.")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("add-purposes-newsletter"))); err != nil {
		t.Fatal(err)
	}
	b.click(`form[action="/suppressions"] button[type="submit"]`)
	b.expect(nl.T("suppress.web.title"))
	b.check("suppression list after an addition")
	if !e.stopped("telefoon@example.nl", "newsletter") || e.stopped("telefoon@example.nl", "marketing") {
		t.Fatal("the ticked purpose was not the one stopped")
	}
	b.cspClean()
}
