package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// newConsentServer serves the back office and the banner's public routes
// on one origin, as the application does, with the operators seeded.
func newConsentServer(t *testing.T) (*env, *consent.Service) {
	t.Helper()
	e, cs := newOptOutEnv(t)
	e.seed()
	pages := e.srv.Config.Handler
	e.srv.Close()
	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	consent.NewPublic(cs, consent.PublicOptions{Catalog: e.cat, BaseURL: e.srv.URL}).Register(mux)
	mux.Handle("/", pages)
	return e, cs
}

// newPreviewEnv is newConsentServer with a site.
func newPreviewEnv(t *testing.T) (*env, *consent.Service, *consent.Site) {
	t.Helper()
	e, cs := newConsentServer(t)
	site, err := cs.CreateSite(t.Context(), "token:t", consent.SiteInput{Name: "Boutique",
		// The back office's own origin too: without the preview's policy,
		// a click in it would be accepted by the ledger.
		Origins:       []string{"https://shop.example", e.srv.URL},
		NoticeVersion: "1", Purposes: []string{"analytics", "marketing"}})
	if err != nil {
		t.Fatal(err)
	}
	return e, cs, site
}

// TestConsentPreviewPages: the site's page frames the preview under a
// policy that allows the frame and nothing more; the preview may run
// Garde's banner script and connect nowhere; only admins see it, and an
// unknown site is not found.
func TestConsentPreviewPages(t *testing.T) {
	e, _, site := newPreviewEnv(t)
	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	fr := e.cat.For(i18n.FR)

	r := admin.get("/consent/sites/" + site.ID + "?lang=nl")
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, `src="/consent/sites/`+site.ID+`/preview?lang=nl"`, `<option value="nl" lang="nl" selected>`,
		esc(fr.T("consent.web.preview.frame", map[string]any{"Name": "Boutique"})))
	// The site's page itself still runs no script.
	if got := r.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-src 'self'") ||
		!strings.Contains(got, "default-src 'none'") || strings.Contains(got, "script-src") {
		t.Errorf("site page policy: %s", got)
	}

	r = admin.get("/consent/sites/" + site.ID + "/preview?lang=en")
	r.mustStatus(t, 200)
	r.mustContain(t, `<html lang="en">`, `<script src="/banner.js?site=`+site.ID+`" defer></script>`,
		esc(e.cat.For(i18n.EN).T("consent.web.preview.page_title", map[string]any{"Name": "Boutique"})))
	pol := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "connect-src 'none'", "frame-ancestors 'self'", "default-src 'none'"} {
		if !strings.Contains(pol, want) {
			t.Errorf("preview policy lacks %q: %s", want, pol)
		}
	}
	if strings.Contains(pol, "unsafe-inline") || r.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("preview headers: %s / %s", pol, r.Header.Get("X-Frame-Options"))
	}
	// An unknown language falls back to the operator's.
	admin.get("/consent/sites/"+site.ID+"/preview?lang=de").mustContain(t, `<html lang="fr">`)
	admin.get("/consent/sites/nope/preview").mustStatus(t, 404)
	e.as(operator.Viewer).get("/consent/sites/"+site.ID+"/preview").mustStatus(t, 403)
}

// TestConsentPreviewBrowser: in Chromium, the site's page shows the banner
// in its frame, in the language chosen, with the site's purposes; the
// pages pass axe and the browser refuses nothing on them; a choice made in
// the preview is not recorded, and the next preview asks again.
func TestConsentPreviewBrowser(t *testing.T) {
	e, _, site := newPreviewEnv(t)
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	fr, nl := e.cat.For(i18n.FR), e.cat.For(i18n.NL)
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	b.visit("/consent/sites/" + site.ID + "?lang=nl")
	b.expect(fr.T("consent.web.edit_title", map[string]any{"Name": "Boutique"}))
	// The frame's document is of this origin: read the banner in it.
	inFrame := `(() => { const f = document.querySelector("iframe.banner-preview");
		const d = f && f.contentDocument; const g = d && d.querySelector(".gb");
		return g ? d.documentElement.lang + "|" + g.querySelector(".gb-t").textContent + "|" + g.querySelectorAll("button").length : ""; })()`
	want := "nl|" + nl.T("consent.banner.title") + "|3"
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var err error
		if got, err = chromedp.Run(b.ctx, chromedp.Evaluate[string](inFrame)); err != nil {
			t.Fatal(err)
		}
		if got == want {
			break
		}
	}
	if got != want {
		shot(t, b.ctx, "consent-preview-frame")
		t.Fatalf("banner in the frame: %q, want %q", got, want)
	}
	b.check("banner site page with preview")
	b.cspClean()

	// The preview alone, in English: the banner with the site's purposes.
	b.visit("/consent/sites/" + site.ID + "/preview?lang=en")
	en := e.cat.For(i18n.EN)
	b.expect(en.T("consent.web.preview.page_title", map[string]any{"Name": "Boutique"}))
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the stylesheet, for the contrast rules
	b.check("banner preview")
	b.cspClean()
	choose := en.T("consent.banner.choose")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.Search(`//button[normalize-space()="`+choose+`"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS("dialog.gb-dlg"))); err != nil {
		t.Fatal(err)
	}
	labels, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll("dialog.gb-dlg input")].map(c => c.name).join(",")`))
	if err != nil || labels != "necessary,analytics,marketing" {
		t.Fatalf("purposes in the dialog: %q %v", labels, err)
	}
	accept := en.T("consent.banner.accept_all")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.Search(`//dialog//button[normalize-space()="`+accept+`"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.WaitNotPresent(chromedp.CSS(".gb, dialog[open]"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // time for a post, were one allowed
	var n int
	if err := e.db.QueryRow(t.Context(), "SELECT COUNT(*) FROM consent_events").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d events recorded from the preview (%v)", n, err)
	}
	b.visit("/consent/sites/" + site.ID + "/preview?lang=en")
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatalf("the banner does not show again in a new preview: %v", err)
	}
}
