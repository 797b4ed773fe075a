package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

const testVersion = "1.2.3-test"

// fixture is a real API over a real SQLite database, with one token per
// scope plus a revoked and an expired one.
type fixture struct {
	h        *handler
	db       *db.DB
	cat      *i18n.Catalog
	ops      *operator.Service
	audit    *audit.Log
	outbox   *mail.Outbox
	requests *requests.Service
	suppress *suppress.Service
	tokens   map[string]string // label → raw token
	tokenID  map[string]string // label → token ID
	owner    *operator.Operator
	logs     *syncBuffer
}

// Token labels: one per scope, plus broken ones.
var tokenScopes = map[string][]string{
	"admin":     {operator.ScopeAdmin},
	"audit":     {operator.ScopeAuditRead},
	"operators": {operator.ScopeOperatorsRead},
	"mail":      {operator.ScopeMailRead},
	"revoked":   {operator.ScopeAdmin},
	"expired":   {operator.ScopeAdmin},
}

func newFixture(t *testing.T, extra ...func(*Server)) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
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
	f := &fixture{db: d, cat: cat, ops: ops, audit: al, outbox: ob, requests: rs,
		tokens: map[string]string{}, tokenID: map[string]string{}, logs: &syncBuffer{}}

	owner, err := ops.Create(ctx, operator.ActorCLI, operator.NewOperator{
		Email: "owner@example.org", Name: "Olivia Owner", Role: operator.Owner, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	f.owner = owner
	for label, scopes := range tokenScopes {
		raw, tok, err := ops.CreateToken(ctx, operator.ActorCLI, operator.NewToken{Name: "test " + label, Scopes: scopes, TTL: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
	if err := ops.RevokeToken(ctx, operator.ActorCLI, f.tokenID["revoked"]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "UPDATE api_tokens SET expires_at = ? WHERE id = ?", time.Now().UTC().Add(-time.Minute), f.tokenID["expired"]); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.EnqueueNow(ctx, mail.Message{To: "jo@example.org", Lang: i18n.FR, Template: mail.TemplateTest}); err != nil {
		t.Fatal(err)
	}

	invs := inventory.NewService(d, al)
	f.suppress, err = suppress.New(suppress.Deps{DB: d, Audit: al, Requests: rs, Key: bytes.Repeat([]byte{9}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	f.h = newHandler(Deps{
		Catalog: cat, Operators: ops, Audit: al, Outbox: ob, Requests: rs, Version: testVersion,
		Log: slog.New(slog.NewJSONHandler(f.logs, nil)), Breaches: breachService(t, d, al, cat, ob),
		// The consent ledger shares the database.
		Consent: consent.NewService(consent.Deps{DB: d, Audit: al, Controller: consent.Controller{Name: "Shop"},
			Outbox: ob, BaseURL: "https://privacy.example.org", Restrictions: consent.ListRestrictions{List: f.suppress}}),
		Inventory: invs, Docs: docs.NewService(d, invs, docs.NewRenderer(cat), al), Suppress: f.suppress,
	}, slices.Concat(resources, extra)...)
	return f
}

// request describes one call; token is a label of fixture.tokens, or a raw
// Authorization header value when it starts with "header:".
type request struct {
	method, path, token, body string
	header                    map[string]string
}

func (f *fixture) do(t *testing.T, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, r.path, body)
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case strings.HasPrefix(r.token, "header:"):
		req.Header.Set("Authorization", strings.TrimPrefix(r.token, "header:"))
	case r.token != "":
		raw, ok := f.tokens[r.token]
		if !ok {
			t.Fatalf("no token labelled %q", r.token)
		}
		req.Header.Set("Authorization", "Bearer "+raw)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

// errorResponse is the error format, decoded strictly.
type errorResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		} `json:"details"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// decodeError checks that w holds exactly the error format and returns it.
func decodeError(t *testing.T, w *httptest.ResponseRecorder) errorResponse {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, body %s", ct, w.Body)
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	var e errorResponse
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body is not the error format: %v\n%s", err, w.Body)
	}
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error without code or message: %s", w.Body)
	}
	if strings.HasPrefix(e.Error.Message, "api.") || strings.Contains(e.Error.Message, "<no value>") {
		t.Fatalf("message not translated or not filled: %q", e.Error.Message)
	}
	for _, d := range e.Error.Details {
		if d.Message == "" || strings.HasPrefix(d.Message, "api.") || strings.Contains(d.Message, "<no value>") {
			t.Fatalf("detail message not translated: %s", w.Body)
		}
	}
	return e
}

// syncBuffer collects log output written from handler goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
