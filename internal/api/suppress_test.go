package api

import (
	"bytes"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// suppressFixture is the API over d with the suppression list wired as
// the application wires it (requests → list → consent check), and one
// token per scope the list's endpoints and the consent check use.
func suppressFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := t.Context()
	cat := i18n.MustLoad()
	quiet := slog.New(slog.DiscardHandler)
	al := audit.New(d)
	ops := operator.NewService(d, al, 0)
	q := jobs.New(d, quiet)
	ob := mail.NewOutbox(d, q, cat, nil, quiet)
	rs := requests.NewService(requests.Deps{DB: d, Queue: q, Audit: al, Outbox: ob, Operators: ops, Log: quiet,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil), BaseURL: "https://privacy.example.org"})
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	list, err := suppress.New(suppress.Deps{DB: d, Audit: al, Requests: rs, Key: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: d, cat: cat, ops: ops, audit: al, outbox: ob, requests: rs, suppress: list,
		tokens: map[string]string{}, tokenID: map[string]string{}, logs: &syncBuffer{}}
	for label, scope := range map[string]string{"consent-read": operator.ScopeConsentRead, "consent-write": operator.ScopeConsentWrite,
		"req-read": operator.ScopeRequestsRead, "req-write": operator.ScopeRequestsWrite} {
		raw, tok, err := ops.CreateToken(ctx, operator.ActorCLI, operator.NewToken{Name: label, Scopes: []string{scope}, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
	f.h = newHandler(Deps{Catalog: cat, Operators: ops, Audit: al, Outbox: ob, Requests: rs, Version: testVersion,
		Log: slog.New(slog.NewJSONHandler(f.logs, nil)), Suppress: list,
		Consent: consent.NewService(consent.Deps{DB: d, Audit: al, Controller: consent.Controller{Name: "Shop"},
			Outbox: ob, BaseURL: "https://privacy.example.org", Restrictions: consent.ListRestrictions{List: list}})}, resources...)
	return f
}

// TestSuppressionListThroughTheAPI: a verified objection filed through the
// API puts the person on the list, so the consent check refuses marketing
// whatever the ledger says; lifting the entry gives the ledger its say
// again. A restriction stops every purpose but the necessary. Scopes and
// bad input are refused with their codes.
func TestSuppressionListThroughTheAPI(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := suppressFixture(t, d)
		post := func(path, token, body string) []byte {
			t.Helper()
			w := f.do(t, request{method: "POST", path: path, token: token, body: body})
			if w.Code != 200 {
				t.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
			return w.Body.Bytes()
		}
		check := func(subject, purpose string) ConsentCheck {
			t.Helper()
			w := f.do(t, request{path: "/api/v1/consent/check?subject=" + subject + "&purpose=" + purpose, token: "consent-read"})
			if w.Code != 200 {
				t.Fatalf("check: %d %s", w.Code, w.Body)
			}
			return decode[ConsentCheck](t, w.Body.Bytes())
		}
		for _, who := range []string{"jo@example.fr", "res@example.fr"} {
			post("/api/v1/consent/events", "consent-write",
				`{"subject_id":"`+who+`","granted":["marketing","analytics","newsletter"],"method":"express","source":"form"}`)
		}
		if c := check("jo@example.fr", "marketing"); !c.Allowed || c.Restricted {
			t.Fatalf("before the objection: %+v", c)
		}
		req := decode[RequestDetail](t, post("/api/v1/requests", "req-write",
			`{"email":"Jo@Example.fr","name":"Jo","subject":"Prospection","type":"objection","description":"Stop.","region":"FR","verified":true}`))
		if c := check("jo@example.fr", "marketing"); c.Allowed || !c.Restricted || c.Decision != "refused" {
			t.Fatalf("after the objection: %+v", c)
		}
		if c := check("jo@example.fr", "analytics"); !c.Allowed {
			t.Fatalf("analytics is not objected to: %+v", c)
		}

		w := f.do(t, request{path: "/api/v1/suppressions", token: "req-read"})
		list := decode[SuppressionList](t, w.Body.Bytes())
		if w.Code != 200 || len(list.Suppressions) != 1 {
			t.Fatalf("list: %d %s", w.Code, w.Body)
		}
		entry := list.Suppressions[0]
		if entry.Reason != "objection" || entry.RequestID != req.Request.ID || !slices.Equal(entry.Purposes, []string{"marketing", "newsletter"}) ||
			!entry.Active || entry.CreatedBy != "token:"+f.tokenID["req-write"] || entry.RequestReference != req.Request.Reference {
			t.Fatalf("entry: %+v", entry)
		}
		if bytes.Contains(w.Body.Bytes(), []byte("jo@example.fr")) {
			t.Fatalf("the list shows the address: %s", w.Body)
		}
		w = f.do(t, request{path: "/api/v1/suppressions/check?email=JO@example.fr&purpose=newsletter", token: "consent-read"})
		if c := decode[SuppressionCheck](t, w.Body.Bytes()); w.Code != 200 || !c.Listed || !c.Stopped || c.AllPurposes {
			t.Fatalf("check by email: %d %s", w.Code, w.Body)
		}

		// Lifting: the ledger decides again; a second lift conflicts.
		lifted := decode[Suppression](t, post("/api/v1/suppressions/"+entry.ID+"/lift", "req-write", `{"reason":"Consented again in writing."}`))
		if lifted.Active || lifted.LiftCause != "agent" || lifted.LiftReason != "Consented again in writing." || lifted.LiftedAt == nil {
			t.Fatalf("lifted: %+v", lifted)
		}
		if c := check("jo@example.fr", "marketing"); !c.Allowed || c.Restricted {
			t.Fatalf("after the lift: %+v", c)
		}
		w = f.do(t, request{method: "POST", path: "/api/v1/suppressions/" + entry.ID + "/lift", token: "req-write", body: `{"reason":"again"}`})
		if e := decodeError(t, w); w.Code != 409 || e.Error.Code != "suppress.error.lifted" {
			t.Fatalf("second lift: %d %s", w.Code, w.Body)
		}
		w = f.do(t, request{path: "/api/v1/suppressions", token: "req-read"})
		if l := decode[SuppressionList](t, w.Body.Bytes()); len(l.Suppressions) != 0 {
			t.Fatalf("lifted entry still in force: %s", w.Body)
		}
		w = f.do(t, request{path: "/api/v1/suppressions?lifted=true", token: "req-read"})
		if l := decode[SuppressionList](t, w.Body.Bytes()); len(l.Suppressions) != 1 {
			t.Fatalf("lifted entry not listed: %s", w.Body)
		}

		// A restriction stops everything but the necessary.
		post("/api/v1/requests", "req-write",
			`{"email":"res@example.fr","name":"Ren","subject":"Dispute","type":"restriction","description":"Freeze my data.","region":"FR","verified":true}`)
		for purpose, allowed := range map[string]bool{"analytics": false, "marketing": false, "newsletter": false, "necessary": true} {
			if c := check("res@example.fr", purpose); c.Allowed != allowed || c.Restricted == allowed {
				t.Errorf("restriction, %s: %+v", purpose, c)
			}
		}
		w = f.do(t, request{path: "/api/v1/suppressions/check?email=res@example.fr", token: "consent-read"})
		if c := decode[SuppressionCheck](t, w.Body.Bytes()); !c.Listed || !c.AllPurposes || !slices.Equal(c.Purposes, []string{"*"}) {
			t.Fatalf("restriction check: %s", w.Body)
		}

		// An entry without a request, then its purposes changed.
		manual := decode[Suppression](t, post("/api/v1/suppressions", "req-write",
			`{"email":"Phone@Example.org","purposes":["newsletter"],"note":"Phoned on Monday."}`))
		if manual.Reason != "manual" || manual.RequestID != "" || manual.Note != "Phoned on Monday." || !manual.Active ||
			manual.CreatedBy != "token:"+f.tokenID["req-write"] {
			t.Fatalf("manual entry: %+v", manual)
		}
		if c := check("phone@example.org", "newsletter"); c.Allowed || !c.Restricted {
			t.Fatalf("manual entry, newsletter: %+v", c)
		}
		w = f.do(t, request{method: "PUT", path: "/api/v1/suppressions/" + manual.ID + "/purposes", token: "req-write",
			body: `{"purposes":["analytics","analytics"]}`})
		if got := decode[Suppression](t, w.Body.Bytes()); w.Code != 200 || !slices.Equal(got.Purposes, []string{"analytics"}) {
			t.Fatalf("set purposes: %d %s", w.Code, w.Body)
		}
		if c := check("phone@example.org", "newsletter"); c.Restricted {
			t.Fatalf("newsletter after the change: %+v", c)
		}
		if c := check("phone@example.org", "analytics"); !c.Restricted {
			t.Fatalf("analytics after the change: %+v", c)
		}

		// Scopes and bad input.
		for _, c := range []struct {
			method, path, token, body string
			status                    int
			code                      string
		}{
			{"GET", "/api/v1/suppressions", "consent-read", "", 403, "auth.insufficient_scope"},
			{"GET", "/api/v1/suppressions/check?email=res@example.fr", "req-read", "", 403, "auth.insufficient_scope"},
			{"POST", "/api/v1/suppressions/" + entry.ID + "/lift", "req-read", `{"reason":"x"}`, 403, "auth.insufficient_scope"},
			{"GET", "/api/v1/suppressions/check?email=not-an-address", "consent-read", "", 422, "suppress.error.email_invalid"},
			{"GET", "/api/v1/suppressions/check?email=res@example.fr&purpose=Drop%20table", "consent-read", "", 422, "suppress.error.purpose_invalid"},
			{"POST", "/api/v1/suppressions/0190a1b2-0000-7000-8000-000000000000/lift", "req-write", `{"reason":"x"}`, 404, "suppress.error.not_found"},
			{"POST", "/api/v1/suppressions/" + entry.ID + "/lift", "req-write", `{"reason":""}`, 422, "request.invalid"},
			{"PUT", "/api/v1/suppressions/" + entry.ID + "/purposes", "req-write", `{"purposes":["marketing"]}`, 409, "suppress.error.lifted"},
			{"PUT", "/api/v1/suppressions/" + manual.ID + "/purposes", "req-read", `{"purposes":["marketing"]}`, 403, "auth.insufficient_scope"},
			{"PUT", "/api/v1/suppressions/" + manual.ID + "/purposes", "req-write", `{"purposes":["necessary"]}`, 422, "suppress.error.purpose_invalid"},
			{"POST", "/api/v1/suppressions", "req-write", `{"email":"jo@","purposes":["marketing"]}`, 422, "suppress.error.email_invalid"},
			{"POST", "/api/v1/suppressions", "req-write", `{"email":"jo@example.org","purposes":[]}`, 422, "request.invalid"},
			{"POST", "/api/v1/suppressions", "consent-read", `{"email":"jo@example.org","purposes":["marketing"]}`, 403, "auth.insufficient_scope"},
		} {
			w := f.do(t, request{method: c.method, path: c.path, token: c.token, body: c.body})
			if e := decodeError(t, w); w.Code != c.status || e.Error.Code != c.code {
				t.Errorf("%s %s: %d %s", c.method, c.path, w.Code, w.Body)
			}
		}
	})
}
