package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/testutil/browsertest"
)

// browser starts a headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := browsertest.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// An English-speaking browser, so the first pages are in English.
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1200, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// TestBrowserSetupLoginLanguages is what a newcomer does, in a real
// browser: follow the setup link, create the owner, sign out and in,
// switch to French then Dutch, and find Dutch again after signing out,
// and after signing in from a browser that forgot every cookie.
func TestBrowserSetupLoginLanguages(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	token, err := e.ops.CreateSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	// Collect what the browser reports, to fail on any CSP violation.
	var mu sync.Mutex
	var consoleLog []string
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			mu.Lock()
			consoleLog = append(consoleLog, ev.Entry.Text)
			mu.Unlock()
		}
	}()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	expect := func(sel, want string) {
		t.Helper()
		if got := text(sel); got != want {
			shot(t, ctx, "unexpected")
			t.Fatalf("%s shows %q, want %q", sel, got, want)
		}
	}
	lang := func() string {
		t.Helper()
		l, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	// click presses a button or link that loads a new page, and waits for it.
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	fill := func(fields map[string]string) {
		t.Helper()
		for id, v := range fields {
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), v)); err != nil {
				t.Fatalf("type into %s: %v", id, err)
			}
		}
	}
	login := func() {
		t.Helper()
		fill(map[string]string{"login-email": "camille@example.org", "login-password": password})
		click(`form[action="/login"] button[type="submit"]`)
	}

	// The setup link printed at first start.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/setup?token="+token)); err != nil {
		t.Fatal(err)
	}
	expect("h1", "Create the owner account")
	if lang() != "en" {
		t.Fatalf("setup page lang %q", lang())
	}
	// A mistyped confirmation comes back with the error summary.
	fill(map[string]string{"setup-email": "camille@example.org", "setup-name": "Camille", "setup-password": password, "setup-confirm": "typo"})
	click(`form[action="/setup"] button[type="submit"]`)
	expect(".error-summary a", "The two passwords do not match.")
	fill(map[string]string{"setup-password": password, "setup-confirm": password})
	click(`form[action="/setup"] button[type="submit"]`)
	expect("h1", "Dashboard")
	expect(".flash", "Your owner account is ready. Welcome to Garde.")
	expect(".lead", "Hello, Camille. You are signed in as Owner.")
	shot(t, ctx, "dashboard-en")

	// Sign out, then in again.
	click(".logout button")
	expect("h1", "Sign in")
	login()
	expect("h1", "Dashboard")

	// French, then Dutch: the visible text follows.
	click(`.lang-switch button[value="fr"]`)
	expect("h1", "Tableau de bord")
	expect(`.nav a[href="/audit"]`, "Journal d’audit")
	if lang() != "fr" {
		t.Errorf("lang %q after switching to French", lang())
	}
	click(`.nav a[href="/account"]`)
	expect("h1", "Mon compte")
	shot(t, ctx, "account-fr")
	click(`.lang-switch button[value="nl"]`)
	// The switch brought us back to the same page, now in Dutch.
	expect("h1", "Mijn account")
	click(`.nav a[href="/"]`)
	expect("h1", "Overzicht")
	if lang() != "nl" {
		t.Errorf("lang %q after switching to Dutch", lang())
	}

	// Signing out keeps the language in this browser…
	click(".logout button")
	expect("h1", "Aanmelden")
	expect(".flash", "U bent afgemeld.")
	login()
	expect("h1", "Overzicht")
	shot(t, ctx, "dashboard-nl")

	// …and the account keeps it for a browser that has no cookie at all.
	click(".logout button")
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	expect("h1", "Sign in")
	login()
	expect("h1", "Overzicht")
	expect(".lead", "Hallo Camille. U bent aangemeld met de rol Eigenaar.")

	mu.Lock()
	defer mu.Unlock()
	for _, l := range consoleLog {
		if strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Refused to") {
			t.Errorf("browser reported: %s", l)
		}
	}
}

// shot saves a screenshot when GARDE_TEST_SCREENSHOTS names a directory,
// to look at the pages a test went through.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("GARDE_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
