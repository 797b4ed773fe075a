package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
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
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// reqEnv is the back office with the request service wired as the
// application wires it: the same database, audit log, outbox, operators
// and embedded rules.
type reqEnv struct {
	*env
	svc   *requests.Service
	q     *jobs.Queue
	clock *testClock
}

// testClock is the request service's clock; tests move it to make
// requests overdue. Nil time means the real time.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type reqOptions struct {
	// sender delivers mail; nil stores it unsent.
	sender mail.Sender
	// workers > 0 runs the queue (mail goes out); 0 only stores jobs.
	workers int
}

func newReqEnv(t *testing.T, opts reqOptions) *reqEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, opts.sender, log)
	clock := &testClock{}
	svc := requests.NewService(requests.Deps{
		DB: d, Queue: q, Audit: aud, Outbox: outbox, Operators: ops, Log: log,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil),
		BaseURL:   "http://garde.test", Now: clock.Now, Box: testBox(t),
	})
	if err := q.Build(jobs.Options{Workers: opts.workers, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if opts.workers > 0 {
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(ctx)
		})
	}
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log, Requests: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	return &reqEnv{env: e, svc: svc, q: q, clock: clock}
}

// submission is a valid request from a person living in region, writing
// in lang.
func submission(email, region string, lang i18n.Lang, typ requests.Type) requests.SubmitInput {
	return requests.SubmitInput{
		Email: email, Name: "Camille Martin", Subject: "Mes données", Type: typ,
		Description: "Bonjour,\nje voudrais savoir ce que vous savez de moi.", AccountID: "acct-42",
		Region: region, Language: lang,
	}
}

// submit sends a request as the person would, through the public path.
func (e *reqEnv) submit(in requests.SubmitInput) string {
	e.t.Helper()
	rc, err := e.svc.Submit(context.Background(), in, requests.SubmitMeta{})
	if err != nil {
		e.t.Fatalf("submit: %v", err)
	}
	return rc.ID
}

var verifyTokenRE = regexp.MustCompile(regexp.QuoteMeta(requests.PathVerify) + `\?token=([A-Za-z0-9_%-]+)`)

// verify follows the link of the newest verification email to email, as
// the person would; with an insert-only queue the email is still in the
// outbox with its link.
func (e *reqEnv) verify(email string) {
	e.t.Helper()
	var body string
	err := e.db.QueryRow(context.Background(), `SELECT body_text FROM mail_outbox WHERE to_addr = ? AND template = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`, email, requests.TemplateVerify).Scan(&body)
	if err != nil {
		e.t.Fatalf("verification email to %s: %v", email, err)
	}
	m := verifyTokenRE.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no verification link in:\n%s", body)
	}
	if _, err := e.svc.VerifyByToken(context.Background(), m[1]); err != nil {
		e.t.Fatalf("verify: %v", err)
	}
}

// verified submits and verifies a request, returning its ID.
func (e *reqEnv) verified(in requests.SubmitInput) string {
	e.t.Helper()
	id := e.submit(in)
	e.verify(in.Email)
	return id
}

func (e *reqEnv) request(id string) *requests.Request {
	e.t.Helper()
	r, err := e.svc.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *reqEnv) events(id string) []requests.Event {
	e.t.Helper()
	es, err := e.svc.Timeline(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// auditActions lists the audit actions on a target, oldest first.
func (e *reqEnv) auditActions(target string) []string {
	e.t.Helper()
	entries, err := e.audit.List(context.Background(), audit.ListFilter{Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Target == target {
			out = append(out, entries[i].Action)
		}
	}
	return out
}

// outboxTo lists what was queued for an address, oldest first.
func (e *reqEnv) outboxTo(addr string) []mail.Item {
	e.t.Helper()
	items, err := e.outbox.List(context.Background(), mail.ListFilter{Limit: 200})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []mail.Item
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].To == addr {
			out = append(out, items[i])
		}
	}
	return out
}

var (
	tagRE  = regexp.MustCompile(`(?s)<[^>]*>`)
	uuidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	// codeWords are codes that must always be shown as words.
	codeWords = regexp.MustCompile(`\b(in_progress|identity_check|waiting_connector|opt_out_sale|limit_sensitive|` +
		`partially_fulfilled|no_data|no_reply|request_[a-z_]+|account_login|email_match|operator:|subject:|token:|owner:)`)
)

// visibleText is what a page shows, tags removed.
func visibleText(body string) string { return tagRE.ReplaceAllString(body, " ") }

// checkNoRawIDs fails when a page shows an ID or a code where people read.
func checkNoRawIDs(t *testing.T, r *response) {
	t.Helper()
	text := visibleText(r.body)
	if m := uuidRE.FindString(text); m != "" {
		t.Errorf("%s: raw ID %s shown on the page", r.Request.URL.Path, m)
	}
	if m := codeWords.FindString(text); m != "" {
		t.Errorf("%s: raw code %q shown on the page", r.Request.URL.Path, m)
	}
}

// lastKinds are the kinds of the last n events.
func lastKinds(es []requests.Event, n int) []requests.EventKind {
	var out []requests.EventKind
	for _, e := range es[max(0, len(es)-n):] {
		out = append(out, e.Kind)
	}
	return out
}

func hasKind(es []requests.Event, k requests.EventKind) bool {
	for _, e := range es {
		if e.Kind == k {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
