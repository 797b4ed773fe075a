package api

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/operator"
)

func inventoryFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	for label, scope := range map[string]string{"inv-read": operator.ScopeInventoryRead, "inv-write": operator.ScopeInventoryWrite} {
		raw, tok, err := f.ops.CreateToken(t.Context(), operator.ActorCLI, operator.NewToken{Name: label, Scopes: []string{scope}})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
	return f
}

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInventoryAPI(t *testing.T) {
	f := inventoryFixture(t)
	example, err := os.ReadFile("../../examples/inventory-montreal-shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if w := f.do(t, request{path: "/api/v1/inventory", token: "inv-read"}); w.Code != 404 || decodeError(t, w).Error.Code != "inventory.error.none" {
		t.Fatalf("empty: %d %s", w.Code, w.Body)
	}
	// A refused file: one detail per problem, with its line, in French.
	bad := strings.Replace(string(example), "user.contact.email", "user.courriel", 1)
	w := f.do(t, request{method: "PUT", path: "/api/v1/inventory", token: "inv-write", body: jsonBody(t, map[string]string{"yaml": bad, "name": "shop.yaml"}),
		header: map[string]string{"Accept-Language": "fr"}})
	e := decodeError(t, w)
	if w.Code != 422 || e.Error.Code != CodeInvalid || len(e.Error.Details) != 1 ||
		e.Error.Details[0].Location != "body.yaml:110:activities[0].data_categories[2].category" ||
		e.Error.Details[0].Message != "« user.courriel » n'est pas une catégorie de données fideslang" {
		t.Fatalf("refused file: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{method: "PUT", path: "/api/v1/inventory", token: "inv-read", body: jsonBody(t, map[string]string{"yaml": string(example)})}); w.Code != 403 {
		t.Fatalf("read token writes: %d", w.Code)
	}
	w = f.do(t, request{method: "PUT", path: "/api/v1/inventory", token: "inv-write", body: jsonBody(t, map[string]string{"yaml": string(example)})})
	info := decode[InventoryInfo](t, w.Body.Bytes())
	if w.Code != 200 || info.Revision != 1 || info.Source != "import:api.yaml" || !strings.HasPrefix(info.CreatedBy, "token:") {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/inventory", token: "inv-read"})
	if got := decode[InventoryInfo](t, w.Body.Bytes()); w.Code != 200 || got.Revision != 1 || !strings.Contains(got.YAML, "legal_name: Boutique Pixel inc.") {
		t.Fatalf("get: %d %s", w.Code, w.Body)
	}

	w = f.do(t, request{path: "/api/v1/documents/policy/nl", token: "inv-read"})
	d := decode[DocDraft](t, w.Body.Bytes())
	if w.Code != 200 || !strings.HasPrefix(d.Markdown, "# Privacybeleid van Boutique Pixel") || len(d.Missing) != 0 || d.Revision != 1 {
		t.Fatalf("preview: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{path: "/api/v1/documents/memo/nl", token: "inv-read"}); w.Code != 422 {
		t.Fatalf("unknown document: %d %s", w.Code, w.Body)
	}

	// An incomplete inventory: refused, then published with the override.
	incomplete := strings.Replace(string(example), "  effective_date: \"2026-01-15\"\n", "", 1)
	if w := f.do(t, request{method: "PUT", path: "/api/v1/inventory", token: "inv-write", body: jsonBody(t, map[string]string{"yaml": incomplete})}); w.Code != 200 {
		t.Fatalf("import incomplete: %d", w.Code)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/documents/policy/fr/versions", token: "inv-write", body: `{}`})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Code != "docs.error.incomplete" {
		t.Fatalf("incomplete publish: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/documents/policy/fr/versions", token: "inv-write", body: `{"override":true}`})
	v := decode[DocVersion](t, w.Body.Bytes())
	if w.Code != 200 || v.Version != 1 || !v.Incomplete || len(v.Missing) != 1 || v.Missing[0].ID != "docs.missing.effective_date" ||
		v.Missing[0].Laws[0] != "quebec" || v.Revision != 2 {
		t.Fatalf("override: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/documents/policy/fr/versions", token: "inv-read"})
	list := decode[[]DocVersion](t, w.Body.Bytes())
	if w.Code != 200 || len(list) != 1 || list[0].Markdown != "" || list[0].PublishedBy != v.PublishedBy {
		t.Fatalf("versions: %d %s", w.Code, w.Body)
	}
}
