package consent

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/browsertest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// headless starts a Chromium for the test.
func headless(t *testing.T) context.Context {
	t.Helper()
	path := browsertest.Chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(path), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1100, 800), chromedp.UserDataDir(t.TempDir()))
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// bannerWorld is Garde's public side on one server and a shop's pages on
// another origin, as in production.
type bannerWorld struct {
	svc   *Service
	db    *db.DB
	cat   *i18n.Catalog
	site  *Site
	garde *httptest.Server
	shop  *httptest.Server
}

// shopPage is a page of the shop: the banner tag, and an analytics and a
// marketing script held back until their purpose is granted. The analytics
// script sets a cookie of its own, as real ones do.
const shopPage = `<!doctype html><html lang="%s"><head><title>Shop</title>
<script src="%s` + BannerPath + `?site=%s" defer></script></head><body><h1>Shop</h1>
<script type="text/plain" data-garde-category="analytics">window.ran = (window.ran || []).concat("analytics"); document.cookie = "_stats=1; path=/";</script>
<script type="text/plain" data-garde-category="marketing">window.ran = (window.ran || []).concat("marketing");</script>
<a href="#" data-garde-open>Cookies</a></body></html>`

func newBannerWorld(t *testing.T) *bannerWorld {
	t.Helper()
	w := &bannerWorld{db: dbtest.Open(t, db.SQLite), cat: i18n.MustLoad()}
	w.svc, _ = newTestService(t, w.db)
	w.svc.now = time.Now
	mux := http.NewServeMux()
	w.garde = httptest.NewServer(mux)
	t.Cleanup(w.garde.Close)
	NewPublic(w.svc, PublicOptions{Catalog: w.cat, BaseURL: w.garde.URL}).Register(mux)

	shopMux := http.NewServeMux()
	w.shop = httptest.NewServer(shopMux)
	t.Cleanup(w.shop.Close)
	// The two servers differ by port only; "localhost" gives the shop
	// another origin and its own cookie jar entry.
	w.shop.URL = strings.Replace(w.shop.URL, "127.0.0.1", "localhost", 1)
	var err error
	w.site, err = w.svc.CreateSite(t.Context(), "token:t", SiteInput{Name: "Shop", Origins: []string{w.shop.URL},
		NoticeVersion: "2026-01", PolicyURL: w.shop.URL + "/privacy"})
	if err != nil {
		t.Fatal(err)
	}
	shopMux.HandleFunc("GET /{lang}/", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, shopPage, r.PathValue("lang"), w.garde.URL, w.site.ID)
	})
	shopMux.HandleFunc("GET /privacy", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, shopPage, "en", w.garde.URL, w.site.ID)
	})
	return w
}

func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func visit(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func clickText(t *testing.T, ctx context.Context, scope, label string) {
	t.Helper()
	xp := fmt.Sprintf(`//*[contains(@class,%q)]//button[normalize-space()=%q]`, scope, label)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.Search(xp))); err != nil {
		t.Fatalf("click %q: %v", label, err)
	}
}

// waitEvents waits until the ledger holds n events for the device.
func (w *bannerWorld) waitEvents(t *testing.T, device string, n int) []Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs, err := w.svc.History(context.Background(), Holder{DeviceID: device}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) >= n {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("device %q: %d events in the ledger, want %d", device, len(evs), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cookieDevice reads the device identifier from the consent cookie.
func cookieDevice(t *testing.T, ctx context.Context) string {
	t.Helper()
	c := evalJS[string](t, ctx, `decodeURIComponent((document.cookie.match(/garde_consent=([^;]*)/) || ["", ""])[1])`)
	f := strings.Split(c, "~")
	if len(f) != 4 || len(f[2]) != 32 {
		t.Fatalf("consent cookie %q", c)
	}
	// The identifier starts with the time, so new devices append to the
	// ledger's device index.
	ms, err := strconv.ParseInt(f[2][:12], 16, 64)
	if at := time.UnixMilli(ms - 1<<44); err != nil || time.Since(at).Abs() > time.Hour {
		t.Fatalf("device %q does not start with the time (%v)", f[2], err)
	}
	return f[2]
}

// TestBannerRefuseThenGrant: the banner speaks the page's language;
// refusing keeps the analytics script from running and leaves only the
// consent cookie; the refusal is in the ledger and Consent Mode got its
// default then its update; the banner comes back on the policy page, where
// a keyboard user stays in the preferences dialog, finds nothing ticked,
// grants analytics, and the held-back script runs.
func TestBannerRefuseThenGrant(t *testing.T) {
	w := newBannerWorld(t)
	ctx := headless(t)
	fr := w.cat.For(i18n.FR)

	visit(t, ctx, w.shop.URL+"/fr/")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, ".gb-t"); got != fr.T("consent.banner.title") {
		t.Fatalf("banner title %q", got)
	}
	// Accept and refuse side by side, the same element with the same class.
	classes := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll(".gb .gb-bar button")).map(b => b.className + "|" + b.textContent)`)
	if !slices.Equal(classes, []string{"gb-btn|" + fr.T("consent.banner.refuse_all"), "gb-btn|" + fr.T("consent.banner.accept_all"),
		"gb-btn|" + fr.T("consent.banner.choose")}) {
		t.Fatalf("first layer buttons %q", classes)
	}
	if evalJS[bool](t, ctx, `!!document.querySelector(".gb-gpc")`) {
		t.Fatal("GPC line without the signal")
	}

	clickText(t, ctx, "gb", fr.T("consent.banner.refuse_all"))
	device := cookieDevice(t, ctx)
	evs := w.waitEvents(t, device, 1)
	if e := evs[0]; len(e.Granted) != 0 || !slices.Equal(purposeStrings(e.Refused), []string{"preferences", "analytics", "marketing", "sale_sharing"}) ||
		e.Source != SourceBanner || e.Method != Express || e.Language != "fr" || e.NoticeVersion != "2026-01" || e.SiteID != w.site.ID {
		t.Fatalf("refusal in the ledger: %+v", e)
	}
	if evalJS[bool](t, ctx, `!!document.querySelector(".gb")`) {
		t.Fatal("banner still shown after the choice")
	}
	if ran := evalJS[bool](t, ctx, `window.ran !== undefined`); ran {
		t.Fatal("a held-back script ran after refuse all")
	}
	names := evalJS[[]string](t, ctx, `document.cookie.split("; ").map(c => c.split("=")[0])`)
	if !slices.Equal(names, []string{cookieName}) {
		t.Fatalf("cookies after refusal: %v", names)
	}
	all, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{w.shop.URL, w.garde.URL}})
	if err != nil || len(all.Cookies) != 1 {
		t.Fatalf("browser cookies: %d %v", len(all.Cookies), err)
	}
	modes := evalJS[[]string](t, ctx, `dataLayer.filter(a => a[0] === "consent").map(a => a[1] + ":" + a[2].analytics_storage + ":" + a[2].ad_storage)`)
	if !slices.Equal(modes, []string{"default:denied:denied", "update:denied:denied"}) {
		t.Fatalf("consent mode signals %v", modes)
	}

	// A later visit: no banner, still nothing run.
	visit(t, ctx, w.shop.URL+"/fr/")
	time.Sleep(300 * time.Millisecond)
	if evalJS[bool](t, ctx, `!!document.querySelector(".gb") || window.ran !== undefined`) {
		t.Fatal("banner shown again or script run on the next visit")
	}

	// The policy page shows the banner again (English page this time).
	en := w.cat.For(i18n.EN)
	visit(t, ctx, w.shop.URL+"/privacy")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, ".gb-t"); got != en.T("consent.banner.title") {
		t.Fatalf("policy page banner %q", got)
	}
	clickText(t, ctx, "gb", en.T("consent.banner.choose"))
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("dialog.gb-dlg"))); err != nil {
		t.Fatal(err)
	}
	ticked := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("dialog input:checked")).map(c => c.name)`)
	if !slices.Equal(ticked, []string{"necessary"}) {
		t.Fatalf("pre-ticked: %v", ticked)
	}
	unlabelled := evalJS[int](t, ctx, `Array.from(document.querySelectorAll("dialog input")).filter(c => !c.labels.length || !c.getAttribute("aria-describedby")).length`)
	if unlabelled != 0 {
		t.Fatalf("%d controls without a label", unlabelled)
	}
	// Focus stays in the dialog however far a keyboard user tabs.
	for i := 0; i < 12; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		if !evalJS[bool](t, ctx, `document.querySelector("dialog.gb-dlg").contains(document.activeElement)`) {
			t.Fatalf("focus left the dialog after %d tabs: %s", i+1, evalJS[string](t, ctx, `document.activeElement.outerHTML`))
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`label[for="gb-p-analytics"]`))); err != nil {
		t.Fatal(err)
	}
	clickText(t, ctx, "gb-dlg", en.T("consent.banner.save"))
	evs = w.waitEvents(t, device, 2)
	if e := evs[0]; !slices.Equal(purposeStrings(e.Granted), []string{"analytics"}) || len(e.Refused) != 3 {
		t.Fatalf("grant in the ledger: %+v", e)
	}
	if st, _ := w.svc.Check(t.Context(), Holder{DeviceID: device}, "analytics"); st.Decision != Granted {
		t.Fatalf("analytics state: %+v", st)
	}
	if ran := evalJS[[]string](t, ctx, `window.ran || []`); !slices.Equal(ran, []string{"analytics"}) {
		t.Fatalf("scripts run after granting analytics: %v", ran)
	}
	modes = evalJS[[]string](t, ctx, `dataLayer.filter(a => a[0] === "consent").map(a => a[1] + ":" + a[2].analytics_storage + ":" + a[2].ad_storage)`)
	if modes[len(modes)-1] != "update:granted:denied" {
		t.Fatalf("consent mode after the grant %v", modes)
	}
	// And on the next page it runs without asking.
	visit(t, ctx, w.shop.URL+"/nl/")
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.ran && window.ran.length === 1`)); err != nil {
		t.Fatal(err)
	}
	if evalJS[bool](t, ctx, `!!document.querySelector(".gb")`) {
		t.Fatal("banner shown with a valid choice")
	}

	// A new notice version asks again, and until answered nothing runs.
	if _, err := w.svc.UpdateSite(t.Context(), "token:t", w.site.ID, SiteInput{Name: "Shop", Origins: w.site.Origins,
		NoticeVersion: "2026-02", PolicyURL: w.site.PolicyURL}); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, w.shop.URL+"/en/")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
	if ran := evalJS[bool](t, ctx, `window.ran !== undefined`); ran {
		t.Fatal("script run under a choice made for the old notice")
	}
	// A choice older than the re-ask period is asked again too: the cookie
	// is rewritten as if the choice was seven months old.
	clickText(t, ctx, "gb", en.T("consent.banner.accept_all"))
	w.waitEvents(t, device, 3)
	evalJS[bool](t, ctx, `(function () {
		var f = decodeURIComponent(document.cookie.match(/garde_consent=([^;]*)/)[1]).split("~");
		f[1] = String(Math.floor(Date.now() / 1000) - 213 * 86400);
		document.cookie = "garde_consent=" + encodeURIComponent(f.join("~")) + "; Path=/";
		return true;
	})()`)
	visit(t, ctx, w.shop.URL+"/en/")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb"))); err != nil {
		t.Fatal(err)
	}
}

// TestBannerGlobalPrivacyControl: with GPC on, sale, sharing and marketing
// are refused before anyone clicks, the person is told so in the page's
// language, those boxes cannot be ticked, and even "accept all" leaves the
// marketing script blocked.
func TestBannerGlobalPrivacyControl(t *testing.T) {
	w := newBannerWorld(t)
	ctx := headless(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true});`}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Sec-GPC": "1"}}); err != nil {
		t.Fatal(err)
	}
	nl := w.cat.For(i18n.NL)
	visit(t, ctx, w.shop.URL+"/nl/")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".gb-gpc"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, ".gb-gpc"); got != nl.T("consent.banner.gpc") {
		t.Fatalf("GPC line %q", got)
	}
	device := cookieDevice(t, ctx)
	evs := w.waitEvents(t, device, 1)
	if e := evs[0]; e.Source != SourceGPC || e.Method != OptOut || !e.GPC || len(e.Granted) != 0 ||
		!slices.Equal(purposeStrings(e.Refused), []string{"marketing", "sale_sharing"}) {
		t.Fatalf("GPC opt-out: %+v", e)
	}
	clickText(t, ctx, "gb", nl.T("consent.banner.choose"))
	disabled := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("dialog input:disabled")).map(c => c.name + ":" + c.checked)`)
	if !slices.Equal(disabled, []string{"necessary:true", "marketing:false", "sale_sharing:false"}) {
		t.Fatalf("disabled boxes %v", disabled)
	}
	clickText(t, ctx, "gb-dlg", nl.T("consent.banner.accept_all"))
	evs = w.waitEvents(t, device, 2)
	if e := evs[0]; !slices.Equal(purposeStrings(e.Granted), []string{"preferences", "analytics"}) ||
		!slices.Equal(purposeStrings(e.Refused), []string{"marketing", "sale_sharing"}) || !e.GPC {
		t.Fatalf("accept all under GPC: %+v", e)
	}
	for p, want := range map[string]Decision{"marketing": Refused, "sale_sharing": Refused, "analytics": Granted} {
		if st, _ := w.svc.Check(t.Context(), Holder{DeviceID: device}, p); st.Decision != want {
			t.Fatalf("%s: %s", p, st.Decision)
		}
	}
	if ran := evalJS[[]string](t, ctx, `window.ran || []`); !slices.Equal(ran, []string{"analytics"}) {
		t.Fatalf("scripts run under GPC: %v", ran)
	}
	ad := evalJS[string](t, ctx, `dataLayer.filter(a => a[0] === "consent").pop()[2].ad_storage`)
	if ad != "denied" {
		t.Fatalf("ad_storage under GPC: %s", ad)
	}
}
