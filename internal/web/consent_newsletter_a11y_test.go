package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestConsentNewsletterAccessibility runs axe in Chromium on the campaign
// page as an agent meets it, in French: empty, with a refused list, with
// a list imported (counts, forms, table), and with the send form's errors.
// The page loads nothing the strict policy refuses.
func TestConsentNewsletterAccessibility(t *testing.T) {
	e, _ := newOptOutEnv(t)
	e.seed()
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	fr := e.cat.For(i18n.FR)

	b.visit("/login")
	b.fill("login-email", string(operator.Agent)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)
	b.visit("/consent/newsletter")
	b.expect(fr.T("newsletter.web.title"))
	b.check("newsletter campaign, empty")

	const importButton = `form[action="/consent/newsletter/import"] button[type="submit"]`
	b.fill("newsletter-csv", "email,name,subscribed_at,how_added\npas-une-adresse,X,,passive\nlou@example.fr,Lou,,parfois\n")
	b.click(importButton)
	b.expect(fr.T("newsletter.web.title"))
	newsletterShows(t, b, "#import-error", fr.T("newsletter.web.import_refused", map[string]any{"N": 2}))
	b.check("newsletter list refused")

	b.fill("newsletter-csv", "email,name,subscribed_at,how_added\nlou@example.fr,Lou,2018-04-02,passive\n"+
		"max@example.fr,Max,,unknown\nnoe@example.fr,Noé,2021-09-30,active\n")
	b.click(importButton)
	b.expect(fr.T("newsletter.web.title"))
	newsletterShows(t, b, "#count-to_ask", "2")
	b.check("newsletter list imported")

	b.fill("send-count", "0")
	b.click(`form[action="/consent/newsletter/send"] button[type="submit"]`)
	b.expect(fr.T("newsletter.web.title"))
	newsletterShows(t, b, "#send-count-error", fr.T("newsletter.error.count_invalid", map[string]any{"Max": consent.RepermissionPerHour}))
	b.check("newsletter send form with an error")
	b.cspClean()
}

// newsletterShows fails unless the element sel holds want, so axe looks at the
// state meant.
func newsletterShows(t *testing.T, b *a11yBrowser, sel, want string) {
	t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil || !strings.Contains(got, want) {
		t.Fatalf("%s shows %q (%v), want %q", sel, got, err, want)
	}
}
