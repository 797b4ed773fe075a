package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// newConnectorEnv is the back office with the request service and the
// fulfilment runner, over a queue that works its jobs.
func newConnectorEnv(t *testing.T) *reqEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	q := jobs.New(d, slog.New(slog.DiscardHandler))
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	box := testBox(t)
	svc := requests.NewService(requests.Deps{
		DB: d, Queue: q, Audit: aud, Outbox: outbox, Operators: ops, Log: log,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", nil),
		BaseURL:   "http://garde.test", Box: box,
	})
	runner, err := run.New(run.Deps{DB: d, Queue: q, Box: box, Audit: aud, Requests: svc, Catalog: cat, WorkDir: t.TempDir(), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log, Requests: svc, Fulfil: runner})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	return &reqEnv{env: e, svc: svc, q: q, clock: &testClock{}}
}

// TestSystemConnectorPageRunsVerifiedRequests saves a connection through
// the page (refusing a broken dataset with its line, and bad URLs), then a
// verified access request is answered by the job the queue works: the
// request page shows the task done with its counts and the package.
func TestSystemConnectorPageRunsVerifiedRequests(t *testing.T) {
	e := newConnectorEnv(t)
	e.seed()
	ctx := context.Background()
	admin := requests.OperatorActor(e.users[operator.Admin])
	sys, err := e.svc.CreateSystem(ctx, admin, requests.SystemInput{
		Name: "Boutique", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	manual, err := e.svc.CreateSystem(ctx, admin, requests.SystemInput{
		Name: "Paper files", OwnerEmail: "it@example.org", Kind: requests.SystemManual, Active: false})
	if err != nil {
		t.Fatal(err)
	}
	page := "/systems/" + sys.ID + "/connector"
	a := e.as(operator.Admin)

	titles := map[i18n.Lang]string{i18n.EN: "Connection of Boutique", i18n.FR: "Connexion de Boutique", i18n.NL: "Verbinding van Boutique"}
	for _, lang := range i18n.Langs {
		a.setLang(lang)
		r := a.get(page)
		r.mustStatus(t, http.StatusOK)
		e.checkPage(t, r, lang)
		r.mustContain(t, titles[lang])
		r = a.get("/systems/" + sys.ID)
		r.mustStatus(t, http.StatusOK)
		r.mustContain(t, `href="`+page+`"`)
	}
	a.setLang(i18n.EN)
	a.get("/systems/"+manual.ID+"/connector").mustStatus(t, http.StatusOK)
	e.as(operator.Agent).get(page).mustStatus(t, http.StatusForbidden)

	// SQL in a name is refused with its line; the URL typed is not shown back.
	bad := strings.Replace(shoptest.Dataset, "name: orders", "name: orders; DROP TABLE x", 1)
	badLine := 1 + strings.Count(bad[:strings.Index(bad, "DROP TABLE")], "\n")
	r := a.post(page, url.Values{"dataset": {bad}, "url": {"postgres://app:pw-typed@db.invalid/shop"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	e.checkPage(t, r, i18n.EN)
	r.mustContain(t, "The dataset cannot be used:", "line "+strconv.Itoa(badLine)+":")
	r.mustNotContain(t, "pw-typed")
	a.setLang(i18n.FR)
	r = a.post(page, url.Values{"dataset": {shoptest.Dataset}, "url": {"oracle://app@db/shop"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "doit commencer par postgres://")
	r = a.post(page, url.Values{"dataset": {shoptest.Dataset}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Indiquez l’URL de connexion")
	a.setLang(i18n.EN)

	// A password in a saved URL is never shown again.
	r = a.post(page, url.Values{"dataset": {shoptest.Dataset}, "url": {"postgres://app:pw-saved@db.invalid/shop"}})
	r.mustStatus(t, http.StatusSeeOther)
	r = a.get(page)
	r.mustContain(t, "Connected: dataset shop", "db.invalid")
	r.mustNotContain(t, "pw-saved")
	// The real shop replaces it.
	shop := shoptest.Create(t, db.SQLite)
	a.post(page, url.Values{"dataset": {shoptest.Dataset}, "url": {shop}}).mustStatus(t, http.StatusSeeOther)

	// A second system whose database is gone: its task fails visibly.
	crm, err := e.svc.CreateSystem(ctx, admin, requests.SystemInput{
		Name: "Old CRM", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	a.post("/systems/"+crm.ID+"/connector", url.Values{"dataset": {shoptest.Dataset}, "url": {"sqlite://" + t.TempDir() + "/gone.db"}}).
		mustStatus(t, http.StatusSeeOther)

	id := e.verified(submission(shoptest.Alice, "FR", i18n.FR, requests.TypeAccess))
	states := map[string]requests.Task{}
	for deadline := time.Now().Add(30 * time.Second); ; {
		ts, err := e.svc.Tasks(ctx, id)
		if err != nil || len(ts) != 2 {
			t.Fatalf("tasks %v %v", ts, err)
		}
		for _, task := range ts {
			states[task.SystemName] = task
		}
		if (states["Boutique"].State == requests.TaskDone && states["Old CRM"].State == requests.TaskFailed) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := states["Boutique"]; got.State != requests.TaskDone {
		t.Fatalf("shop task %s after 30 s: %s", got.State, got.Note)
	}
	if got := states["Old CRM"]; got.State != requests.TaskFailed || !strings.Contains(got.Note, " of 6 failed") {
		t.Fatalf("CRM task %s: %s", got.State, got.Note)
	}
	for _, lang := range i18n.Langs {
		ag := e.as(operator.Agent)
		ag.setLang(lang)
		r = ag.get("/requests/" + id)
		r.mustStatus(t, http.StatusOK)
		e.checkPage(t, r, lang)
		r.mustContain(t, "shop.customers", ".zip", `badge task-failed`, "/tasks/"+states["Old CRM"].ID+"/done",
			"/tasks/"+states["Old CRM"].ID+"/rerun", "/tasks/"+states["Boutique"].ID+"/rerun")
	}

	// The CRM's database is back: the agent runs the task again.
	a.post("/systems/"+crm.ID+"/connector", url.Values{"dataset": {shoptest.Dataset}, "url": {shoptest.Create(t, db.SQLite)}}).
		mustStatus(t, http.StatusSeeOther)
	ag := e.as(operator.Agent)
	e.as(operator.Viewer).post("/requests/"+id+"/tasks/"+states["Old CRM"].ID+"/rerun", nil).mustStatus(t, http.StatusForbidden)
	// River's own next attempt may win the race with the button: then the
	// task is already done and the button is refused.
	if r := ag.post("/requests/"+id+"/tasks/"+states["Old CRM"].ID+"/rerun", nil); r.StatusCode != http.StatusSeeOther {
		r.mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, "Only a failed or finished task")
		ts, err := e.svc.Tasks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range ts {
			if task.ID == states["Old CRM"].ID && task.State != requests.TaskDone {
				t.Fatalf("rerun refused while the task is %s", task.State)
			}
		}
	}
	var crmTask requests.Task
	for deadline := time.Now().Add(45 * time.Second); ; {
		ts, err := e.svc.Tasks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range ts {
			if task.SystemName == "Old CRM" {
				crmTask = task
			}
		}
		if crmTask.State == requests.TaskDone || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if crmTask.State != requests.TaskDone {
		t.Fatalf("CRM task after rerun: %s %s", crmTask.State, crmTask.Note)
	}
	// A done task runs again on demand and ends done again.
	ag.post("/requests/"+id+"/tasks/"+crmTask.ID+"/rerun", nil).mustStatus(t, http.StatusSeeOther)
	for deadline := time.Now().Add(45 * time.Second); ; {
		ts, err := e.svc.Tasks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range ts {
			if task.ID == crmTask.ID {
				crmTask = task
			}
		}
		if (crmTask.State == requests.TaskDone && crmTask.DoneAt != nil) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if crmTask.State != requests.TaskDone {
		t.Fatalf("CRM task after its second run: %s %s", crmTask.State, crmTask.Note)
	}
	r = ag.get("/requests/" + id)
	r.mustSay(t, "Task run again")
}
