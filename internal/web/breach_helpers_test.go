package web

import (
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// breachEnv is the back office with the breach register wired as the
// application wires it, in a business on Montreal time.
type breachEnv struct {
	*env
	svc   *breach.Service
	clock *testClock
	loc   *time.Location
}

func newBreachEnv(t *testing.T) *breachEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	svc, err := breach.NewService(breach.Deps{DB: d, Audit: aud, Rules: rules.Embedded(), Catalog: cat,
		Location: loc, Organization: "Boutique Lumière inc.", Log: log, Now: clock.Now, Outbox: outbox})
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log, Breaches: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	e.seed()
	return &breachEnv{env: e, svc: svc, clock: clock, loc: loc}
}
