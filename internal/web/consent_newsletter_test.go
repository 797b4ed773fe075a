package web

import (
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
)

var confirmURLRE = regexp.MustCompile(`https?://[^\s"<>]+/privacy/newsletter/confirm\?token=[A-Za-z0-9_%-]+`)

// TestConsentNewsletterRepermission: a passive subscriber gets the
// re-permission email over SMTP in Dutch; opening its link changes
// nothing; pressing the button records their express consent; a forged
// link says it is not valid.
func TestConsentNewsletterRepermission(t *testing.T) {
	e := newCentreEnv(t)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	cs := consent.NewService(consent.Deps{DB: e.db, Audit: e.audit, Outbox: e.outbox, BaseURL: base})
	cfg := &config.Config{Addr: "127.0.0.1:8080", BaseURL: base, DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: e.cat, DB: e.db, Operators: e.ops, Audit: e.audit, Outbox: e.outbox,
		Log: slog.New(e.logs), Requests: e.svc, Organization: "Acme", Consent: cs})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv

	if _, err := cs.ImportSubscribers(t.Context(), "operator:o1", strings.NewReader(
		"email,name,subscribed_at,how_added\nlies@example.nl,Lies,2018-03-01,passive\n")); err != nil {
		t.Fatal(err)
	}
	if n, err := cs.SendRepermission(t.Context(), "operator:o1", i18n.NL, 10); err != nil || n != 1 {
		t.Fatalf("send: %d %v", n, err)
	}
	nl := e.cat.For(i18n.NL)
	m := e.mailAbout("lies@example.nl", nl.T("consent.mail.repermission.subject"))
	body := plain(t, m)
	if !strings.Contains(body, "Beste Lies,") {
		t.Fatalf("email:\n%s", body)
	}
	link := localPart(t, find(t, confirmURLRE, body))

	c := e.person(i18n.NL)
	r := c.get(link)
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.NL)
	r.mustContain(t, esc(nl.T("consent.newsletter.text", map[string]any{"Email": "lies@example.nl"})))
	if st, _ := cs.Check(t.Context(), consent.Holder{SubjectID: "lies@example.nl"}, "newsletter"); st.Decision != consent.None {
		t.Fatalf("opening the link recorded %+v", st)
	}
	token, _ := url.Parse(link)
	r = c.post(consent.PathNewsletterConfirm, url.Values{"token": {token.Query().Get("token")}})
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.NL)
	r.mustContain(t, esc(nl.T("consent.newsletter.done.title")))
	if st, _ := cs.Check(t.Context(), consent.Holder{SubjectID: "lies@example.nl"}, "newsletter"); st.Decision != consent.Granted {
		t.Fatalf("after confirming: %+v", st)
	}

	r = c.get(consent.PathNewsletterConfirm + "?token=forged")
	r.mustStatus(t, 404)
	r.mustContain(t, esc(nl.T("consent.error.link_invalid")))
}
