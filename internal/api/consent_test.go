package api

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/operator"
)

// consentFixture is the API fixture with the consent ledger and a
// consent:read and a consent:write token.
func consentFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	for label, scope := range map[string]string{"consent-read": operator.ScopeConsentRead, "consent-write": operator.ScopeConsentWrite} {
		raw, tok, err := f.ops.CreateToken(t.Context(), operator.ActorCLI, operator.NewToken{Name: label, Scopes: []string{scope}})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
	return f
}

func TestConsentAPI(t *testing.T) {
	f := consentFixture(t)

	// Record, then check: the answer is the committed state.
	w := f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write",
		body: `{"subject_id":"cust-7","device_id":"dev-7","granted":["analytics"],"refused":["marketing","sale_sharing"],
		"method":"express","source":"checkout","notice_version":"2026-01","language":"fr"}`})
	if w.Code != 200 {
		t.Fatalf("record: %d %s", w.Code, w.Body)
	}
	ev := decode[ConsentEvent](t, w.Body.Bytes())
	if ev.Kind != "choice" || !slices.Equal(ev.Granted, []string{"analytics"}) || ev.RecordedAt.IsZero() {
		t.Fatalf("recorded: %s", w.Body)
	}
	check := func(query string) ConsentCheck {
		t.Helper()
		w := f.do(t, request{path: "/api/v1/consent/check?" + query, token: "consent-read"})
		if w.Code != 200 {
			t.Fatalf("check %s: %d %s", query, w.Code, w.Body)
		}
		return decode[ConsentCheck](t, w.Body.Bytes())
	}
	if c := check("subject=cust-7&purpose=analytics"); !c.Allowed || c.Decision != "granted" || c.EventID != ev.ID {
		t.Fatalf("analytics: %+v", c)
	}
	if c := check("device=dev-7&purpose=marketing"); c.Allowed || c.Decision != "refused" {
		t.Fatalf("marketing: %+v", c)
	}
	if c := check("subject=someone-else&purpose=analytics"); c.Allowed || c.Decision != "none" {
		t.Fatalf("unknown subject: %+v", c)
	}

	// A confirmed objection sent as a request stops marketing for that
	// address, whatever the ledger says.
	requestTokens(t, f)
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write",
		body: `{"subject_id":"jo@example.fr","granted":["marketing"],"method":"express","source":"form"}`})
	if w.Code != 200 {
		t.Fatalf("record for jo: %d %s", w.Code, w.Body)
	}
	if c := check("subject=jo@example.fr&purpose=marketing"); !c.Allowed || c.Restricted {
		t.Fatalf("before the objection: %+v", c)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write",
		body: `{"email":"jo@example.fr","name":"Jo","subject":"Prospection","type":"objection","description":"Stop.","region":"FR","verified":true}`})
	if w.Code != 200 {
		t.Fatalf("objection: %d %s", w.Code, w.Body)
	}
	if c := check("subject=jo@example.fr&purpose=marketing"); c.Allowed || !c.Restricted || c.Decision != "refused" {
		t.Fatalf("after the objection: %+v", c)
	}

	// Withdrawal, then history and state.
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/withdrawals", token: "consent-write", body: `{"subject_id":"cust-7"}`})
	if w.Code != 200 || decode[ConsentEvent](t, w.Body.Bytes()).Kind != "withdrawal" {
		t.Fatalf("withdraw: %d %s", w.Code, w.Body)
	}
	if c := check("subject=cust-7&purpose=analytics"); c.Allowed {
		t.Fatalf("analytics after withdrawal: %+v", c)
	}
	w = f.do(t, request{path: "/api/v1/consent/history?subject=cust-7", token: "consent-read"})
	if hist := decode[[]ConsentEvent](t, w.Body.Bytes()); w.Code != 200 || len(hist) != 2 || hist[1].ID != ev.ID {
		t.Fatalf("history: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/state?device=dev-7", token: "consent-read"})
	if st := decode[ConsentState](t, w.Body.Bytes()); w.Code != 200 || len(st.Purposes) != 3 {
		t.Fatalf("state: %d %s", w.Code, w.Body)
	}

	// Receipt and export.
	w = f.do(t, request{path: "/api/v1/consent/events/" + ev.ID + "/receipt", token: "consent-read"})
	if r := decode[consent.Receipt](t, w.Body.Bytes()); w.Code != 200 || r.Version != "KI-CR-v1.1.0" || r.PIIPrincipalID != "cust-7" {
		t.Fatalf("receipt: %d %s", w.Code, w.Body)
	}
	// This fixture's service has no signer: a signed receipt is refused
	// with its code, not a failure.
	w = f.do(t, request{path: "/api/v1/consent/events/" + ev.ID + "/receipt?format=jws", token: "consent-read"})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Code != "consent.error.receipt_unsigned" {
		t.Fatalf("signed receipt without a signer: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/export?format=csv&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", token: "consent-read"})
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || err != nil || len(rows) != 4 || rows[1][0] != ev.ID {
		t.Fatalf("export: %d %q %v", w.Code, w.Body, err)
	}

	// Bad input: stable codes, one detail per field, nothing written.
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write", header: map[string]string{"Accept-Language": "fr"},
		body: `{"granted":["analytics","telepathy"],"refused":["necessary"],"method":"express","source":"api"}`})
	e := decodeError(t, w)
	var locs []string
	for _, d := range e.Error.Details {
		locs = append(locs, d.Location)
	}
	if w.Code != 422 || e.Error.Code != CodeInvalid || !slices.Equal(locs, []string{"body.subject_id", "body.granted", "body.refused"}) ||
		!strings.Contains(e.Error.Details[1].Message, "telepathy") || !strings.Contains(e.Error.Details[1].Message, "Finalité inconnue") {
		t.Fatalf("invalid event: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write", body: `{"subject_id":"x","granted":["analytics"],"method":"shouted","source":"api"}`})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Details[0].Location != "body.method" {
		t.Fatalf("bad method: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write", body: `{"subject_id":`})
	if e := decodeError(t, w); w.Code != 400 || e.Error.Code != CodeMalformed {
		t.Fatalf("malformed: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-write",
		body: `{"subject_id":"x","granted":["analytics"],"method":"express","source":"api","language":"` + strings.Repeat("a", 20000) + `"}`})
	if e := decodeError(t, w); w.Code != 413 || e.Error.Code != CodeBodyTooLarge {
		t.Fatalf("oversized: %d %.200s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/check?purpose=analytics", token: "consent-read"})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Code != "consent.error.holder_required" {
		t.Fatalf("check without holder: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/events/0190d9c2-0000-7000-8000-000000000000/receipt", token: "consent-read"})
	if e := decodeError(t, w); w.Code != 404 || e.Error.Code != "consent.error.not_found" {
		t.Fatalf("missing receipt: %d %s", w.Code, w.Body)
	}
	var n int
	if err := f.db.QueryRow(t.Context(), "SELECT COUNT(*) FROM consent_events").Scan(&n); err != nil || n != 3 {
		t.Fatalf("events stored: %d %v", n, err)
	}

	// Scopes.
	if w := f.do(t, request{method: "POST", path: "/api/v1/consent/events", token: "consent-read", body: `{}`}); w.Code != 403 {
		t.Fatalf("read token recording: %d", w.Code)
	}
	if w := f.do(t, request{path: "/api/v1/consent/check?subject=a&purpose=analytics"}); w.Code != 401 {
		t.Fatalf("no token: %d", w.Code)
	}
}

func TestConsentSitesAPI(t *testing.T) {
	f := consentFixture(t)
	w := f.do(t, request{method: "POST", path: "/api/v1/consent/sites", token: "consent-write",
		body: `{"name":"Shop","origins":["https://shop.example"],"notice_version":"2026-01","policy_url":"https://shop.example/privacy"}`})
	if w.Code != 200 {
		t.Fatalf("create site: %d %s", w.Code, w.Body)
	}
	site := decode[ConsentSite](t, w.Body.Bytes())
	if site.ReaskMonths != 6 || len(site.Purposes) != 5 || !strings.Contains(site.Snippet, "/banner.js?site="+site.ID) {
		t.Fatalf("site: %s", w.Body)
	}
	w = f.do(t, request{method: "PUT", path: "/api/v1/consent/sites/" + site.ID, token: "consent-write",
		body: `{"name":"Shop","origins":["https://shop.example"],"notice_version":"2026-02","reask_months":3}`})
	if got := decode[ConsentSite](t, w.Body.Bytes()); w.Code != 200 || got.NoticeVersion != "2026-02" || got.ReaskMonths != 3 {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/sites", token: "consent-read"})
	if list := decode[[]ConsentSite](t, w.Body.Bytes()); w.Code != 200 || len(list) != 1 || list[0].NoticeVersion != "2026-02" {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/sites", token: "consent-write",
		body: `{"name":"","origins":["shop.example"],"notice_version":"1"}`})
	if e := decodeError(t, w); w.Code != 422 || len(e.Error.Details) != 2 || e.Error.Details[1].Location != "body.origins" {
		t.Fatalf("bad site: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/sites/nope", token: "consent-read"})
	if e := decodeError(t, w); w.Code != 404 || e.Error.Code != "consent.error.site_not_found" {
		t.Fatalf("missing site: %d %s", w.Code, w.Body)
	}
}

func TestNewsletterAPI(t *testing.T) {
	f := consentFixture(t)
	csvHeader := map[string]string{"Content-Type": "text/csv", "Accept-Language": "nl"}
	w := f.do(t, request{method: "POST", path: "/api/v1/consent/subscribers/import", token: "consent-write", header: csvHeader,
		body: "email,name,subscribed_at,how_added\nana@example.org,Ana,2020-01-01,active\nbo@example.org,Bo,,passive\nbad,X,,unknown\n"})
	res := decode[SubscriberImport](t, w.Body.Bytes())
	if w.Code != 200 || res.Rows != 3 || res.Subscribed != 1 || res.ToAsk != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 4 ||
		res.Errors[0].Code != "consent.error.email_invalid" || !strings.Contains(res.Errors[0].Message, "e-mailadres") {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/subscribers/import", token: "consent-write", header: csvHeader, body: "nope\n"})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Code != "consent.error.import_header" {
		t.Fatalf("bad header: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/subscribers/repermission", token: "consent-write", body: `{"language":"fr","limit":50}`})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"queued":1`) || !strings.Contains(w.Body.String(), `"asked":1`) {
		t.Fatalf("repermission: %d %s", w.Code, w.Body)
	}
	var n int
	if err := f.db.QueryRow(t.Context(), "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ? AND template = ?", "bo@example.org", consent.TemplateRepermission).Scan(&n); err != nil || n != 1 {
		t.Fatalf("re-permission emails: %d %v", n, err)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/consent/subscribers/archive", token: "consent-write"})
	if c := decode[SubscriberCounts](t, w.Body.Bytes()); w.Code != 200 || c.Asked != 1 || c.Archived != 0 || c.Subscribed != 1 {
		t.Fatalf("archive before the deadline: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/consent/subscribers/counts", token: "consent-read"})
	if c := decode[SubscriberCounts](t, w.Body.Bytes()); w.Code != 200 || c.Asked != 1 {
		t.Fatalf("counts: %d %s", w.Code, w.Body)
	}
	if c := f.do(t, request{method: "POST", path: "/api/v1/consent/subscribers/import", token: "consent-read", header: csvHeader, body: "x"}); c.Code != 403 {
		t.Fatalf("read token importing: %d", c.Code)
	}
}
