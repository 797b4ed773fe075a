package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// password is every test operator's password.
const password = "correct horse battery staple"

// env is a running back office on a fresh database, with the real
// operator service, audit log and outbox behind it.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	db     *db.DB
	cat    *i18n.Catalog
	ops    *operator.Service
	audit  *audit.Log
	outbox *mail.Outbox
	logs   *logRecorder
	// users are the seeded operators by role (see seed).
	users map[operator.Role]*operator.Operator
	// setupToken is a live setup link's token, when a test made one.
	setupToken string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	// Insert-only queue: mail is stored with its job but never sent, so the
	// outbox shows exactly what the pages queued.
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	return e
}

// seed creates one operator per role: owner@, admin@, agent@, viewer@example.org.
func (e *env) seed() {
	e.t.Helper()
	for _, r := range operator.Roles {
		o, err := e.ops.Create(context.Background(), operator.ActorCLI, operator.NewOperator{
			Email: string(r) + "@example.org", Name: "Test " + string(r), Role: r, Password: password,
		})
		if err != nil {
			e.t.Fatal(err)
		}
		e.users[r] = o
	}
}

// client is a browser stand-in: it keeps cookies and does not follow
// redirects, so tests see each 303 and where it leads.
type client struct {
	e    *env
	http *http.Client
	// header is sent with every request (Accept-Language, Sec-Fetch-Site…).
	header http.Header
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, header: http.Header{}, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// response is a read response.
type response struct {
	*http.Response
	body string
}

func (c *client) do(method, path string, form url.Values, hdr http.Header) *response {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return &response{Response: resp, body: string(b)}
}

func (c *client) get(path string) *response { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) post(path string, form url.Values) *response {
	if form == nil {
		form = url.Values{}
	}
	return c.do(http.MethodPost, path, form, nil)
}

// login signs the client in and fails the test unless it worked.
func (c *client) login(email string) {
	c.e.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		c.e.t.Fatalf("login %s: status %d\n%s", email, r.StatusCode, r.body)
	}
}

// as returns a client signed in as the seeded operator of role r.
func (e *env) as(r operator.Role) *client {
	c := e.client()
	c.login(string(r) + "@example.org")
	return c
}

// setLang sets the language cookie directly, as the switch would.
func (c *client) setLang(l i18n.Lang) {
	u, _ := url.Parse(c.e.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: langCookie, Value: string(l), Path: "/"}})
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (r *response) mustStatus(t *testing.T, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, excerpt(r.body))
	}
}

func (r *response) mustContain(t *testing.T, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Errorf("%s %s: body lacks %q\n%s", r.Request.Method, r.Request.URL.Path, s, excerpt(r.body))
		}
	}
}

func (r *response) mustNotContain(t *testing.T, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Errorf("%s %s: body contains %q", r.Request.Method, r.Request.URL.Path, s)
		}
	}
}

func excerpt(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// inlineCode finds what the Content-Security-Policy would block: script
// elements, style elements or attributes, event-handler attributes and
// javascript: URLs.
var inlineCode = regexp.MustCompile(`(?i)<script|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:`)

// webID looks like one of this package's message IDs.
var webID = regexp.MustCompile(`\bweb\.[a-z_]+\.[a-z_]`)

// checkPage asserts what every rendered page must hold: the language
// declared, a title, no inline code, and no message ID shown raw.
func (e *env) checkPage(t *testing.T, r *response, lang i18n.Lang) {
	t.Helper()
	where := r.Request.Method + " " + r.Request.URL.RequestURI()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", where, ct)
	}
	if !strings.Contains(r.body, `<html lang="`+string(lang)+`">`) {
		t.Errorf("%s: page is not declared as lang=%s", where, lang)
	}
	if m := regexp.MustCompile(`<title>([^<]+)</title>`).FindStringSubmatch(r.body); m == nil || strings.HasPrefix(m[1], " ·") {
		t.Errorf("%s: page has no proper title", where)
	}
	if loc := inlineCode.FindStringIndex(r.body); loc != nil {
		t.Errorf("%s: inline code %q", where, r.body[max(0, loc[0]-40):min(len(r.body), loc[1]+40)])
	}
	for _, id := range e.cat.IDs(lang) {
		if strings.Contains(r.body, id) {
			t.Errorf("%s: raw message ID %q on the page", where, id)
		}
	}
	if m := webID.FindString(r.body); m != "" {
		t.Errorf("%s: something like a message ID (%s) on the page", where, m)
	}
}

// logRecorder keeps log records so a test can fail on missing translations
// and unexpected errors.
type logRecorder struct {
	mu      sync.Mutex
	records []string
	// allowErrors is set by tests that provoke a server error on purpose.
	allowErrors bool
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.records = append(l.records, b.String())
	l.mu.Unlock()
	return nil
}

func (l *logRecorder) assertClean(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, rec := range l.records {
		if strings.Contains(rec, "missing translation") {
			t.Errorf("log: %s", rec)
		}
		if !l.allowErrors && strings.HasPrefix(rec, "ERROR web:") {
			t.Errorf("log: %s", rec)
		}
	}
}

// cfgWith is the test configuration with another base URL.
func (e *env) cfgWith(baseURL string) *config.Config {
	return &config.Config{Addr: "127.0.0.1:8080", BaseURL: baseURL, DefaultLanguage: "en", SecureCookies: "auto", SessionTTL: time.Hour}
}
