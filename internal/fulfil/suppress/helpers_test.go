package suppress

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// fixture is the list over a real database, hooked to a real requests
// service (its jobs stored, not worked) with a real audit log.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	db    *db.DB
	audit *audit.Log
	rs    *requests.Service
	list  *Service
	agent requests.Actor
}

var testKey = bytes.Repeat([]byte{42}, 32)

// newFixture builds the requests service; hooked adds the list on it
// (false leaves it out, as before the list existed).
func newFixture(t testing.TB, d *db.DB, hooked bool) *fixture {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	f := &fixture{t: t, ctx: context.Background(), db: d, audit: audit.New(d)}
	ops := operator.NewService(d, f.audit, 0)
	q := jobs.New(d, quiet)
	ob := mail.NewOutbox(d, q, i18n.MustLoad(), nil, quiet)
	f.rs = requests.NewService(requests.Deps{DB: d, Queue: q, Audit: f.audit, Outbox: ob, Operators: ops, Log: quiet,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil), BaseURL: "https://privacy.example.org"})
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	agent, err := ops.Create(f.ctx, operator.ActorCLI, operator.NewOperator{Email: "agent@example.org", Name: "Ann Agent",
		Role: operator.Agent, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatal(err)
	}
	f.agent = requests.OperatorActor(agent)
	if hooked {
		f.hook()
	}
	return f
}

func (f *fixture) hook() {
	f.t.Helper()
	var err error
	if f.list, err = New(Deps{DB: f.db, Audit: f.audit, Requests: f.rs, Key: testKey}); err != nil {
		f.t.Fatal(err)
	}
}

// submit files a request from the API; verified says the business's
// system vouches for the person (the request is verified at once).
func (f *fixture) submit(email string, typ requests.Type, verified bool) string {
	f.t.Helper()
	rc, err := f.rs.Submit(f.ctx, requests.SubmitInput{Email: email, Name: "Jo", Subject: "Stop", Type: typ,
		Description: "Please stop.", Region: "FR", Language: i18n.FR},
		requests.SubmitMeta{Source: requests.SourceAPI, Actor: requests.TokenActor("t1"), Verified: verified})
	if err != nil {
		f.t.Fatal(err)
	}
	return rc.ID
}

// stops asserts which purposes the list stops for an email.
func (f *fixture) stops(email string, want map[string]bool) {
	f.t.Helper()
	for p, w := range want {
		got, err := f.list.Suppressed(f.ctx, email, p)
		if err != nil || got != w {
			f.t.Errorf("%s %s: suppressed %v (%v), want %v", email, p, got, err, w)
		}
	}
}

func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// audited counts the audit entries of an action on a target.
func (f *fixture) audited(action, target string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target = ?", action, target).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
