package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// newNewsletterEnv is the centre's environment (mail over SMTP to a server
// in the test, job workers) with the consent service on a clock the test
// can move, so deadlines pass.
func newNewsletterEnv(t *testing.T) (*centreEnv, *consent.Service, *testClock) {
	t.Helper()
	e := newCentreEnv(t)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	clk := &testClock{}
	cs := consent.NewService(consent.Deps{DB: e.db, Audit: e.audit, Outbox: e.outbox, BaseURL: base, Now: clk.Now})
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
	e.seed()
	return e, cs, clk
}

// stageCount is the figure the page shows for a stage.
func stageCount(status string, n int) string {
	return `<dd id="count-` + status + `">` + strconv.Itoa(n) + `</dd>`
}

// TestConsentNewsletterCampaignPages follows a campaign in the back office
// in French: an agent imports the list as a file, sees the counts, sends
// the re-permission emails (in Dutch) over SMTP through the outbox; one
// person confirms with the emailed link, the counts move; after the
// deadline the other is archived. A viewer reads the page but can do none
// of it, and every action is in the audit log under the agent's name.
func TestConsentNewsletterCampaignPages(t *testing.T) {
	e, _, clk := newNewsletterEnv(t)
	agent := e.as(operator.Agent)
	agent.setLang(i18n.FR)
	fr := e.cat.For(i18n.FR)
	nl := e.cat.For(i18n.NL)
	const page = "/consent/newsletter"

	r := agent.get(page)
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, esc(fr.T("newsletter.web.title")), esc(fr.T("newsletter.web.empty")), `href="/consent/newsletter" aria-current="page"`,
		stageCount("to_ask", 0), `action="/consent/newsletter/import"`)

	list := "email,name,subscribed_at,how_added\n" +
		"ana@example.org,Ana,2019-05-31,active\n" +
		"bo@example.nl,Bo,2017-01-02,passive\n" +
		"cy@example.nl,Cy,,unknown\n" +
		"BO@example.nl,Bo again,,passive\n"
	r = agent.uploadInventory(page+"/import", "file", "abonnes.csv", []byte(list))
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, esc(fr.T("newsletter.web.imported", map[string]any{"Rows": 4, "Subscribed": 1, "ToAsk": 2, "Skipped": 1})),
		stageCount("subscribed", 1), stageCount("to_ask", 2), stageCount("asked", 0), `<dd id="count-total">3</dd>`,
		"<th scope=\"row\">bo@example.nl</th>", esc(fr.T("newsletter.how.passive")))

	// Mistakes: a language the emails do not exist in, a count out of range.
	r = agent.post(page+"/send", url.Values{"language": {"de"}, "count": {"0"}})
	r.mustStatus(t, 422)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, `href="#send-language"`, `href="#send-count"`, esc(fr.T("newsletter.error.lang_invalid")),
		esc(fr.T("newsletter.error.count_invalid", map[string]any{"Max": consent.RepermissionPerHour})))
	if n := e.count(t, "SELECT COUNT(*) FROM consent_subscribers WHERE status = 'asked'"); n != 0 {
		t.Fatalf("a refused send asked %d people", n)
	}

	r = agent.post(page+"/send", url.Values{"language": {"nl"}, "count": {"10"}})
	r.mustStatus(t, 303)
	r = agent.get(page)
	r.mustStatus(t, 200)
	r.mustContain(t, esc(fr.T("newsletter.web.flash.sent")), stageCount("to_ask", 0), stageCount("asked", 2),
		esc(fr.T("newsletter.web.send_nobody")),
		esc(fr.T("newsletter.web.cap", map[string]any{"Sent": 2, "PerHour": consent.RepermissionPerHour, "Remaining": consent.RepermissionPerHour - 2})))
	// Nobody left: another press sends nothing.
	r = agent.post(page+"/send", url.Values{"language": {"nl"}, "count": {"10"}})
	r.mustStatus(t, 303)
	agent.get(page).mustContain(t, esc(fr.T("newsletter.web.flash.none_sent")))

	subject := nl.T("consent.mail.repermission.subject")
	link := localPart(t, find(t, confirmURLRE, plain(t, e.mailAbout("bo@example.nl", subject))))
	e.mailAbout("cy@example.nl", subject)
	bo := e.person(i18n.NL)
	bo.get(link).mustStatus(t, 200)
	token, _ := url.Parse(link)
	r = bo.post(consent.PathNewsletterConfirm, url.Values{"token": {token.Query().Get("token")}})
	r.mustStatus(t, 200)
	r.mustContain(t, esc(nl.T("consent.newsletter.done.title")))

	r = agent.get(page)
	r.mustContain(t, stageCount("asked", 1), stageCount("confirmed", 1), stageCount("archived", 0),
		esc(fr.T("newsletter.web.archive_none")))
	// Before the deadline, archiving takes nobody.
	r = agent.post(page+"/archive", nil)
	r.mustStatus(t, 303)
	agent.get(page).mustContain(t, esc(fr.T("newsletter.web.flash.none_archived")), stageCount("asked", 1))

	clk.Set(time.Now().AddDate(0, 0, consent.DefaultRepermissionDays+1))
	r = agent.get(page)
	r.mustContain(t, esc(fr.T("newsletter.web.past_deadline", map[string]any{"N": 1})),
		esc(fr.T("newsletter.web.archive_submit", map[string]any{"Count": 1})), `action="/consent/newsletter/archive"`)
	r = agent.post(page+"/archive", nil)
	r.mustStatus(t, 303)
	r = agent.get(page)
	r.mustContain(t, esc(fr.T("newsletter.web.flash.archived")), stageCount("asked", 0), stageCount("archived", 1),
		stageCount("confirmed", 1), stageCount("subscribed", 1))

	// The list: by stage, and by part of a name.
	r = agent.get(page + "?status=archived")
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, "<th scope=\"row\">cy@example.nl</th>", esc(fr.T("newsletter.stage.archived")))
	r.mustNotContain(t, "<th scope=\"row\">bo@example.nl</th>", "<th scope=\"row\">ana@example.org</th>")
	r = agent.get(page + "?q=" + url.QueryEscape("AN"))
	r.mustContain(t, "<th scope=\"row\">ana@example.org</th>")
	r.mustNotContain(t, "<th scope=\"row\">cy@example.nl</th>")
	r = agent.get(page + "?q=nobody-here")
	r.mustContain(t, esc(fr.T("newsletter.web.none_match")))

	id := e.users[operator.Agent].ID
	for action, want := range map[string]int{"consent.subscribers_imported": 1, "consent.repermission_sent": 2, "consent.subscribers_archived": 2} {
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = ?", action, operator.ActorOf(id)); n != want {
			t.Errorf("audit %s by the agent: %d, want %d", action, n, want)
		}
	}

	viewer := e.as(operator.Viewer)
	r = viewer.get(page)
	r.mustStatus(t, 200)
	r.mustContain(t, stageCount("archived", 1), "<th scope=\"row\">cy@example.nl</th>")
	r.mustNotContain(t, `action="/consent/newsletter/import"`, `action="/consent/newsletter/send"`, `action="/consent/newsletter/archive"`)
	for _, p := range []string{"/import", "/send", "/archive"} {
		if r := viewer.post(page+p, url.Values{"csv": {list}, "language": {"en"}, "count": {"1"}}); r.StatusCode != 403 {
			t.Errorf("viewer POST %s: %d", p, r.StatusCode)
		}
	}
}

// TestConsentNewsletterBadList: a list with mistakes is refused whole, each
// wrong line named with its reason in the page's language, and nothing is
// written; the pasted list comes back to be corrected. A missing list and
// a wrong header are refused too, and so is a list posted from another
// site.
func TestConsentNewsletterBadList(t *testing.T) {
	e, cs := newOptOutEnv(t)
	e.seed()
	admin := e.as(operator.Admin)
	const page = "/consent/newsletter"
	bad := "email,name,subscribed_at,how_added\n" +
		"good@example.org,Good,,passive\n" +
		"pas-une-adresse,X,,passive\n" +
		"dee@example.org,Dee,,achetée\n" +
		"eve@example.org,Eve,2999-01-01,passive\n" +
		"fa\"y@example.org,Fay,,passive\n"
	audits := e.count(t, "SELECT COUNT(*) FROM audit_log")
	for _, lang := range i18n.Langs {
		admin.setLang(lang)
		lz := e.cat.For(lang)
		r := admin.post(page+"/import", url.Values{"csv": {bad}})
		r.mustStatus(t, 422)
		e.checkPage(t, r, lang)
		line := func(n int, id string) string {
			return esc(lz.T("newsletter.web.import_line", map[string]any{"Line": n, "Message": lz.T(id)}))
		}
		r.mustContain(t, esc(lz.T("newsletter.web.import_refused", map[string]any{"N": 4})),
			line(3, "consent.error.email_invalid"), line(4, "consent.error.how_added_invalid"),
			line(5, "consent.error.subscribed_at_invalid"), line(6, "newsletter.error.line_unreadable"),
			esc("pas-une-adresse,X,,passive"))
		r.mustNotContain(t, line(2, "consent.error.email_invalid"))

		r = admin.post(page+"/import", url.Values{"csv": {"mail;nom\nx@y.z;X\n"}})
		r.mustStatus(t, 422)
		r.mustContain(t, esc(lz.T("consent.error.import_header")))
		r = admin.post(page+"/import", url.Values{"csv": {"  "}})
		r.mustStatus(t, 422)
		r.mustContain(t, esc(lz.T("newsletter.error.no_file")))
	}
	// A good list posted from another site is refused before anything.
	good := "email,name,subscribed_at,how_added\nvia-elsewhere@example.org,X,,passive\n"
	if r := admin.do("POST", page+"/import", url.Values{"csv": {good}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}); r.StatusCode != 403 {
		t.Fatalf("cross-site import: %d", r.StatusCode)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM consent_subscribers"); n != 0 {
		t.Fatalf("refused lists wrote %d subscribers", n)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM audit_log"); n != audits {
		t.Fatalf("refused lists wrote %d audit entries", n-audits)
	}
	// Too big: said so, nothing written.
	var big strings.Builder
	big.WriteString("email,name,subscribed_at,how_added\n")
	for i := 0; big.Len() <= maxNewsletterBody; i++ {
		fmt.Fprintf(&big, "someone-%d@example.org,Someone,,passive\n", i)
	}
	r := admin.uploadInventory(page+"/import", "file", "big.csv", []byte(big.String()))
	r.mustStatus(t, 422)
	r.mustContain(t, esc(e.cat.For(i18n.NL).T("newsletter.error.upload_too_large", map[string]any{"Max": consent.MaxImportBytes >> 20})))
	if c, err := cs.Campaign(t.Context()); err != nil || c.Total != 0 {
		t.Fatalf("after refused lists: %+v %v", c, err)
	}
	// A list far larger than any other form imports whole from the page.
	var long strings.Builder
	long.WriteString("email,name,subscribed_at,how_added\n")
	const rows = 6000
	for i := range rows {
		fmt.Fprintf(&long, "reader-%d@example.org,Reader %d,2019-05-01,unknown\n", i, i)
	}
	if long.Len() <= 4*maxBody {
		t.Fatalf("the long list has only %d bytes", long.Len())
	}
	r = admin.uploadInventory(page+"/import", "file", "long.csv", []byte(long.String()))
	r.mustStatus(t, http.StatusOK)
	if c, err := cs.Campaign(t.Context()); err != nil || c.Total != rows {
		t.Fatalf("after the long list: %+v %v", c, err)
	}
}
