package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/garde-privacy/garde/internal/operator"
)

// documentRoutes are the routes huma adds for the document itself.
var documentRoutes = []string{"/openapi.json", "/openapi.yaml", "/openapi-3.0.json", "/openapi-3.0.yaml"}

// wantScopes is the scope each production operation must require. A new
// endpoint adds its line; forgetting it fails TestDocumentMatchesRoutes.
var wantScopes = map[string]string{
	"get-me":             AnyToken,
	"list-operators":     operator.ScopeOperatorsRead,
	"list-audit-entries": operator.ScopeAuditRead,
	"verify-audit-log":   operator.ScopeAuditRead,
	"list-outbox":        operator.ScopeMailRead,
	"create-request":     operator.ScopeRequestsWrite,
	"list-requests":      operator.ScopeRequestsRead,
	"get-request":        operator.ScopeRequestsRead,
	"transition-request": operator.ScopeRequestsWrite,
	"add-request-note":   operator.ScopeRequestsWrite,

	"record-consent-event": operator.ScopeConsentWrite,
	"check-consent":        operator.ScopeConsentRead,
	"get-consent-state":    operator.ScopeConsentRead,
	"list-consent-history": operator.ScopeConsentRead,
	"withdraw-consent":     operator.ScopeConsentWrite,
	"get-consent-receipt":  operator.ScopeConsentRead,
	"export-consent":       operator.ScopeConsentRead,
	"create-consent-site":  operator.ScopeConsentWrite,
	"update-consent-site":  operator.ScopeConsentWrite,
	"get-consent-site":     operator.ScopeConsentRead,
	"list-consent-sites":   operator.ScopeConsentRead,
	"import-subscribers":   operator.ScopeConsentWrite,
	"send-repermission":    operator.ScopeConsentWrite,
	"archive-subscribers":  operator.ScopeConsentWrite,
	"count-subscribers":    operator.ScopeConsentRead,

	"create-breach":              operator.ScopeBreachWrite,
	"list-breaches":              operator.ScopeBreachRead,
	"get-breach":                 operator.ScopeBreachRead,
	"update-breach":              operator.ScopeBreachWrite,
	"assess-breach":              operator.ScopeBreachWrite,
	"get-breach-draft":           operator.ScopeBreachRead,
	"save-breach-draft":          operator.ScopeBreachWrite,
	"record-breach-notification": operator.ScopeBreachWrite,
	"close-breach":               operator.ScopeBreachWrite,
	"send-breach-notices":        operator.ScopeBreachWrite,

	"get-inventory":          operator.ScopeInventoryRead,
	"import-inventory":       operator.ScopeInventoryWrite,
	"preview-document":       operator.ScopeInventoryRead,
	"publish-document":       operator.ScopeInventoryWrite,
	"list-document-versions": operator.ScopeInventoryRead,

	"list-suppressions": operator.ScopeRequestsRead,
	"check-suppression": operator.ScopeConsentRead,
	"lift-suppression":  operator.ScopeRequestsWrite,

	"create-suppression":       operator.ScopeRequestsWrite,
	"set-suppression-purposes": operator.ScopeRequestsWrite,
}

// fetchDocument returns the served document, parsed.
func fetchDocument(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	w := f.do(t, request{path: "/api/v1/openapi.json"})
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "json") {
		t.Fatalf("openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	return doc
}

func TestDocument(t *testing.T) {
	f := newFixture(t)
	doc := fetchDocument(t, f)
	if v, _ := doc["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}
	info := doc["info"].(map[string]any)
	if info["title"] != "Garde API" || info["version"] != testVersion {
		t.Errorf("info = %v", info)
	}
	comps := doc["components"].(map[string]any)
	bearer, _ := comps["securitySchemes"].(map[string]any)["bearer"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("bearer scheme = %v", bearer)
	}
	schemas := comps["schemas"].(map[string]any)
	errSchema, _ := schemas["Error"].(map[string]any)
	if props, _ := errSchema["properties"].(map[string]any); props["error"] == nil {
		t.Fatalf("no Error schema with an error property: %v", errSchema)
	}
	body, _ := schemas["ErrorBody"].(map[string]any)
	for _, p := range []string{"code", "message", "details"} {
		if body["properties"].(map[string]any)[p] == nil {
			t.Errorf("ErrorBody lacks %s", p)
		}
	}

	// JSON field names are snake_case everywhere.
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for name, s := range schemas {
		props, _ := s.(map[string]any)["properties"].(map[string]any)
		for p := range props {
			if !snake.MatchString(p) {
				t.Errorf("schema %s: property %q is not snake_case", name, p)
			}
		}
	}

	// Every operation, as served: ID, tag, summary, its scope as the
	// security requirement, and documented errors in the error format.
	seen := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			where := strings.ToUpper(method) + " " + path
			if id == "" || seen[id] {
				t.Errorf("%s: missing or duplicate operationId %q", where, id)
			}
			seen[id] = true
			if tags, _ := op["tags"].([]any); len(tags) == 0 {
				t.Errorf("%s: no tags", where)
			}
			if s, _ := op["summary"].(string); s == "" {
				t.Errorf("%s: no summary", where)
			}
			want, ok := wantScopes[id]
			if !ok {
				t.Errorf("%s: operation %q is not in wantScopes", where, id)
				continue
			}
			sec, _ := json.Marshal(op["security"])
			wantSec := `[{"bearer":["` + want + `"]}]`
			if want == AnyToken {
				wantSec = `[{"bearer":[]}]`
			}
			if string(sec) != wantSec {
				t.Errorf("%s: security %s, want %s", where, sec, wantSec)
			}
			responses := op["responses"].(map[string]any)
			for _, code := range []string{"401", "500"} {
				r, _ := responses[code].(map[string]any)
				ref, _ := json.Marshal(r["content"])
				if !strings.Contains(string(ref), `"#/components/schemas/Error"`) {
					t.Errorf("%s: response %s is not documented as an Error", where, code)
				}
			}
			if _, ok := responses["403"]; ok != (want != AnyToken) {
				t.Errorf("%s: 403 documented = %v", where, ok)
			}
		}
	}
	for id := range wantScopes {
		if !seen[id] {
			t.Errorf("operation %q is not in the document", id)
		}
	}

	w := f.do(t, request{path: "/api/v1/openapi.yaml"})
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "components:") || !strings.Contains(w.Body.String(), "openapi: 3.1") {
		t.Errorf("openapi.yaml: %d %.80s", w.Code, w.Body)
	}
}

// Every route on the mux is documented, and every documented operation is
// served and guarded exactly as its security requirement says.
func TestDocumentMatchesRoutes(t *testing.T) {
	f := newFixture(t)
	oapi := f.h.api.OpenAPI()
	documented := map[string]*huma.Operation{} // "GET /me" → operation
	for path, item := range oapi.Paths {
		for method, op := range map[string]*huma.Operation{
			http.MethodGet: item.Get, http.MethodPost: item.Post, http.MethodPut: item.Put,
			http.MethodPatch: item.Patch, http.MethodDelete: item.Delete, http.MethodHead: item.Head,
			http.MethodOptions: item.Options, http.MethodTrace: item.Trace,
		} {
			if op != nil {
				documented[method+" "+path] = op
			}
		}
	}
	if len(documented) != len(wantScopes) {
		t.Errorf("%d operations documented, %d expected", len(documented), len(wantScopes))
	}

	routes := 0
	for _, pattern := range f.h.mux.patterns {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, Prefix+"/") {
			t.Errorf("route %q is not under %s with a method", pattern, Prefix)
			continue
		}
		path = strings.TrimPrefix(path, Prefix)
		if slices.Contains(documentRoutes, path) {
			if w := f.do(t, request{method: method, path: Prefix + path}); w.Code != 200 {
				t.Errorf("%s: %d", pattern, w.Code)
			}
			continue
		}
		routes++
		if documented[method+" "+path] == nil {
			t.Errorf("route %s is not in the document", pattern)
		}
	}
	if routes != len(documented) {
		t.Errorf("%d routes on the mux, %d operations documented", routes, len(documented))
	}

	for key, op := range documented {
		method, path, _ := strings.Cut(key, " ")
		path = Prefix + regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "x")
		scopes, secured := requiredScopes(op)
		if !secured {
			t.Errorf("%s is public", key)
			continue
		}
		w := f.do(t, request{method: method, path: path})
		if e := decodeError(t, w); w.Code != 401 || e.Error.Code != CodeMissingToken {
			t.Errorf("%s without a token: %d %s", key, w.Code, e.Error.Code)
		}
		for label, have := range tokenScopes {
			if label == "revoked" || label == "expired" {
				continue
			}
			allowed := true
			for _, s := range scopes {
				allowed = allowed && (slices.Contains(have, s) || slices.Contains(have, operator.ScopeAdmin))
			}
			w := f.do(t, request{method: method, path: path, token: label})
			// An allowed token gets past the guard: what the endpoint then
			// makes of the empty request (no body, unknown ID) is its own
			// business, but never a 401, a 403 or a 500.
			switch {
			case allowed && (w.Code == 401 || w.Code == 403 || w.Code >= 500):
				t.Errorf("%s with %v: %d %s", key, have, w.Code, w.Body)
			case !allowed && w.Code != 403:
				t.Errorf("%s with %v: %d, want 403", key, have, w.Code)
			}
		}
	}
}

// Register refuses a route that would be unguarded or undocumented.
func TestRegisterRefusesIncompleteRoutes(t *testing.T) {
	ok := Route{ID: "x", Method: http.MethodGet, Path: "/x", Tag: "X", Summary: "X", Scope: Public}
	for name, mutate := range map[string]func(*Route){
		"no scope":      func(r *Route) { r.Scope = "" },
		"unknown scope": func(r *Route) { r.Scope = "audit:write" },
		"no ID":         func(r *Route) { r.ID = "" },
		"no summary":    func(r *Route) { r.Summary = "" },
		"no tag":        func(r *Route) { r.Tag = "" },
	} {
		t.Run(name, func(t *testing.T) {
			r := ok
			mutate(&r)
			defer func() {
				if recover() == nil {
					t.Errorf("Register accepted %+v", r)
				}
			}()
			newHandler(Deps{}, func(s *Server) {
				Register(s, r, func(_ context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
			})
		})
	}
	// The complete route is accepted, so the cases above fail for their reason.
	newHandler(Deps{}, func(s *Server) {
		Register(s, ok, func(_ context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	})
}
