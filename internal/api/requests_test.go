package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// requestTokens adds a requests:read and a requests:write token.
func requestTokens(t *testing.T, f *fixture) {
	t.Helper()
	for label, scope := range map[string]string{"req-read": operator.ScopeRequestsRead, "req-write": operator.ScopeRequestsWrite} {
		raw, tok, err := f.ops.CreateToken(t.Context(), operator.ActorCLI, operator.NewToken{Name: label, Scopes: []string{scope}})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

const createBody = `{"email":"Jo@Example.fr","name":"Jo Martin","subject":"Mes données","type":"access",
	"description":"Une copie, s'il vous plaît.","region":"CA-QC","language":"fr"}`

func TestRequestsAPI(t *testing.T) {
	f := newFixture(t)
	requestTokens(t, f)

	// Create: the person gets the verification email.
	w := f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write", body: createBody})
	if w.Code != 200 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	created := decode[RequestDetail](t, w.Body.Bytes())
	r := created.Request
	if r.State != "received" || r.Email != "jo@example.fr" || r.LawID != "quebec" || r.Source != "api" || r.Language != "fr" ||
		r.ExtensionLimit != nil || r.DueDate == "" || len(created.Timeline) != 2 || created.Tasks == nil {
		t.Fatalf("created: %s", w.Body)
	}
	var outbox int
	if err := f.db.QueryRow(t.Context(), "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = ? AND template = ?", "jo@example.fr", requests.TemplateVerify).Scan(&outbox); err != nil || outbox != 1 {
		t.Fatalf("verification mails: %d %v", outbox, err)
	}

	// Vouched for by the business: verified at once, acknowledged.
	w = f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write",
		body: strings.Replace(createBody, `"language":"fr"`, `"language":"fr","verified":true`, 1)})
	verified := decode[RequestDetail](t, w.Body.Bytes()).Request
	if w.Code != 200 || verified.State != "verified" || verified.VerifiedAt == nil {
		t.Fatalf("verified create: %d %s", w.Code, w.Body)
	}
	var actor string
	if err := f.db.QueryRow(t.Context(), "SELECT actor FROM audit_log WHERE target = ? AND action = 'request.state_changed'", "request:"+verified.ID).Scan(&actor); err != nil {
		t.Fatal(err)
	}
	if actor != "token:"+f.tokenID["req-write"] {
		t.Fatalf("audit actor %q", actor)
	}

	// Bad input: every field reported, in the caller's language.
	w = f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write", header: map[string]string{"Accept-Language": "fr"},
		body: `{"email":"nope","name":"Jo","subject":"x","type":"access","description":"d","region":"ZZ-999","phone":"abc"}`})
	e := decodeError(t, w)
	var locs []string
	for _, d := range e.Error.Details {
		locs = append(locs, d.Location)
	}
	if w.Code != 422 || e.Error.Code != CodeInvalid || !slices.Equal(locs, []string{"body.email", "body.phone", "body.region"}) ||
		!strings.Contains(e.Error.Details[0].Message, "adresse e-mail valide") {
		t.Fatalf("invalid create: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write", body: `{"email":"jo@example.fr","type":"shred"}`})
	if e := decodeError(t, w); w.Code != 422 || len(e.Error.Details) < 5 {
		t.Fatalf("structurally invalid create: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-write",
		body: `{"email":"jo@example.fr","name":"Jo","subject":"x","type":"access","region":"FR","description":"` + strings.Repeat("a", 70000) + `"}`})
	if e := decodeError(t, w); w.Code != 413 || e.Error.Code != CodeBodyTooLarge {
		t.Fatalf("oversized create: %d %.200s", w.Code, w.Body)
	}
	if w := f.do(t, request{method: "POST", path: "/api/v1/requests", token: "req-read", body: createBody}); w.Code != 403 {
		t.Fatalf("read token creating: %d", w.Code)
	}

	// Get, with the timeline.
	w = f.do(t, request{path: "/api/v1/requests/" + r.ID, token: "req-read"})
	got := decode[RequestDetail](t, w.Body.Bytes())
	if w.Code != 200 || got.Request.Reference != r.Reference || got.Timeline[0].Kind != "submitted" || got.Timeline[1].Data["template"] != requests.TemplateVerify {
		t.Fatalf("get: %d %s", w.Code, w.Body)
	}
	for _, id := range []string{"0190d9c2-0000-7000-8000-000000000000", "x'--"} {
		w = f.do(t, request{path: "/api/v1/requests/" + id, token: "req-read"})
		if e := decodeError(t, w); w.Code != 404 || e.Error.Code != "requests.error.not_found" {
			t.Fatalf("get %s: %d %s", id, w.Code, w.Body)
		}
	}

	// Transitions.
	move := func(id, body string) (int, []byte) {
		w := f.do(t, request{method: "POST", path: "/api/v1/requests/" + id + "/transitions", token: "req-write", body: body})
		return w.Code, w.Body.Bytes()
	}
	if code, body := move(verified.ID, `{"to":"in_progress"}`); code != 200 || decode[RequestDetail](t, body).Request.State != "in_progress" {
		t.Fatalf("start: %d %s", code, body)
	}
	code, body := move(r.ID, `{"to":"completed","outcome":"fulfilled"}`)
	w.Body.Reset()
	w.Body.Write(body)
	w.Code = code
	if e := decodeError(t, w); code != 409 || e.Error.Code != "requests.error.transition_not_allowed" || !strings.Contains(e.Error.Message, "received") {
		t.Fatalf("disallowed move: %d %s", code, body)
	}
	if code, body := move(verified.ID, `{"to":"rejected"}`); code != 422 || !strings.Contains(string(body), "requests.error.reason_required") {
		t.Fatalf("reject without reason: %d %s", code, body)
	}
	if code, body := move(verified.ID, `{"to":"flying"}`); code != 422 {
		t.Fatalf("unknown state: %d %s", code, body)
	}
	if code, body := move(verified.ID, `{"to":"completed","outcome":"no_data","reason":"Nothing found."}`); code != 200 ||
		decode[RequestDetail](t, body).Request.Outcome != "no_data" {
		t.Fatalf("complete: %d %s", code, body)
	}
	if w := f.do(t, request{method: "POST", path: "/api/v1/requests/" + r.ID + "/transitions", token: "req-read", body: `{"to":"closed"}`}); w.Code != 403 {
		t.Fatalf("read token moving: %d", w.Code)
	}

	// Notes.
	w = f.do(t, request{method: "POST", path: "/api/v1/requests/" + r.ID + "/notes", token: "req-write", body: `{"body":"Called the shop."}`})
	note := decode[RequestEvent](t, w.Body.Bytes())
	if w.Code != 200 || note.Kind != "note" || note.Visibility != "internal" || note.Actor != "token:"+f.tokenID["req-write"] {
		t.Fatalf("note: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: "/api/v1/requests/" + r.ID + "/notes", token: "req-write", body: `{"body":"  "}`})
	if e := decodeError(t, w); w.Code != 422 || e.Error.Code != "requests.error.body_required" {
		t.Fatalf("empty note: %d %s", w.Code, w.Body)
	}

	// List, filters, counts.
	w = f.do(t, request{path: "/api/v1/requests?open=true&law=quebec&limit=1", token: "req-read"})
	page := decode[RequestPage](t, w.Body.Bytes())
	if w.Code != 200 || len(page.Requests) != 1 || page.Requests[0].ID != r.ID || page.NextCursor != "" ||
		page.Counts.Open != 1 || page.Counts.ByState["completed"] != 1 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{path: "/api/v1/requests?search=" + strings.ToLower(verified.Reference), token: "req-read"})
	if page := decode[RequestPage](t, w.Body.Bytes()); len(page.Requests) != 1 || page.Requests[0].ID != verified.ID {
		t.Fatalf("search: %s", w.Body)
	}
	for q, code := range map[string]string{"cursor=%21%21": "requests.error.cursor_invalid", "assignee=bob": "requests.error.filter_invalid",
		"state=lost": CodeInvalid, "limit=0": CodeInvalid, "limt=5": CodeInvalid} {
		w = f.do(t, request{path: "/api/v1/requests?" + q, token: "req-read"})
		if e := decodeError(t, w); w.Code != 422 || e.Error.Code != code {
			t.Errorf("?%s: %d %s", q, w.Code, w.Body)
		}
	}
	if w := f.do(t, request{path: "/api/v1/requests", token: "mail"}); w.Code != 403 {
		t.Fatalf("mail token listing requests: %d", w.Code)
	}
}

func TestRequestEnumsFollowTheDomain(t *testing.T) {
	strs := func(xs ...string) []string { return xs }
	var types, states, methods, outcomes, langs []string
	for _, x := range requests.Types {
		types = append(types, string(x))
	}
	for _, x := range requests.States {
		states = append(states, string(x))
	}
	for _, x := range requests.IdentityMethods {
		methods = append(methods, string(x))
	}
	for _, x := range append(slices.Clone(requests.CompletedOutcomes), requests.ClosedOutcomes...) {
		outcomes = append(outcomes, string(x))
	}
	for _, l := range i18n.Langs {
		langs = append(langs, string(l))
	}
	for _, c := range []struct {
		typ   reflect.Type
		field string
		want  []string
	}{
		{reflect.TypeFor[RequestInfo](), "Type", types},
		{reflect.TypeFor[RequestInfo](), "State", states},
		{reflect.TypeFor[RequestInfo](), "Language", langs},
		{reflect.TypeFor[RequestInfo](), "Source", strs(string(requests.SourceForm), string(requests.SourceAPI))},
		{reflect.TypeFor[IdentityInfo](), "Method", methods},
		{reflect.TypeFor[RequestEvent](), "Visibility", strs(string(requests.Internal), string(requests.VisibleSubject))},
		{reflect.TypeFor[RequestTask](), "Kind", strs(string(requests.SystemAutomatic), string(requests.SystemManual))},
		{reflect.TypeFor[RequestTask](), "State", strs(string(requests.TaskOpen), string(requests.TaskDone), string(requests.TaskWaitingConnector), string(requests.TaskFailed))},
		{reflect.TypeFor[RequestCreate](), "Type", types},
		{reflect.TypeFor[RequestCreate](), "Language", langs},
		{reflect.TypeFor[RequestListInput](), "State", states},
		{reflect.TypeFor[RequestListInput](), "Type", types},
		{reflect.TypeFor[RequestTransition](), "To", states},
		{reflect.TypeFor[RequestTransition](), "Outcome", outcomes},
		{reflect.TypeFor[RequestTransition](), "Method", methods},
	} {
		f, ok := c.typ.FieldByName(c.field)
		if !ok {
			t.Fatalf("%s has no %s", c.typ.Name(), c.field)
		}
		got := strings.Split(f.Tag.Get("enum"), ",")
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s enum %v, domain has %v", c.typ.Name(), c.field, got, want)
		}
	}
}
