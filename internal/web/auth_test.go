package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestSetupFlow follows the first-start link: a dead or missing token gets
// a clear page, a mistyped form is shown again with its errors, and a good
// one creates the owner, signs them in and spends the link.
func TestSetupFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token, err := e.ops.CreateSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	owner := url.Values{"token": {token}, "email": {"Boss@Example.org"}, "name": {"Camille"}, "password": {password}, "confirm": {password}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for key, vs := range owner {
			f[key] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	e.run(t, []scenario{
		{name: "no token", path: "/setup", status: 400, contains: []string{"This setup link is incomplete."}},
		{name: "unknown token", path: "/setup?token=garbage", status: 410, contains: []string{"Setup link no longer valid"}},
		{name: "unknown token in French", path: "/setup?token=garbage", header: http.Header{"Accept-Language": {"fr"}}, status: 410,
			contains: []string{"Lien de configuration périmé"}},
		{name: "form", path: "/setup?token=" + url.QueryEscape(token), status: 200,
			contains: []string{"Create the owner account", `name="token" value="` + token + `"`, `<label for="setup-confirm">`, `aria-describedby="setup-password-hint"`}},
		{name: "passwords differ", method: "POST", path: "/setup", form: with("confirm", "something else entirely"), status: 422,
			contains:    []string{`<a href="#setup-confirm">The two passwords do not match.</a>`, `value="Boss@Example.org"`, `value="Camille"`},
			notContains: []string{password}},
		{name: "password too short", method: "POST", path: "/setup", form: with("password", "short", "confirm", "short"), status: 422,
			contains: []string{`<a href="#setup-password">The password must be at least 12 characters long.</a>`}},
		{name: "empty fields", method: "POST", path: "/setup", form: url.Values{"token": {token}}, status: 422,
			contains: []string{`<a href="#setup-email">Fill in “Email address”.</a>`, `<a href="#setup-name">`, `<a href="#setup-password">`}},
		{name: "bad address", method: "POST", path: "/setup", form: with("email", "not an address"), status: 422,
			contains: []string{`<a href="#setup-email">Enter a valid email address`}},
		{name: "post with a dead token", method: "POST", path: "/setup", form: with("token", "garbage"), status: 410,
			contains: []string{"Setup link no longer valid"}},
		{name: "dead token is said before form errors", method: "POST", path: "/setup", form: url.Values{"token": {"garbage"}}, status: 410},
		{name: "post without token", method: "POST", path: "/setup", form: with("token", ""), status: 400},
	})

	r := c.post("/setup", owner)
	r.mustStatus(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/" {
		t.Fatalf("setup went to %q", loc)
	}
	home := c.get("/")
	home.mustStatus(t, http.StatusOK)
	home.mustContain(t, "Hello, Camille.", "Owner", "Your owner account is ready.")
	// The flash is shown once.
	c.get("/").mustNotContain(t, "Your owner account is ready.")

	op, err := e.ops.GetByEmail(context.Background(), "boss@example.org")
	if err != nil || op.Role != operator.Owner {
		t.Fatalf("owner not created: %v %+v", err, op)
	}
	// The link is spent: showing or posting it again is a clear 410.
	c.get("/setup?token="+url.QueryEscape(token)).mustStatus(t, http.StatusGone)
	again := e.client().post("/setup", with("email", "second@example.org"))
	again.mustStatus(t, http.StatusGone)
	if _, err := e.ops.GetByEmail(context.Background(), "second@example.org"); err == nil {
		t.Error("a spent setup link created a second owner")
	}
}

// TestSetupLanguage: a language picked with the switch on the setup page
// is saved on the owner's account; one only guessed from the browser is
// not, so the account keeps following the browser.
func TestSetupLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token, err := e.ops.CreateSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.header.Set("Accept-Language", "nl")
	c.get("/setup?token="+url.QueryEscape(token)).mustContain(t, `<html lang="nl">`)
	c.post("/language", url.Values{"lang": {"fr"}, "next": {"/setup?token=" + token}}).mustStatus(t, http.StatusSeeOther)
	c.get("/setup?token="+url.QueryEscape(token)).mustContain(t, `<html lang="fr">`, "Créer le compte propriétaire")
	c.post("/setup", url.Values{"token": {token}, "email": {"o@example.org"}, "name": {"Oriane"}, "password": {password}, "confirm": {password}}).
		mustStatus(t, http.StatusSeeOther)
	op, _ := e.ops.GetByEmail(context.Background(), "o@example.org")
	if op.Locale != "fr" {
		t.Errorf("owner locale %q, want fr", op.Locale)
	}
	fresh := e.client()
	fresh.header.Set("Accept-Language", "nl")
	fresh.login("o@example.org")
	fresh.get("/").mustContain(t, `<html lang="fr">`, "Bonjour Oriane.")
}

// TestSetupWithoutSwitch: without the switch, nothing is saved and pages
// follow each browser's Accept-Language.
func TestSetupWithoutSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	token, err := e.ops.CreateSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	c.header.Set("Accept-Language", "fr")
	c.post("/setup", url.Values{"token": {token}, "email": {"o@example.org"}, "name": {"Oriane"}, "password": {password}, "confirm": {password}}).
		mustStatus(t, http.StatusSeeOther)
	if op, _ := e.ops.GetByEmail(context.Background(), "o@example.org"); op.Locale != "" {
		t.Errorf("owner locale %q, want none", op.Locale)
	}
	c.get("/").mustContain(t, `<html lang="fr">`)
	dutch := e.client()
	dutch.header.Set("Accept-Language", "nl-BE")
	dutch.login("o@example.org")
	dutch.get("/").mustContain(t, `<html lang="nl">`, "Hallo Oriane.")
}

// TestLoginThrottled: after five failures for one address, even the right
// password is refused with 429 and a localized message.
func TestLoginThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.client()
	bad := url.Values{"email": {"admin@example.org"}, "password": {"wrong wrong wrong"}}
	for i := range 5 {
		r := c.post("/login", bad)
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, r.StatusCode)
		}
	}
	r := c.post("/login", url.Values{"email": {"admin@example.org"}, "password": {password}})
	r.mustStatus(t, http.StatusTooManyRequests)
	r.mustContain(t, `role="alert"`, "Too many failed attempts.")
	r.mustNotContain(t, "Incorrect email address")
	if c.cookie(sessionCookie) != "" {
		t.Error("a throttled login set a session cookie")
	}
	c.header.Set("Accept-Language", "nl")
	c.post("/login", bad).mustContain(t, "Te veel mislukte pogingen.")
	// Other accounts are not locked out by it.
	e.client().login("owner@example.org")
}

// TestLogout: after signing out, the old session cookie opens nothing.
func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Owner)
	old := c.cookie(sessionCookie)
	if old == "" {
		t.Fatal("no session cookie after login")
	}
	r := c.post("/logout", nil)
	r.mustStatus(t, http.StatusSeeOther)
	if c.cookie(sessionCookie) != "" {
		t.Error("session cookie kept after logout")
	}
	c.get("/login").mustContain(t, "You have signed out.")
	replay := e.client()
	r = replay.do("GET", "/", nil, http.Header{"Cookie": {sessionCookie + "=" + old}})
	r.mustStatus(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("old session went to %q", r.Header.Get("Location"))
	}
}

// TestSessionCookie checks the cookie's attributes.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	r := e.client().post("/login", url.Values{"email": {"owner@example.org"}, "password": {password}})
	var ck *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie {
			ck = c
		}
	}
	if ck == nil {
		t.Fatal("no garde_session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", ck)
	}
	if len(ck.Value) < 32 {
		t.Errorf("session token looks weak: %q", ck.Value)
	}
}

// TestSecureCookie: behind https the cookies carry Secure.
func TestSecureCookie(t *testing.T) {
	t.Parallel()
	e := &env{}
	h := handler{}
	h.Config = e.cfgWith("https://privacy.example.com")
	if c := h.cookie(sessionCookie, "x", 0); !c.Secure {
		t.Error("session cookie not Secure under an https base URL")
	}
	h.Config = e.cfgWith("")
	if c := h.cookie(sessionCookie, "x", 0); c.Secure {
		t.Error("session cookie Secure on plain http")
	}
}

// TestLanguageRememberedPerOperator: the switch sets a cookie and saves
// the choice on the account, so a fresh browser (no cookie, English
// Accept-Language) shows the operator's language after sign-in.
func TestLanguageRememberedPerOperator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	c := e.as(operator.Admin)
	c.get("/account").mustContain(t, `<html lang="en">`, "My account")
	r := c.post("/language", url.Values{"lang": {"fr"}, "next": {"/account"}})
	r.mustStatus(t, http.StatusSeeOther)
	if r.Header.Get("Location") != "/account" {
		t.Errorf("switch went to %q", r.Header.Get("Location"))
	}
	if c.cookie(langCookie) != "fr" {
		t.Errorf("lang cookie %q", c.cookie(langCookie))
	}
	c.get("/account").mustContain(t, `<html lang="fr">`, "Mon compte", `aria-pressed="true">Français`)
	op, _ := e.ops.Get(context.Background(), e.users[operator.Admin].ID)
	if op.Locale != "fr" {
		t.Fatalf("locale saved as %q", op.Locale)
	}

	fresh := e.client()
	fresh.header.Set("Accept-Language", "en-US,en;q=0.9")
	fresh.get("/login").mustContain(t, `<html lang="en">`)
	fresh.login("admin@example.org")
	fresh.get("/").mustContain(t, `<html lang="fr">`, "Tableau de bord")

	// Dutch from the second browser, and the first follows on its next
	// fresh sign-in.
	fresh.post("/language", url.Values{"lang": {"nl"}}).mustStatus(t, http.StatusSeeOther)
	third := e.client()
	third.login("admin@example.org")
	third.get("/").mustContain(t, `<html lang="nl">`, "Overzicht")

	// A browser's own choice wins over the saved one.
	c.setLang(i18n.EN)
	c.get("/").mustContain(t, `<html lang="en">`, "Dashboard")

	// Anonymous switching sets only the cookie.
	anon := e.client()
	anon.post("/language", url.Values{"lang": {"nl"}}).mustStatus(t, http.StatusSeeOther)
	anon.get("/login").mustContain(t, `<html lang="nl">`, "Aanmelden")
}

// TestSecurityHeaders: every response of the back office carries them,
// pages are not cached, the stylesheet is.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.seed()
	owner := e.as(operator.Owner)
	anon := e.client()
	for _, r := range []*response{
		anon.get("/login"), anon.get("/nope"), anon.get("/"), anon.post("/login", url.Values{}),
		anon.do("POST", "/language", url.Values{}, http.Header{"Sec-Fetch-Site": {"cross-site"}}),
		owner.get("/"), owner.get("/operators"), owner.get("/static/garde.css"),
	} {
		where := r.Request.Method + " " + r.Request.URL.Path
		want := map[string]string{
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
			"X-Frame-Options":         "DENY",
		}
		for k, v := range want {
			if got := r.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", where, k, got, v)
			}
		}
		if r.Header.Get("Permissions-Policy") == "" {
			t.Errorf("%s: no Permissions-Policy", where)
		}
		cc := r.Header.Get("Cache-Control")
		if strings.HasPrefix(r.Request.URL.Path, "/static/") {
			if !strings.Contains(cc, "max-age") || r.Header.Get("Content-Type") != "text/css; charset=utf-8" {
				t.Errorf("%s: Cache-Control %q, Content-Type %q", where, cc, r.Header.Get("Content-Type"))
			}
		} else if cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", where, cc)
		}
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/":                 "/",
		"/audit?before=3":   "/audit?before=3",
		"":                  "",
		"audit":             "",
		"//evil.example":    "",
		"/\\evil.example":   "",
		"https://evil.com":  "",
		"/ok\r\nSet-Cookie": "",
		"/%2F%2Fevil":       "/%2F%2Fevil",
	}
	for in, want := range cases {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
