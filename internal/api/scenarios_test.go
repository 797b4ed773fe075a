package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// scenario is one request and what must come back.
type scenario struct {
	name string
	request
	status   int
	code     string            // error code; empty for a success
	contains []string          // substrings of the body
	absent   []string          // substrings the body must not have
	headers  map[string]string // response header → substring
}

func (f *fixture) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := f.do(t, sc.request)
			if w.Code != sc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, sc.status, w.Body)
			}
			if sc.code != "" {
				if e := decodeError(t, w); e.Error.Code != sc.code {
					t.Fatalf("code %q, want %q; body %s", e.Error.Code, sc.code, w.Body)
				}
			} else {
				var top map[string]json.RawMessage
				if err := json.Unmarshal(w.Body.Bytes(), &top); err != nil {
					t.Fatalf("success body is not a JSON object: %v", err)
				}
				if _, ok := top["error"]; ok {
					t.Fatalf("success with an error body: %s", w.Body)
				}
			}
			body := w.Body.String()
			for _, s := range sc.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q: %s", s, body)
				}
			}
			for _, s := range sc.absent {
				if strings.Contains(body, s) {
					t.Errorf("body has %q: %s", s, body)
				}
			}
			for h, want := range sc.headers {
				if got := w.Header().Get(h); !strings.Contains(got, want) {
					t.Errorf("header %s = %q, want it to contain %q", h, got, want)
				}
			}
			if w.Header().Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	challenge := map[string]string{"WWW-Authenticate": `Bearer realm="garde"`}
	f.run(t, []scenario{
		{name: "no header", request: request{path: "/api/v1/me"},
			status: 401, code: CodeMissingToken, headers: challenge, contains: []string{"Authorization: Bearer"}},
		{name: "empty bearer", request: request{path: "/api/v1/me", token: "header:Bearer   "},
			status: 401, code: CodeMissingToken, headers: challenge},
		{name: "basic scheme", request: request{path: "/api/v1/me", token: "header:Basic b3duZXI6cHc="},
			status: 401, code: CodeMissingToken, headers: challenge},
		{name: "garbage token", request: request{path: "/api/v1/me", token: "header:Bearer garde_nope"},
			status: 401, code: CodeInvalidToken, headers: map[string]string{"WWW-Authenticate": `error="invalid_token"`}},
		{name: "wrong secret", request: request{path: "/api/v1/me", token: "header:Bearer " + f.tokens["admin"][:len(f.tokens["admin"])-4] + "AAAA"},
			status: 401, code: CodeInvalidToken},
		{name: "revoked", request: request{path: "/api/v1/me", token: "revoked"},
			status: 401, code: CodeInvalidToken, headers: map[string]string{"WWW-Authenticate": `error="invalid_token"`}},
		{name: "expired", request: request{path: "/api/v1/me", token: "expired"},
			status: 401, code: CodeInvalidToken},
		{name: "lower-case scheme", request: request{path: "/api/v1/me", token: "header:bearer " + f.tokens["mail"]},
			status: 200, contains: []string{f.tokenID["mail"]}},
		{name: "wrong scope", request: request{path: "/api/v1/operators", token: "mail"},
			status: 403, code: CodeInsufficientScope, contains: []string{"operators:read"},
			headers: map[string]string{"WWW-Authenticate": `error="insufficient_scope", scope="operators:read"`}},
		{name: "wrong scope audit", request: request{path: "/api/v1/audit", token: "operators"},
			status: 403, code: CodeInsufficientScope, contains: []string{"audit:read"}},
		{name: "wrong scope mail", request: request{path: "/api/v1/mail/outbox", token: "audit"},
			status: 403, code: CodeInsufficientScope, contains: []string{"mail:read"}},
		{name: "admin has every scope", request: request{path: "/api/v1/mail/outbox", token: "admin"}, status: 200},
		{name: "document is public", request: request{path: "/api/v1/openapi.json"}, status: 200, contains: []string{`"openapi":"3.1`}},
	})
}

func TestEndpoints(t *testing.T) {
	f := newFixture(t)
	f.run(t, []scenario{
		{name: "me", request: request{path: "/api/v1/me", token: "operators"}, status: 200, contains: []string{
			`"id":"` + f.tokenID["operators"] + `"`, `"name":"test operators"`, `"scopes":["operators:read"]`,
			`"created_at":"`, `"expires_at":"`, `"last_used_at":"`}},
		{name: "operators", request: request{path: "/api/v1/operators", token: "operators"}, status: 200, contains: []string{
			`"email":"owner@example.org"`, `"role":"owner"`, `"disabled":false`, `"last_login_at":null`},
			absent: []string{"password", "hash"}},
		{name: "audit", request: request{path: "/api/v1/audit", token: "audit"}, status: 200, contains: []string{
			`"action":"token.created"`, `"action":"operator.created"`, `"prev_hash":"`, `"next_before":null`}},
		{name: "audit filtered by action", request: request{path: "/api/v1/audit?action=token.revoked", token: "audit"},
			status: 200, contains: []string{`"action":"token.revoked"`}, absent: []string{`"action":"token.created"`}},
		{name: "audit filtered by actor", request: request{path: "/api/v1/audit?actor=nobody", token: "audit"},
			status: 200, contains: []string{`"entries":[]`}},
		{name: "audit limit 0", request: request{path: "/api/v1/audit?limit=0", token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.limit"`, "at least 1"}},
		{name: "audit limit 501", request: request{path: "/api/v1/audit?limit=501", token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.limit"`, "at most 500"}},
		{name: "audit limit not a number", request: request{path: "/api/v1/audit?limit=ten", token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.limit"`, "whole number"}, absent: []string{"ten"}},
		{name: "audit before negative", request: request{path: "/api/v1/audit?before=-4", token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.before"`}},
		{name: "audit action too long", request: request{path: "/api/v1/audit?action=" + strings.Repeat("a", 201), token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.action"`, "maximum length is 200"}},
		{name: "audit misspelt parameter", request: request{path: "/api/v1/audit?limt=5", token: "audit"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.limt"`, "not known"}},
		{name: "audit verify", request: request{path: "/api/v1/audit/verify", token: "audit"}, status: 200,
			contains: []string{`"ok":true`, `"checked":`}, absent: []string{`"break"`}},
		{name: "outbox", request: request{path: "/api/v1/mail/outbox", token: "mail"}, status: 200, contains: []string{
			`"to":"jo@example.org"`, `"lang":"fr"`, `"template":"test"`, `"status":"queued"`, `"sent_at":null`,
			`"counts":{`, `"queued":1`}, absent: []string{"body_text", "body_html"}},
		{name: "outbox by status", request: request{path: "/api/v1/mail/outbox?status=sent", token: "mail"}, status: 200,
			contains: []string{`"items":[]`, `"queued":1`}},
		{name: "outbox unknown status", request: request{path: "/api/v1/mail/outbox?status=lost", token: "mail"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.status"`, "queued, retrying, sent, failed"}},
		{name: "outbox limit", request: request{path: "/api/v1/mail/outbox?limit=1000", token: "mail"},
			status: 422, code: CodeInvalid, contains: []string{`"location":"query.limit"`}},
	})
}

func TestRoutingErrors(t *testing.T) {
	f := newFixture(t)
	f.run(t, []scenario{
		{name: "unknown path", request: request{path: "/api/v1/nope", token: "admin"}, status: 404, code: CodeRouteNotFound},
		{name: "root", request: request{path: "/api/v1/"}, status: 404, code: CodeRouteNotFound},
		{name: "trailing slash", request: request{path: "/api/v1/me/", token: "admin"}, status: 404, code: CodeRouteNotFound},
		{name: "no docs page", request: request{path: "/api/v1/docs"}, status: 404, code: CodeRouteNotFound},
		{name: "no schema routes", request: request{path: "/api/v1/schemas/Error.json"}, status: 404, code: CodeRouteNotFound},
		{name: "wrong method", request: request{method: http.MethodPost, path: "/api/v1/me", token: "admin"},
			status: 405, code: CodeMethodNotAllowed, headers: map[string]string{"Allow": "GET"}, contains: []string{"POST"}},
		{name: "delete the log", request: request{method: http.MethodDelete, path: "/api/v1/audit", token: "admin"},
			status: 405, code: CodeMethodNotAllowed},
	})
}

// Secured routes answer 401 before anything else, even for bad input: a
// caller without a token learns nothing about the endpoint.
func TestAuthenticationComesFirst(t *testing.T) {
	f := newFixture(t)
	f.run(t, []scenario{
		{name: "bad query, no token", request: request{path: "/api/v1/audit?limit=0"}, status: 401, code: CodeMissingToken},
	})
}
