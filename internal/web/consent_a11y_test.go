package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestConsentAccessibility runs axe in Chromium on the opt-out pages
// (empty, with an error, confirmed), on the back office's consent page,
// and on a shop page showing the banner and its preferences dialog.
func TestConsentAccessibility(t *testing.T) {
	// The site's page frames the banner's preview: the public routes too.
	e, cs := newConsentServer(t)
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	fr := e.cat.For(i18n.FR)

	b.visit(optOutSellPath)
	b.expect(fr.T("consent.optout.do_not_sell.title"))
	b.check("do not sell")
	b.fill("optout-email", "pas-une-adresse")
	b.click(`form[action="` + optOutSellPath + `"] button[type="submit"]`)
	b.check("do not sell with an error")
	b.fill("optout-email", "jo@example.fr")
	b.click(`form[action="` + optOutSellPath + `"] button[type="submit"]`)
	b.expect(fr.T("consent.optout.done.title"))
	b.check("opt-out confirmed")
	b.visit(optOutSensitivePath)
	b.expect(fr.T("consent.optout.limit_sensitive.title"))
	b.check("limit sensitive")

	site, err := cs.CreateSite(t.Context(), "token:t", consent.SiteInput{Name: "Boutique", Origins: []string{"https://shop.example"}, NoticeVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Record(t.Context(), consent.ActorPublic, consent.EventInput{SiteID: site.ID, DeviceID: "d", Method: "express",
		Source: "banner", Language: "fr", Granted: []string{"analytics"}, Refused: []string{"marketing"}}); err != nil {
		t.Fatal(err)
	}
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)
	b.visit("/consent")
	b.expect(fr.T("consent.web.title"))
	b.check("consent back office")
	b.visit("/consent/sites/" + site.ID)
	b.expect(fr.T("consent.web.edit_title", map[string]any{"Name": "Boutique"}))
	b.check("banner site form")
	b.cspClean()

	// The banner on a shop's page, served by Garde's public side.
	mux := http.NewServeMux()
	garde := httptest.NewServer(mux)
	t.Cleanup(garde.Close)
	consent.NewPublic(cs, consent.PublicOptions{Catalog: e.cat, BaseURL: garde.URL}).Register(mux)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="nl"><head><title>Winkel</title><script src="%s/banner.js?site=%s" defer></script></head>`+
			`<body><main><h1>Winkel</h1><p>Welkom.</p></main></body></html>`, garde.URL, site.ID)
	}))
	t.Cleanup(shop.Close)
	b.base = shop.URL
	b.visit("/")
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the stylesheet, for the contrast rules
	b.check("banner")
	choose := e.cat.For(i18n.NL).T("consent.banner.choose")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.Search(`//button[normalize-space()="`+choose+`"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("dialog.gb-dlg"))); err != nil {
		t.Fatal(err)
	}
	b.check("banner preferences")
}
