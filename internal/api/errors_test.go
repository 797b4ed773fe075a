package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

type echoInput struct {
	Body struct {
		Email string `json:"email" format:"email" maxLength:"254"`
		Count int    `json:"count" minimum:"1" maximum:"10"`
	}
}

type echoOutput struct {
	Body struct {
		Email string `json:"email"`
		Count int    `json:"count"`
	}
}

// testRoutes exercise what no production endpoint does yet: request
// bodies, panics, failures and domain errors.
func testRoutes(s *Server) {
	Register(s, Route{ID: "test-echo", Method: http.MethodPost, Path: "/test/echo", Tag: "Test", Summary: "Echo",
		Scope: AnyToken, MaxBodyBytes: 256,
	}, func(ctx context.Context, in *echoInput) (*echoOutput, error) {
		out := &echoOutput{}
		out.Body.Email, out.Body.Count = in.Body.Email, in.Body.Count
		return out, nil
	})
	Register(s, Route{ID: "test-panic", Method: http.MethodGet, Path: "/test/panic", Tag: "Test", Summary: "Panic", Scope: Public},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			var m map[string]int
			m["boom"]++ // a real bug: assignment to a nil map
			return nil, nil
		})
	Register(s, Route{ID: "test-fail", Method: http.MethodGet, Path: "/test/fail", Tag: "Test", Summary: "Fail", Scope: Public},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			return nil, errors.New("connection to 10.0.0.7 refused")
		})
	Register(s, Route{ID: "test-domain", Method: http.MethodGet, Path: "/test/domain", Tag: "Test", Summary: "Domain error", Scope: Public},
		func(ctx context.Context, _ *struct{}) (*struct{}, error) {
			return nil, operator.ErrEmailInvalid
		})
	Register(s, Route{ID: "test-not-found", Method: http.MethodGet, Path: "/test/operators/{id}", Tag: "Test", Summary: "Not found", Scope: Public},
		func(ctx context.Context, in *struct {
			ID string `path:"id" maxLength:"36"`
		}) (*struct{}, error) {
			return nil, DomainError(http.StatusNotFound, operator.ErrNotFound).WithDetail("path.id", "api.detail.pattern")
		})
}

func TestBodyErrors(t *testing.T) {
	f := newFixture(t, testRoutes)
	echo := func(body string) request {
		return request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail", body: body}
	}
	f.run(t, []scenario{
		{name: "valid", request: echo(`{"email":"jo@example.org","count":2}`), status: 200, contains: []string{`"count":2`}},
		{name: "malformed json", request: echo(`{"email": "jo@`), status: 400, code: CodeMalformed,
			contains: []string{`"location":"body"`, "not valid JSON"}},
		{name: "not an object", request: echo(`[1,2]`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body"`, "JSON object"}},
		{name: "missing field", request: echo(`{"count":2}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.email"`, "This field is required."}},
		{name: "wrong type", request: echo(`{"email":"jo@example.org","count":"two"}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.count"`, "whole number"}},
		{name: "bad email", request: echo(`{"email":"not-an-address","count":2}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.email"`, "email address"}, absent: []string{"not-an-address"}},
		{name: "out of range", request: echo(`{"email":"jo@example.org","count":11}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.count"`, "at most 10"}},
		{name: "unknown field", request: echo(`{"email":"jo@example.org","count":2,"admin":true}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.admin"`, "not expected"}},
		{name: "several problems", request: echo(`{"count":0}`), status: 422, code: CodeInvalid,
			contains: []string{`"location":"body.email"`, `"location":"body.count"`}},
		{name: "empty body", request: request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail"},
			status: 400, code: CodeBodyRequired},
		{name: "too large", request: echo(`{"email":"` + strings.Repeat("a", 300) + `@example.org","count":2}`),
			status: 413, code: CodeBodyTooLarge, contains: []string{"256 bytes"}},
		{name: "not json", request: request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail",
			body: "email=jo", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
			status: 415, code: CodeUnsupportedMediaType},
		{name: "token checked before the body", request: request{method: http.MethodPost, path: "/api/v1/test/echo", body: `{`},
			status: 401, code: CodeMissingToken},
	})
}

func TestHandlerErrors(t *testing.T) {
	f := newFixture(t, testRoutes)
	f.run(t, []scenario{
		{name: "plain error is internal", request: request{path: "/api/v1/test/fail"}, status: 500, code: CodeInternal,
			absent: []string{"10.0.0.7", "refused"}, contains: []string{`"request_id":"`}},
		{name: "domain error", request: request{path: "/api/v1/test/domain"}, status: 422, code: "operator.error.email_invalid",
			contains: []string{"valid email address"}},
		{name: "domain not found", request: request{path: "/api/v1/test/operators/x"}, status: 404, code: "operator.error.not_found",
			contains: []string{"no such operator", `"location":"path.id"`}},
		{name: "path parameter too long", request: request{path: "/api/v1/test/operators/" + strings.Repeat("x", 40)},
			status: 422, code: CodeInvalid, contains: []string{`"location":"path.id"`}},
	})
	if !strings.Contains(f.logs.String(), "10.0.0.7") {
		t.Errorf("the cause of an internal error is not logged:\n%s", f.logs)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	f := newFixture(t, testRoutes)
	w := f.do(t, request{path: "/api/v1/test/panic", header: map[string]string{"Accept-Language": "nl"}})
	if w.Code != 500 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	e := decodeError(t, w)
	id := w.Header().Get("X-Request-ID")
	if e.Error.Code != CodeInternal || e.Error.RequestID != id || id == "" {
		t.Fatalf("code %q, request_id %q, header %q", e.Error.Code, e.Error.RequestID, id)
	}
	if !strings.Contains(e.Error.Message, id) || !strings.Contains(e.Error.Message, "server") {
		t.Errorf("message does not quote the request ID (in Dutch): %q", e.Error.Message)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, id) || !strings.Contains(logs, "nil map") || !strings.Contains(logs, "stack") {
		t.Errorf("the panic is not logged with its request ID and stack:\n%s", logs)
	}
	// The server keeps serving.
	if w := f.do(t, request{path: "/api/v1/me", token: "admin"}); w.Code != 200 {
		t.Fatalf("after a panic: %d", w.Code)
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t)
	w := f.do(t, request{path: "/api/v1/me", header: map[string]string{"X-Request-ID": "proxy-42.a_b"}})
	if got := w.Header().Get("X-Request-ID"); got != "proxy-42.a_b" {
		t.Errorf("a plain incoming request ID is kept: got %q", got)
	}
	w = f.do(t, request{path: "/api/v1/me", header: map[string]string{"X-Request-ID": "bad id\"<script>"}})
	if got := w.Header().Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " \"<") {
		t.Errorf("an unsafe incoming request ID is replaced: got %q", got)
	}
}

// Every kind of error speaks the caller's language, with the same code.
func TestErrorsAreLocalized(t *testing.T) {
	f := newFixture(t, testRoutes)
	cases := []struct {
		name string
		request
		detail string // location whose message is compared too
	}{
		{name: "missing token", request: request{path: "/api/v1/me"}},
		{name: "invalid token", request: request{path: "/api/v1/me", token: "revoked"}},
		{name: "insufficient scope", request: request{path: "/api/v1/audit", token: "mail"}},
		{name: "not found", request: request{path: "/api/v1/missing"}},
		{name: "method", request: request{method: http.MethodPut, path: "/api/v1/me"}},
		{name: "query", request: request{path: "/api/v1/audit?limit=0", token: "audit"}, detail: "query.limit"},
		{name: "enum", request: request{path: "/api/v1/mail/outbox?status=x", token: "mail"}, detail: "query.status"},
		{name: "malformed", request: request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail", body: "{"}, detail: "body"},
		{name: "required", request: request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail", body: `{"count":1}`}, detail: "body.email"},
		{name: "too large", request: request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail", body: strings.Repeat(" ", 300)}},
		{name: "domain", request: request{path: "/api/v1/test/domain"}},
		{name: "internal", request: request{path: "/api/v1/test/fail"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var code string
			seen := map[string]string{}
			for _, lang := range []string{"en", "fr-BE,fr;q=0.9", "nl-NL"} {
				r := tc.request
				r.header = map[string]string{"Accept-Language": lang}
				w := f.do(t, r)
				e := decodeError(t, w)
				if code == "" {
					code = e.Error.Code
				} else if e.Error.Code != code {
					t.Fatalf("%s: code %q, in English %q", lang, e.Error.Code, code)
				}
				want := f.cat.Match(lang, i18n.EN)
				if got := w.Header().Get("Content-Language"); got != string(want) {
					t.Errorf("%s: Content-Language %q", lang, got)
				}
				msg := e.Error.Message
				if tc.detail != "" {
					found := false
					for _, d := range e.Error.Details {
						if d.Location == tc.detail {
							msg += " | " + d.Message
							found = true
						}
					}
					if !found {
						t.Fatalf("%s: no detail at %s: %s", lang, tc.detail, w.Body)
					}
				}
				for other, m := range seen {
					if m == msg {
						t.Errorf("%s and %s read the same: %q", lang, other, msg)
					}
				}
				seen[lang] = msg
			}
		})
	}
}

// The French text is the catalog's, not a fallback.
func TestFrenchMessage(t *testing.T) {
	f := newFixture(t, testRoutes)
	fr := f.cat.For(i18n.FR)
	w := f.do(t, request{path: "/api/v1/operators", token: "mail", header: map[string]string{"Accept-Language": "fr"}})
	e := decodeError(t, w)
	if want := fr.T("api.error.auth.insufficient_scope", map[string]any{"Scope": "operators:read"}); e.Error.Message != want {
		t.Errorf("message %q, want %q", e.Error.Message, want)
	}
	if !strings.Contains(e.Error.Message, "portée") {
		t.Errorf("not French: %q", e.Error.Message)
	}
	w = f.do(t, request{method: http.MethodPost, path: "/api/v1/test/echo", token: "mail", body: `{"count":1}`,
		header: map[string]string{"Accept-Language": "fr"}})
	e = decodeError(t, w)
	if len(e.Error.Details) != 1 || e.Error.Details[0].Message != "Ce champ est obligatoire." {
		t.Errorf("details: %s", w.Body)
	}
}

// Every huma sentence the API can produce for a field maps to a message of
// the catalog; a new huma version renaming one fails here.
func TestDetailRulesMatchHuma(t *testing.T) {
	cat := i18n.MustLoad()
	for _, r := range detailRules {
		for _, l := range i18n.Langs {
			if !cat.Has(l, r.id) {
				t.Errorf("%s: %s missing in %s", r.format, r.id, l)
			}
		}
	}
	for _, m := range detailMatchers {
		if strings.Count(m.re.String(), "(.*)") > 1 {
			t.Errorf("rule %s has more than one value", m.re)
		}
	}
	for _, code := range []string{CodeMissingToken, CodeInvalidToken, CodeInsufficientScope, CodeInvalid, CodeMalformed,
		CodeBadRequest, CodeBodyRequired, CodeBodyTooLarge, CodeTimeout, CodeUnsupportedMediaType, CodeNotAcceptable,
		CodeTooManyRequests, CodeNotFound, CodeRouteNotFound, CodeMethodNotAllowed, CodeForbidden, CodeConflict,
		CodeUnavailable, CodeInternal} {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "api.error."+code) {
				t.Errorf("api.error.%s missing in %s", code, l)
			}
		}
	}
}

// Statuses huma may use map to a code with a message.
func TestCodeForStatus(t *testing.T) {
	cat := i18n.MustLoad()
	for status := 400; status < 600; status++ {
		if http.StatusText(status) == "" {
			continue
		}
		code := codeForStatus(status, "")
		if !cat.Has(i18n.EN, "api.error."+code) {
			t.Errorf("status %d → %q has no message", status, code)
		}
		if (status >= 500) != (code == CodeInternal || code == CodeUnavailable) {
			t.Errorf("status %d → %q", status, code)
		}
	}
}
