package web

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// a11yBrowser drives one Chromium through the pages and runs axe on each.
type a11yBrowser struct {
	t   *testing.T
	ctx context.Context
	axe string
	// base is the address of the server being visited.
	base string

	mu      sync.Mutex
	console []string
}

func newA11yBrowser(t *testing.T) *a11yBrowser {
	src := axeSource(t)
	b := &a11yBrowser{t: t, ctx: browser(t), axe: src}
	if _, err := chromedp.Call(b.ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for ev, err := range chromedp.Events(b.ctx, cdplog.EntryAdded) {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, ev.Entry.Text)
			b.mu.Unlock()
		}
	}()
	return b
}

// visit opens a path of the server.
func (b *a11yBrowser) visit(path string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+path)); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
}

// click presses what loads a new page, and waits for it.
func (b *a11yBrowser) click(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

// fill types into fields by id; a <select> gets its value set.
func (b *a11yBrowser) fill(fields ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID(fields[i]), fields[i+1])); err != nil {
			b.t.Fatalf("fill %s: %v", fields[i], err)
		}
	}
}

// expect checks the page's main heading, to be sure axe looks at the page
// meant.
func (b *a11yBrowser) expect(h1 string) {
	b.t.Helper()
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		b.t.Fatalf("h1: %v", err)
	}
	if strings.TrimSpace(got) != h1 {
		shot(b.t, b.ctx, "a11y-unexpected")
		b.t.Fatalf("the page shows %q, want %q", strings.TrimSpace(got), h1)
	}
}

// check runs axe on the page shown.
func (b *a11yBrowser) check(name string) {
	b.t.Helper()
	axeCheck(b.t, b.ctx, b.axe, name)
}

// useServer moves to another server, forgetting every cookie, and sets the
// language cookie the switch would.
func (b *a11yBrowser) useServer(base string, lang i18n.Lang) {
	b.t.Helper()
	b.base = base
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		b.t.Fatal(err)
	}
	b.setLang(lang)
}

func (b *a11yBrowser) setLang(lang i18n.Lang) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.SetCookie, network.SetCookieParams{
		Name: langCookie, Value: string(lang), URL: b.base + "/",
	}); err != nil {
		b.t.Fatal(err)
	}
}

// cspClean fails on anything the browser refused under the pages' policy,
// axe's own work included.
func (b *a11yBrowser) cspClean() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range b.console {
		if strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Refused to") {
			b.t.Errorf("browser reported: %s", l)
		}
	}
}

// TestAccessibility runs axe-core (WCAG 2.1 A and AA) in Chromium on every
// page of the privacy centre in French, in the states a person meets them
// (empty, with errors, after sending), and on the back office's pages in
// English, with its sign-in page in Dutch too.
func TestAccessibility(t *testing.T) {
	b := newA11yBrowser(t)
	e := newCentreEnv(t)
	ctx := context.Background()
	if _, err := e.svc.CreateSystem(ctx, requests.TokenActor("test"), requests.SystemInput{
		Name: "Partner integration", OwnerEmail: "partner@example.org", Kind: requests.SystemManual, Active: true,
	}); err != nil {
		t.Fatal(err)
	}

	// The privacy centre, in French.
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/privacy")
	b.expect("Vos droits sur vos données")
	b.check("centre home")
	b.visit(centreFormPath)
	b.check("centre form")
	b.click(`form[action="/privacy/request"] button[type="submit"]`)
	b.expect("Faire une demande sur vos données")
	b.check("centre form with errors")
	b.fill("req-email", "camille@example.fr", "req-name", "Camille Martin", "req-region", "FR",
		"req-subject", "Copie de mes données", "req-description", "Je souhaite une copie de mes données.")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("req-type-access"))); err != nil {
		t.Fatal(err)
	}
	b.click(`form[action="/privacy/request"] button[type="submit"]`)
	b.expect("Consultez votre messagerie")
	b.check("centre check your email")
	ref := find(t, referenceRE, e.mailTo("camille@example.fr", 1)[0].Subject)

	b.visit(centreVerifyPath)
	b.check("centre code page")
	b.click(`form[action="/privacy/verify"] button[type="submit"]`)
	b.check("centre code page with errors")

	link := localPart(t, find(t, verifyURLRE, plain(t, e.mailTo("camille@example.fr", 1)[0])))
	b.visit(link)
	b.expect("Confirmez votre demande")
	b.check("centre confirmation link")
	b.click(`form[action="/privacy/verify"] button[type="submit"]`)
	b.expect("Votre demande " + ref)
	b.check("centre status")
	b.click(`form[action="/privacy/status/reply"] button[type="submit"]`)
	b.check("centre status with errors")

	task := localPart(t, find(t, taskURLRE, plain(t, e.mailTo("partner@example.org", 1)[0])))
	b.visit(task)
	b.check("centre task")
	b.fill("task-note", "Fait.")
	b.click(`form[action="/privacy/task"] button[type="submit"]`)
	b.check("centre task done")

	// Withdrawing another request: the question, then the answer.
	_, status := e.verifiedStatus(t, e.person(i18n.FR), "ana@example.fr")
	b.visit(status)
	b.click(`form[action="/privacy/status/withdraw"] button[type="submit"]`)
	b.check("centre withdraw confirmation")
	b.click(`form[action="/privacy/status/withdraw"] button[type="submit"]`)
	b.check("centre withdrawn")

	for _, p := range []struct{ name, path string }{
		{"centre dead confirmation link", centreVerifyPath + "?token=" + strings.Repeat("x", 43)},
		{"centre damaged link", centreStatusPath + "?token=%3C"},
		{"centre not found", "/privacy/nothing/here"},
	} {
		b.visit(p.path)
		b.check(p.name)
	}

	// The back office, in English, from its setup.
	token, err := e.ops.CreateSetupToken(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b.setLang(i18n.EN)
	b.visit("/setup?token=" + url.QueryEscape(token))
	b.expect("Create the owner account")
	b.check("setup")
	b.fill("setup-email", "camille@example.org", "setup-name", "Camille", "setup-password", password, "setup-confirm", "typo")
	b.click(`form[action="/setup"] button[type="submit"]`)
	b.check("setup with errors")
	b.fill("setup-password", password, "setup-confirm", password)
	b.click(`form[action="/setup"] button[type="submit"]`)
	b.expect("Dashboard")
	b.check("dashboard")

	req, err := e.svc.GetByReference(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, path string }{
		{"requests", "/requests"},
		{"request", "/requests/" + req.ID},
		{"operators", "/operators"},
		{"tokens", "/tokens"},
		{"mail", "/mail"},
		{"audit", "/audit"},
		{"systems", "/systems"},
		{"account", "/account"},
		{"not found", "/nothing/here"},
	} {
		b.visit(p.path)
		b.check(p.name)
	}
	b.click(".logout button")
	b.expect("Sign in")
	b.check("login")
	b.fill("login-email", "camille@example.org", "login-password", "wrong")
	b.click(`form[action="/login"] button[type="submit"]`)
	b.check("login with errors")
	b.setLang(i18n.NL)
	b.visit("/login")
	b.expect("Aanmelden")
	b.check("login in Dutch")

	// Webhooks live on a server with their service.
	we, wsvc := newWebhooksEnv(t)
	if _, _, err := wsvc.Create(ctx, "test", webhooks.EndpointInput{URL: "https://hooks.example.org/garde", Description: "CRM", Events: []string{webhooks.EventRequestCreated}, Active: true}); err != nil {
		t.Fatal(err)
	}
	b.useServer(we.srv.URL, i18n.EN)
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)
	b.visit("/webhooks")
	b.check("webhooks")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`a[href^="/webhooks/"]`))); err != nil {
		t.Fatal(err)
	}
	b.check("webhook endpoint")

	// The check sees a defect when there is one: an image without a text
	// alternative, added to the page.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](`document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/garde.css">'); null`)); err != nil {
		t.Fatal(err)
	}
	if vs := axeRun(t, b.ctx, b.axe, "defect"); len(vs) != 1 || vs[0].ID != "image-alt" {
		t.Errorf("axe found %v on a page with an image without alt, want image-alt", vs)
	}

	b.cspClean()
}
