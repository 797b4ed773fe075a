package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
)

// suppressEnv is the back office with requests and the suppression list
// wired as the application wires them, on d.
type suppressEnv struct {
	*reqEnv
	list *suppress.Service
}

func newSuppressEnv(t *testing.T, d *db.DB) *suppressEnv {
	t.Helper()
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	clock := &testClock{}
	svc := requests.NewService(requests.Deps{
		DB: d, Queue: q, Audit: aud, Outbox: outbox, Operators: ops, Log: log,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil),
		BaseURL:   "http://garde.test", Now: clock.Now,
	})
	list, err := suppress.New(suppress.Deps{DB: d, Audit: aud, Requests: svc, Key: bytes.Repeat([]byte{5}, 32), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log,
		Requests: svc, Suppress: list})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	e.seed()
	return &suppressEnv{reqEnv: &reqEnv{env: e, svc: svc, q: q, clock: clock}, list: list}
}

// entryOf returns the list entry of a request.
func (e *suppressEnv) entryOf(requestID string) *suppress.Entry {
	e.t.Helper()
	en, _, err := e.list.ForRequest(context.Background(), requestID)
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

func (e *suppressEnv) stopped(email, purpose string) bool {
	e.t.Helper()
	ok, err := e.list.Suppressed(context.Background(), email, purpose)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}
