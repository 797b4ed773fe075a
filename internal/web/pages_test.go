package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// pageCase renders one page (GET or the page a POST answers with).
type pageCase struct {
	name   string
	status int
	get    func(e *env, c map[string]*client) *response
}

func getAs(who, path string) func(*env, map[string]*client) *response {
	return func(e *env, c map[string]*client) *response { return c[who].get(path) }
}

func postAs(who, path string, form url.Values, hdr ...string) func(*env, map[string]*client) *response {
	return func(e *env, c map[string]*client) *response {
		h := http.Header{}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		return c[who].do("POST", path, form, h)
	}
}

var allPages = []pageCase{
	{"login", 200, getAs("anon", "/login")},
	{"login error", 401, postAs("anon", "/login", url.Values{"email": {"owner@example.org"}, "password": {"nope nope nope"}})},
	{"login empty", 422, postAs("anon", "/login", url.Values{})},
	{"setup form", 200, func(e *env, c map[string]*client) *response { return c["setup"].get("/setup?token=" + e.setupToken) }},
	{"setup errors", 422, func(e *env, c map[string]*client) *response {
		return c["setup"].post("/setup", url.Values{"token": {e.setupToken}, "password": {"a"}, "confirm": {"b"}})
	}},
	{"setup link dead", 410, getAs("anon", "/setup?token=dead")},
	{"setup link missing", 400, getAs("anon", "/setup")},
	{"setup done", 410, getAs("anon", "/setup?token=x")},
	{"dashboard", 200, getAs("owner", "/")},
	{"dashboard of a viewer", 200, getAs("viewer", "/")},
	{"account", 200, getAs("owner", "/account")},
	{"account errors", 422, postAs("owner", "/account/password", url.Values{"current": {"x"}, "new": {"y"}})},
	{"operators", 200, getAs("owner", "/operators")},
	{"operators as admin", 200, getAs("admin", "/operators")},
	{"operators errors", 422, postAs("owner", "/operators", url.Values{"role": {"boss"}})},
	{"tokens", 200, getAs("owner", "/tokens")},
	{"token created", 200, postAs("owner", "/tokens", url.Values{"name": {"CRM"}, "scopes": {"audit:read", "mail:read"}, "days": {"30"}})},
	{"tokens errors", 422, postAs("owner", "/tokens", url.Values{"days": {"-1"}})},
	{"audit", 200, getAs("owner", "/audit")},
	{"audit older page", 200, getAs("owner", "/audit?before=3")},
	{"audit verified", 200, postAs("owner", "/audit/verify", url.Values{})},
	{"mail", 200, getAs("owner", "/mail")},
	{"mail filtered", 200, getAs("owner", "/mail?status=failed")},
	{"mail errors", 422, postAs("owner", "/mail/test", url.Values{"to": {"Jo <jo@example.org>"}})},
	{"mail with flash", 200, func(e *env, c map[string]*client) *response {
		c["owner"].post("/mail/test", url.Values{"to": {"jo@example.org"}}).mustStatus(e.t, http.StatusSeeOther)
		return c["owner"].get("/mail")
	}},
	{"not found", 404, getAs("owner", "/nope")},
	{"forbidden", 403, getAs("viewer", "/audit")},
	{"sign-in required", 401, postAs("anon", "/tokens", url.Values{})},
	{"cross-site refused", 403, postAs("anon", "/language", url.Values{"lang": {"fr"}}, "Sec-Fetch-Site", "cross-site")},
	{"bad request", 400, getAs("owner", "/mail?status=x")},
}

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

// TestEveryPageEveryLanguage renders every page in en, fr and nl and
// checks each one: status, <html lang>, a title, no inline script or
// style, no raw message ID, no missing translation in the log; and that
// the French and Dutch titles differ from the English ones.
func TestEveryPageEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A second, empty installation serves the setup form.
	setup := newEnv(t)
	tok, err := setup.ops.CreateSetupToken(context.Background(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.setupToken = tok
	e.seed()
	clients := map[string]*client{
		"anon":   e.client(),
		"owner":  e.as(operator.Owner),
		"admin":  e.as(operator.Admin),
		"viewer": e.as(operator.Viewer),
		"setup":  setup.client(),
	}
	english := map[string]string{}
	for _, lang := range i18n.Langs {
		for _, c := range clients {
			c.setLang(lang)
		}
		for _, pc := range allPages {
			t.Run(string(lang)+"/"+pc.name, func(t *testing.T) {
				r := pc.get(e, clients)
				r.mustStatus(t, pc.status)
				setup.checkPage(t, r, lang)
				m := titleRE.FindStringSubmatch(r.body)
				if m == nil {
					t.Fatal("no title")
				}
				if lang == i18n.EN {
					english[pc.name] = m[1]
				} else if m[1] == english[pc.name] {
					t.Errorf("title %q is the same as in English", m[1])
				}
			})
		}
	}
}
