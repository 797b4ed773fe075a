package web

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// newOptOutEnv is newEnv with the consent ledger behind the opt-out pages
// and a webhook endpoint subscribed to opt-outs.
func newOptOutEnv(t *testing.T) (*env, *consent.Service) {
	t.Helper()
	e := newEnv(t)
	log := slog.New(e.logs)
	key := make([]byte, secrets.KeySize)
	rand.Read(key)
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(e.db, log)
	hooks := webhooks.NewService(webhooks.Deps{DB: e.db, Queue: q, Box: box, Audit: e.audit, Log: log})
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hooks.Create(t.Context(), operator.ActorCLI, webhooks.EndpointInput{URL: "https://hooks.example/optout",
		Events: []string{consent.EventOptOut}, Active: true}); err != nil {
		t.Fatal(err)
	}
	signer, err := consent.NewReceiptSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	cs := consent.NewService(consent.Deps{DB: e.db, Audit: e.audit, Log: log, Webhooks: hooks, ReceiptSigner: signer})
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: e.cat, DB: e.db, Operators: e.ops, Audit: e.audit, Outbox: e.outbox, Log: log, Consent: cs})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Close()
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e, cs
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConsentOptOutPages: in each language, both pages record the opt-out
// for the browser and the email given, confirm it, and queue the webhook;
// a mistyped address comes back with its error and records nothing.
func TestConsentOptOutPages(t *testing.T) {
	e, cs := newOptOutEnv(t)
	for _, lang := range []i18n.Lang{i18n.EN, i18n.FR, i18n.NL} {
		lz := e.cat.For(lang)
		for path, kind := range map[string]consent.OptOutKind{optOutSellPath: consent.DoNotSell, optOutSensitivePath: consent.LimitSensitive} {
			c := e.person(lang)
			r := c.get(path)
			r.mustStatus(t, 200)
			e.checkPage(t, r, lang)
			r.mustContain(t, esc(lz.T("consent.optout."+string(kind)+".title")), `action="`+path+`"`)
			r.mustNotContain(t, esc(lz.T("consent.optout.gpc_seen")))

			before := e.count(t, "SELECT COUNT(*) FROM consent_events")
			r = c.post(path, url.Values{"email": {"jo@"}})
			r.mustStatus(t, 422)
			e.checkPage(t, r, lang)
			r.mustContain(t, esc(lz.T("consent.error.email_invalid")), `aria-invalid="true"`)
			if n := e.count(t, "SELECT COUNT(*) FROM consent_events"); n != before {
				t.Fatalf("a refused form recorded %d events", n-before)
			}

			email := "Jo." + string(lang) + "@Example.org"
			r = c.post(path, url.Values{"email": {email}})
			r.mustStatus(t, 200)
			e.checkPage(t, r, lang)
			r.mustContain(t, esc(lz.T("consent.optout.done."+string(kind))))
			dev := deviceOf(c)
			if !deviceValue.MatchString(dev) {
				t.Fatalf("device cookie %q", dev)
			}
			for _, h := range []consent.Holder{{SubjectID: "jo." + string(lang) + "@example.org"}, {DeviceID: dev}} {
				for _, p := range kind.Purposes() {
					st, err := cs.Check(t.Context(), h, string(p))
					if err != nil || st.Decision != consent.Refused {
						t.Fatalf("%s %+v %s: %+v %v", path, h, p, st, err)
					}
				}
			}
		}
	}
	if n := e.count(t, "SELECT COUNT(*) FROM webhook_deliveries WHERE event = ?", consent.EventOptOut); n != 6 {
		t.Fatalf("opt-out webhooks queued: %d", n)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.choice' AND actor = 'public'"); n != 6 {
		t.Fatalf("audited opt-outs by email: %d", n)
	}
}

// TestConsentOptOutGPC: a browser sending Sec-GPC: 1 is opted out when it
// opens the page, once, and is told so.
func TestConsentOptOutGPC(t *testing.T) {
	e, cs := newOptOutEnv(t)
	c := e.person(i18n.FR)
	c.header.Set("Sec-GPC", "1")
	for range 2 {
		r := c.get(optOutSellPath)
		r.mustStatus(t, 200)
		r.mustContain(t, esc(e.cat.For(i18n.FR).T("consent.optout.gpc_seen")))
	}
	dev := deviceOf(c)
	hist, err := cs.History(t.Context(), consent.Holder{DeviceID: dev}, 0)
	if err != nil || len(hist) != 1 || hist[0].Source != consent.SourceGPC || !hist[0].GPC || hist[0].Method != consent.OptOut {
		t.Fatalf("GPC opt-out: %+v %v", hist, err)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM webhook_deliveries WHERE event = ?", consent.EventOptOut); n != 1 {
		t.Fatalf("webhooks: %d", n)
	}
	// Without the signal, nothing is recorded by a visit.
	other := e.person(i18n.EN)
	other.get(optOutSensitivePath).mustStatus(t, 200)
	if deviceOf(other) != "" {
		t.Fatal("a device cookie without a choice")
	}
	if r := other.do(http.MethodPut, optOutSellPath, nil, nil); r.StatusCode == 200 {
		t.Fatalf("PUT answered %d", r.StatusCode)
	}
}

// deviceOf reads the device cookie, which only the centre's pages get.
func deviceOf(c *client) string {
	u, _ := url.Parse(c.e.srv.URL + "/privacy/")
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == deviceCookie {
			return ck.Value
		}
	}
	return ""
}
