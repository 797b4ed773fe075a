package run_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var (
	oldKey = bytes.Repeat([]byte{9}, 32)
	cat    = i18n.MustLoad()
	quiet  = slog.New(slog.DiscardHandler)
)

// fixture is the requests service and the runner over a real database,
// with a queue that stores jobs without working them: the tests run the
// job's work directly, attempt by attempt.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *db.DB
	reqs  *requests.Service
	run   *run.Service
	audit *audit.Log
	q     *jobs.Queue
	admin requests.Actor
	agent requests.Actor
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: d}
	box, err := secrets.New(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	f.audit = audit.New(d)
	ops := operator.NewService(d, f.audit, 0)
	q := jobs.New(d, quiet)
	f.q = q
	outbox := mail.NewOutbox(d, q, cat, nil, quiet)
	f.reqs = requests.NewService(requests.Deps{
		DB: d, Queue: q, Audit: f.audit, Outbox: outbox, Operators: ops, Log: quiet,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil),
		BaseURL:   "https://privacy.example.org/", Box: box,
	})
	f.run, err = run.New(run.Deps{DB: d, Queue: q, Box: box, Audit: f.audit, Requests: f.reqs, Catalog: cat, WorkDir: t.TempDir(), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []operator.Role{operator.Admin, operator.Agent} {
		o, err := ops.Create(f.ctx, operator.ActorCLI, operator.NewOperator{
			Email: string(role) + "@acme.example", Name: "Op", Role: role, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		if role == operator.Admin {
			f.admin = requests.OperatorActor(o)
		} else {
			f.agent = requests.OperatorActor(o)
		}
	}
	return f
}

// shopSystem adds an automatic system connected to the shop at url.
func (f *fixture) shopSystem(url string) *requests.System {
	f.t.Helper()
	sys, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
		Name: "Web shop", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: url}); err != nil {
		f.t.Fatal(err)
	}
	return sys
}

// verified submits a request of type typ for Alice and verifies it.
func (f *fixture) verified(typ requests.Type) string {
	f.t.Helper()
	rc, err := f.reqs.Submit(f.ctx, requests.SubmitInput{
		Email: shoptest.Alice, Name: "Alice Dupont", Subject: "Mes données", Type: typ,
		Description: "Bonjour, je voudrais exercer mes droits.", Region: "fr", Language: i18n.FR,
	}, requests.SubmitMeta{})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.reqs.VerifyManually(f.ctx, f.agent, rc.ID, "Appel téléphonique depuis le numéro du compte"); err != nil {
		f.t.Fatal(err)
	}
	return rc.ID
}

// jobTasks returns the task IDs of the fulfilment jobs stored.
func (f *fixture) jobTasks() []string {
	f.t.Helper()
	res, err := f.q.Client().JobList(f.ctx, river.NewJobListParams().Kinds(run.TaskArgs{}.Kind()).First(100))
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, j := range res.Jobs {
		var a run.TaskArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			f.t.Fatal(err)
		}
		if j.MaxAttempts != run.MaxAttempts {
			f.t.Errorf("job of %s: %d attempts, want %d", a.TaskID, j.MaxAttempts, run.MaxAttempts)
		}
		out = append(out, a.TaskID)
	}
	return out
}

// availableJobs is how many of the task's jobs wait to be worked.
func (f *fixture) availableJobs(taskID string) int {
	f.t.Helper()
	res, err := f.q.Client().JobList(f.ctx, river.NewJobListParams().Kinds(run.TaskArgs{}.Kind()).
		States(rivertype.JobStateAvailable).First(100))
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, j := range res.Jobs {
		var a run.TaskArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			f.t.Fatal(err)
		}
		if a.TaskID == taskID {
			n++
		}
	}
	return n
}

// task returns the request's only task.
func (f *fixture) task(requestID string) requests.Task {
	f.t.Helper()
	ts, err := f.reqs.Tasks(f.ctx, requestID)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(ts) != 1 {
		f.t.Fatalf("%d tasks", len(ts))
	}
	return ts[0]
}

// count is how many audit entries have the action.
func (f *fixture) count(action string) int {
	f.t.Helper()
	es, err := f.audit.List(f.ctx, audit.ListFilter{Limit: 500, Action: action})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(es)
}

func itoa(n int) string { return strconv.Itoa(n) }

// checkPackage opens an access package and checks that its data.json
// holds exactly the wanted ids per collection and that no file holds
// another person's data; it returns the package's files.
func checkPackage(t *testing.T, content []byte, want map[string][]int64) map[string][]byte {
	t.Helper()
	zf := unzip(t, content)
	var doc map[string][]map[string]any
	if err := json.Unmarshal(zf["data.json"], &doc); err != nil {
		t.Fatalf("data.json: %v", err)
	}
	if len(doc) != len(want) {
		t.Errorf("data.json has %d collections, want %d", len(doc), len(want))
	}
	for k, ids := range want {
		var got []int64
		for _, row := range doc[k] {
			got = append(got, int64(row["id"].(float64)))
		}
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("%s: ids %v, want %v", k, got, ids)
		}
	}
	for name, b := range zf {
		for _, s := range shoptest.Others {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q, another person's data", name, s)
			}
		}
	}
	return zf
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = c
	}
	return out
}
