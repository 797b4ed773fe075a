package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/operator"
)

// scenario is one HTTP exchange and what must come back.
type scenario struct {
	name   string
	as     operator.Role // "" is an anonymous visitor
	fresh  bool          // sign in a new client instead of sharing one
	method string
	path   string
	form   url.Values
	header http.Header

	status      int
	location    string // the Location header, exactly
	contains    []string
	notContains []string
}

func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	shared := map[operator.Role]*client{}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			var c *client
			switch {
			case sc.as == "":
				c = e.client()
			case sc.fresh:
				c = e.as(sc.as)
			default:
				if shared[sc.as] == nil {
					shared[sc.as] = e.as(sc.as)
				}
				c = shared[sc.as]
			}
			method := sc.method
			if method == "" {
				method = http.MethodGet
			}
			form := sc.form
			if method == http.MethodPost && form == nil {
				form = url.Values{}
			}
			r := c.do(method, sc.path, form, sc.header)
			r.mustStatus(t, sc.status)
			if sc.location != "" {
				if got := r.Header.Get("Location"); got != sc.location {
					t.Errorf("Location %q, want %q", got, sc.location)
				}
			}
			r.mustContain(t, sc.contains...)
			r.mustNotContain(t, sc.notContains...)
		})
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	login := func(email, pw string, extra ...string) url.Values {
		v := url.Values{"email": {email}, "password": {pw}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	crossSite := http.Header{"Sec-Fetch-Site": {"cross-site"}}
	e.run(t, []scenario{
		{name: "login form", path: "/login", status: 200,
			contains: []string{`<form method="post" action="/login" novalidate>`, `<label for="login-email">Email address</label>`, `<title>Sign in · Garde</title>`}},
		{name: "login form for a browser asking for French", path: "/login", header: http.Header{"Accept-Language": {"fr-BE,fr;q=0.9"}}, status: 200,
			contains: []string{`<html lang="fr">`, "Connexion"}},
		{name: "login ok goes home", method: "POST", path: "/login", form: login("owner@example.org", password), status: 303, location: "/"},
		{name: "login ok follows a local next", method: "POST", path: "/login", form: login("owner@example.org", password, "next", "/audit?before=3"), status: 303, location: "/audit?before=3"},
		{name: "login ignores a next on another host", method: "POST", path: "/login", form: login("owner@example.org", password, "next", "//evil.example/x"), status: 303, location: "/"},
		{name: "login ignores an absolute next", method: "POST", path: "/login", form: login("owner@example.org", password, "next", "https://evil.example/"), status: 303, location: "/"},
		{name: "login ignores a backslash next", method: "POST", path: "/login", form: login("owner@example.org", password, "next", `/\evil.example`), status: 303, location: "/"},
		{name: "login wrong password", method: "POST", path: "/login", form: login("owner@example.org", "not the password at all"), status: 401,
			contains:    []string{`role="alert"`, `<a href="#login-email">Incorrect email address or password.</a>`, `value="owner@example.org"`},
			notContains: []string{"not the password at all"}},
		{name: "login unknown address", method: "POST", path: "/login", form: login("nobody@example.org", password), status: 401,
			contains: []string{"Incorrect email address or password."}},
		{name: "login empty form", method: "POST", path: "/login", form: url.Values{}, status: 422,
			contains: []string{`<a href="#login-email">Fill in “Email address”.</a>`, `<a href="#login-password">Fill in “Password”.</a>`, `aria-invalid="true"`}},
		{name: "login wrong password in Dutch", method: "POST", path: "/login", form: login("viewer@example.org", "not the password at all"),
			header: http.Header{"Accept-Language": {"nl"}}, status: 401, contains: []string{"Onjuist e-mailadres of wachtwoord."}},
		{name: "signed-in operator skips the login form", as: operator.Owner, path: "/login?next=/mail", status: 303, location: "/mail"},
		{name: "anonymous dashboard asks to sign in", path: "/", status: 303, location: "/login?next=%2F"},
		{name: "anonymous page keeps its query for later", path: "/audit?before=2", status: 303, location: "/login?next=%2Faudit%3Fbefore%3D2"},
		{name: "dashboard greets the operator", as: operator.Agent, path: "/", status: 200,
			contains:    []string{"Hello, Test agent.", "You are signed in as Agent.", `href="/account"`},
			notContains: []string{`href="/operators"`, `href="/audit"`}},
		{name: "dashboard of an owner links every section", as: operator.Owner, path: "/", status: 200,
			contains: []string{`href="/operators"`, `href="/tokens"`, `href="/audit"`, `href="/mail"`, "4 active operators", "Queued"}},
		{name: "logout", as: operator.Owner, fresh: true, method: "POST", path: "/logout", status: 303, location: "/login"},
		{name: "logout without a session", method: "POST", path: "/logout", status: 303, location: "/login"},
		{name: "language switch rejects an unknown language", method: "POST", path: "/language", form: url.Values{"lang": {"de"}}, status: 400,
			contains: []string{"Choose English, French or Dutch."}},
		{name: "language switch returns to a local page", method: "POST", path: "/language", form: url.Values{"lang": {"fr"}, "next": {"/login?next=/mail"}}, status: 303, location: "/login?next=/mail"},
		{name: "language switch never leaves the site", method: "POST", path: "/language", form: url.Values{"lang": {"fr"}, "next": {"https://evil.example/"}}, status: 303, location: "/"},
		{name: "language switch uses a same-site Referer", method: "POST", path: "/language", form: url.Values{"lang": {"nl"}},
			header: http.Header{"Referer": {"http://" + strings.TrimPrefix(e.srv.URL, "http://") + "/login?x=1"}}, status: 303, location: "/login?x=1"},
		{name: "language switch ignores a foreign Referer", method: "POST", path: "/language", form: url.Values{"lang": {"nl"}},
			header: http.Header{"Referer": {"https://evil.example/login"}}, status: 303, location: "/"},
		{name: "cross-site language switch refused", method: "POST", path: "/language", form: url.Values{"lang": {"fr"}}, header: crossSite, status: 403,
			contains: []string{"This form was sent from another website"}},
		{name: "cross-origin login refused", method: "POST", path: "/login", form: login("owner@example.org", password),
			header: http.Header{"Origin": {"http://evil.example"}}, status: 403},
		{name: "cross-site operator creation refused", as: operator.Owner, method: "POST", path: "/operators",
			form:   url.Values{"email": {"csrf@example.org"}, "name": {"CSRF"}, "role": {"owner"}, "password": {password}},
			header: crossSite, status: 403},
		{name: "same-origin post allowed", method: "POST", path: "/language", form: url.Values{"lang": {"fr"}},
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}}, status: 303},
		{name: "cross-site GET is allowed (safe method)", as: operator.Owner, path: "/", header: crossSite, status: 200},
		{name: "unknown page", path: "/no/such/page", status: 404, contains: []string{"Page not found"}},
		{name: "unknown page in French", path: "/nope", header: http.Header{"Accept-Language": {"fr"}}, status: 404, contains: []string{"Page introuvable"}},
		{name: "stylesheet", path: "/static/garde.css", status: 200, contains: []string{":focus-visible"}},
		{name: "unknown static file", path: "/static/nope.js", status: 404},
		{name: "session cookie of nobody", path: "/account", header: http.Header{"Cookie": {"garde_session=forged"}}, status: 303, location: "/login?next=%2Faccount"},
		{name: "form post with an ended session", method: "POST", path: "/account/password", header: http.Header{"Cookie": {"garde_session=forged"}}, status: 401,
			contains: []string{"Sign-in required"}},
		{name: "disable unknown operator", as: operator.Owner, method: "POST", path: "/operators/nope/disable", status: 404},
		{name: "role of unknown operator", as: operator.Owner, method: "POST", path: "/operators/nope/role", form: url.Values{"role": {"agent"}}, status: 303, location: "/operators"},
		{name: "role change with a made-up role", as: operator.Owner, method: "POST", path: "/operators/nope/role", form: url.Values{"role": {"god"}}, status: 400},
		{name: "revoke unknown token", as: operator.Owner, method: "POST", path: "/tokens/nope/revoke", status: 303, location: "/tokens"},
		{name: "audit page with a bad cursor", as: operator.Owner, path: "/audit?before=x", status: 400},
		{name: "mail page with a bad filter", as: operator.Owner, path: "/mail?status=lost", status: 400},
		{name: "switch on a page answering a post goes back to its GET page", as: operator.Owner, method: "POST", path: "/mail/test", form: url.Values{}, status: 422,
			contains: []string{`<input type="hidden" name="next" value="/mail">`}},
		{name: "switch on a failed login keeps next", method: "POST", path: "/login", form: login("", "", "next", "/tokens"), status: 422,
			contains: []string{`<input type="hidden" name="next" value="/login?next=%2Ftokens">`}},
		{name: "oversized form is refused, not served", method: "POST", path: "/login", form: login("owner@example.org", strings.Repeat("x", 100<<10)), status: 422},
		{name: "setup without a token", path: "/setup", status: 400, contains: []string{"This setup link is incomplete."}},
		{name: "setup when already set up", path: "/setup?token=whatever", status: 410, contains: []string{"Garde is already set up"}},
	})
	// The refused cross-site post created nobody.
	if _, err := e.ops.GetByEmail(context.Background(), "csrf@example.org"); err == nil {
		t.Error("a cross-site post created an operator")
	}
}

// route is a protected route with the least role that may use it and the
// status an allowed operator gets for the request sent.
type route struct {
	method, path string
	form         url.Values
	min          operator.Role
	allowed      int
}

var protected = []route{
	{"GET", "/", nil, operator.Viewer, 200},
	{"GET", "/account", nil, operator.Viewer, 200},
	{"POST", "/account/password", url.Values{"current": {"x"}, "new": {"y"}, "confirm": {"z"}}, operator.Viewer, 422},
	{"GET", "/operators", nil, operator.Admin, 200},
	{"POST", "/operators", url.Values{}, operator.Admin, 422},
	{"POST", "/operators/nope/role", url.Values{"role": {"viewer"}}, operator.Admin, 303},
	{"POST", "/operators/nope/disable", nil, operator.Admin, 404},
	{"POST", "/operators/nope/enable", nil, operator.Admin, 404},
	{"GET", "/tokens", nil, operator.Admin, 200},
	{"POST", "/tokens", url.Values{}, operator.Admin, 422},
	{"POST", "/tokens/nope/revoke", nil, operator.Admin, 303},
	{"GET", "/audit", nil, operator.Admin, 200},
	{"POST", "/audit/verify", nil, operator.Admin, 200},
	{"GET", "/mail", nil, operator.Admin, 200},
	{"POST", "/mail/test", url.Values{}, operator.Admin, 422},
}

// TestRoleEnforcement sends every protected route as every role and as an
// anonymous visitor.
func TestRoleEnforcement(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	var scenarios []scenario
	for _, rt := range protected {
		anon := scenario{name: "anonymous " + rt.method + " " + rt.path, method: rt.method, path: rt.path, form: rt.form}
		if rt.method == "GET" {
			anon.status, anon.location = 303, "/login?next="+url.QueryEscape(rt.path)
		} else {
			anon.status, anon.contains = 401, []string{"Sign-in required"}
		}
		scenarios = append(scenarios, anon)
		for _, role := range operator.Roles {
			sc := scenario{name: string(role) + " " + rt.method + " " + rt.path, as: role, method: rt.method, path: rt.path, form: rt.form}
			if role.AtLeast(rt.min) {
				sc.status = rt.allowed
				sc.notContains = []string{"Access denied"}
			} else {
				sc.status = 403
				sc.contains = []string{"Access denied", "Your role does not give access to this page."}
			}
			scenarios = append(scenarios, sc)
		}
	}
	e.run(t, scenarios)
}
