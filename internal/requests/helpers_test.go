package requests

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var (
	cat   = i18n.MustLoad()
	quiet = slog.New(slog.DiscardHandler)
)

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// fixture is the service over a real database, with a queue that stores
// jobs without working them (tests run the workers' logic directly), the
// real outbox, audit log, operators and rules.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	db     *db.DB
	svc    *Service
	clock  *clock
	q      *jobs.Queue
	audit  *audit.Log
	ops    *operator.Service
	outbox *mail.Outbox

	owner, admin, agent, agent2, viewer *operator.Operator
}

// start is a Saturday, 31 January 2026, 10:00 UTC: month ends, weekends.
var start = time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)

func newFixture(t *testing.T, d *db.DB, tune ...func(*Deps)) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: d, clock: &clock{t: start}}
	f.audit = audit.New(d)
	f.ops = operator.NewService(d, f.audit, 0)
	f.q = jobs.New(d, quiet)
	f.outbox = mail.NewOutbox(d, f.q, cat, nil, quiet)
	deps := Deps{
		DB: d, Queue: f.q, Audit: f.audit, Outbox: f.outbox, Operators: f.ops, Log: quiet,
		Deadlines: NewRulesDeadlines(rules.Embedded(), "FR", nil),
		BaseURL:   "https://privacy.example.org/", Now: f.clock.Now,
	}
	for _, fn := range tune {
		fn(&deps)
	}
	f.svc = NewService(deps)
	if err := f.q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	f.owner = f.operator("owner@acme.example", operator.Owner, "")
	f.admin = f.operator("admin@acme.example", operator.Admin, "")
	f.agent = f.operator("agent@acme.example", operator.Agent, "fr")
	f.agent2 = f.operator("agent2@acme.example", operator.Agent, "nl")
	f.viewer = f.operator("viewer@acme.example", operator.Viewer, "")
	return f
}

func (f *fixture) operator(email string, role operator.Role, locale string) *operator.Operator {
	f.t.Helper()
	o, err := f.ops.Create(f.ctx, operator.ActorCLI, operator.NewOperator{
		Email: email, Name: "Op " + string(role), Role: role, Password: "correct horse battery staple", Locale: locale})
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

func (f *fixture) as(o *operator.Operator) Actor { return OperatorActor(o) }

// input is a valid French submission.
func input() SubmitInput {
	return SubmitInput{
		Email: "  Jo.Martin@Example.FR ", Name: "Jo Martin", Phone: "06 12 34 56 78", Subject: "Mes données",
		Type: TypeAccess, Description: "Bonjour,\r\nje voudrais une copie de mes données.", AccountID: "acct-42",
		Region: "fr", Language: i18n.FR,
	}
}

func (f *fixture) submit(in SubmitInput) *Receipt {
	f.t.Helper()
	rc, err := f.svc.Submit(f.ctx, in, SubmitMeta{})
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return rc
}

func (f *fixture) get(id string) *Request {
	f.t.Helper()
	r, err := f.svc.Get(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// sentMail is one stored email, read from the table itself: the outbox's
// own reader hides one-time secrets, which the tests need to follow.
type sentMail struct {
	ID, To, Lang, Template, Subject, Text, HTML, Status string
}

func (f *fixture) mails(to string) []sentMail {
	f.t.Helper()
	rows, err := f.db.Query(f.ctx, `SELECT id, to_addr, locale, template, subject, body_text, body_html, status
		FROM mail_outbox WHERE to_addr = ? ORDER BY created_at, id`, to)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var m sentMail
		if err := rows.Scan(&m.ID, &m.To, &m.Lang, &m.Template, &m.Subject, &m.Text, &m.HTML, &m.Status); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// lastMail returns the newest email to `to`, which must use template tmpl.
func (f *fixture) lastMail(to, tmpl string) sentMail {
	f.t.Helper()
	ms := f.mails(to)
	if len(ms) == 0 {
		f.t.Fatalf("no mail to %s", to)
	}
	m := ms[len(ms)-1]
	if m.Template != tmpl {
		f.t.Fatalf("last mail to %s is %s, want %s", to, m.Template, tmpl)
	}
	return m
}

var tokenRE = regexp.MustCompile(`\?token=([A-Za-z0-9_%-]+)`)

// linkToken extracts the token of the first link to path in a text body.
func linkToken(t *testing.T, text, path string) string {
	t.Helper()
	i := strings.Index(text, path+"?token=")
	if i < 0 {
		t.Fatalf("no %s link in:\n%s", path, text)
	}
	m := tokenRE.FindStringSubmatch(text[i:])
	return m[1]
}

var codeRE = regexp.MustCompile(`\b(\d{3}) (\d{3})\b`)

func mailCode(t *testing.T, text string) string {
	t.Helper()
	m := codeRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no code in:\n%s", text)
	}
	return m[1] + m[2]
}

// verifyLink verifies request r's latest verification email by its link.
func (f *fixture) verifyLink(email string) *Verified {
	f.t.Helper()
	m := f.lastMail(email, TemplateVerify)
	v, err := f.svc.VerifyByToken(f.ctx, linkToken(f.t, m.Text, PathVerify))
	if err != nil {
		f.t.Fatalf("verify: %v", err)
	}
	return v
}

// verified submits in and verifies it by link.
func (f *fixture) verified(in SubmitInput) *Request {
	f.t.Helper()
	rc := f.submit(in)
	f.verifyLink(strings.ToLower(strings.TrimSpace(in.Email)))
	return f.get(rc.ID)
}

func (f *fixture) events(id string) []Event {
	f.t.Helper()
	es, err := f.svc.Timeline(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func kinds(es []Event) []EventKind {
	out := make([]EventKind, len(es))
	for i, e := range es {
		out[i] = e.Kind
	}
	return out
}

// auditActions lists the audit actions on a request, oldest first.
func (f *fixture) auditActions(id string) []string {
	f.t.Helper()
	rows, err := f.db.Query(f.ctx, "SELECT action FROM audit_log WHERE target = ? ORDER BY seq", "request:"+id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func (f *fixture) jobs(kind string) []*rivertype.JobRow {
	f.t.Helper()
	res, err := f.q.Client().JobList(f.ctx, river.NewJobListParams().Kinds(kind).First(1000))
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Jobs
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// wantErr checks that err is the localized error with this ID.
func wantErr(t *testing.T, err error, id string) *i18n.Error {
	t.Helper()
	var ie *i18n.Error
	if !errors.As(err, &ie) || ie.ID != id {
		t.Fatalf("error %v, want %s", err, id)
	}
	return ie
}

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02")
}
