package run_test

import (
	"database/sql"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// alicesRows are the ids of Alice's rows per collection, by hand-written
// SQL over the shop.
func alicesRows(t *testing.T, raw *sql.DB, pg bool) map[string][]int64 {
	t.Helper()
	a := shoptest.Alice
	want := map[string][]int64{
		"shop:customers": shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE email = ? ORDER BY id`, a),
		"shop:addresses": shoptest.IDs(t, raw, pg, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ? ORDER BY a.id`, a),
		"shop:orders":    shoptest.IDs(t, raw, pg, `SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ? ORDER BY o.id`, a),
		"shop:order_lines": shoptest.IDs(t, raw, pg, `SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id
			JOIN customers c ON c.id = o.customer_id WHERE c.email = ? ORDER BY l.id`, a),
		"shop:tickets": shoptest.IDs(t, raw, pg, `SELECT id FROM tickets WHERE email = ? OR customer_id IN (SELECT id FROM customers WHERE email = ?) ORDER BY id`, a, a),
	}
	for k, ids := range want {
		if len(ids) == 0 {
			t.Fatalf("the shop gives Alice no %s", k)
		}
	}
	return want
}

func TestVerifiedAccessRequestAttachesExactlyThePersonsRows(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		shop := shoptest.Create(t, d.Dialect)
		want := alicesRows(t, shoptest.Open(t, shop), d.Dialect == db.Postgres)
		f.shopSystem(shop)
		id := f.verified(requests.TypeAccess)

		// The job was stored with the task, and only for it.
		task := f.task(id)
		if got := f.jobTasks(); !slices.Equal(got, []string{task.ID}) {
			t.Fatalf("jobs %v, want one for task %s", got, task.ID)
		}
		if task.State != requests.TaskWaitingConnector {
			t.Fatalf("task %s before its job", task.State)
		}
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		task = f.task(id)
		if task.State != requests.TaskDone || task.DoneBy != "system" {
			t.Fatalf("task %s by %q: %s", task.State, task.DoneBy, task.Note)
		}
		for k, ids := range want {
			line := strings.Replace(k, ":", ".", 1) + ": " + itoa(len(ids))
			if !strings.Contains(task.Note, line) {
				t.Errorf("note lacks %q:\n%s", line, task.Note)
			}
		}

		files, err := f.reqs.Attachments(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].ContentType != "application/zip" || !strings.HasSuffix(files[0].Filename, ".zip") {
			t.Fatalf("attachments %+v", files)
		}
		_, content, err := f.reqs.OpenAttachment(f.ctx, f.agent, id, files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		zf := checkPackage(t, content, want)
		// The summary is in the person's language.
		if !strings.Contains(string(zf["summary.html"]), `<html lang="fr">`) {
			t.Errorf("summary.html is not in French")
		}

		// A second run (a retry after a crash, a duplicate job) attaches
		// nothing more and records nothing more.
		if err := f.run.Work(f.ctx, task.ID, 2, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if files, _ := f.reqs.Attachments(f.ctx, id); len(files) != 1 {
			t.Fatalf("%d attachments after a second run", len(files))
		}
		if n := f.count("fulfil.access"); n != 1 {
			t.Errorf("%d fulfil.access audit entries, want 1", n)
		}

		// The agent delivers the package with the usual flow, and the
		// person downloads it.
		if err := f.reqs.Start(f.ctx, f.agent, id); err != nil {
			t.Fatal(err)
		}
		if err := f.reqs.Deliver(f.ctx, f.agent, id, requests.DeliverInput{AttachmentIDs: []string{files[0].ID}}); err != nil {
			t.Fatal(err)
		}
		link, err := f.reqs.StatusLink(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(link)
		_, got, err := f.reqs.DownloadDelivered(f.ctx, u.Query().Get("token"), files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(content) {
			t.Errorf("the person downloads other bytes than the package")
		}
	})
}

func TestErasureRequestChangesThePlannedFields(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		shop := shoptest.Create(t, d.Dialect)
		raw := shoptest.Open(t, shop)
		pg := d.Dialect == db.Postgres
		want := alicesRows(t, raw, pg)
		bob := customer(t, raw, pg, 1)
		f.shopSystem(shop)
		id := f.verified(requests.TypeErasure)
		task := f.task(id)
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		task = f.task(id)
		if task.State != requests.TaskDone {
			t.Fatalf("task %s: %s", task.State, task.Note)
		}

		// The dataset says: first_name NULL, last_name "erased", email
		// hashed, phone random, order lines deleted; Bob untouched.
		alice := customer(t, raw, pg, want["shop:customers"][0])
		if alice[1].Valid || !alice[2].Valid || alice[2].String != "erased" || alice[0].String == shoptest.Alice ||
			alice[3].String == "+32470000002" {
			t.Errorf("Alice after erasure: %+v", alice)
		}
		if got := customer(t, raw, pg, 1); got != bob {
			t.Errorf("Bob changed: %+v, was %+v", got, bob)
		}
		if left := shoptest.IDs(t, raw, pg, "SELECT id FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)", want["shop:customers"][0]); len(left) != 0 {
			t.Errorf("Alice's order lines %v are still there", left)
		}
		for _, s := range []string{"shop.customers: 1", "first_name", "last_name", "shop.order_lines: " + itoa(len(want["shop:order_lines"]))} {
			if !strings.Contains(task.Note, s) {
				t.Errorf("note lacks %q:\n%s", s, task.Note)
			}
		}
		if n := f.count("fulfil.erased"); n != 1 {
			t.Errorf("%d fulfil.erased audit entries", n)
		}

		// A second erasure request finds nothing left and says when the
		// person was erased.
		id3 := f.verified(requests.TypeErasure)
		t3 := f.task(id3)
		if err := f.run.Work(f.ctx, t3.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if note := f.task(id3).Note; !strings.Contains(note, "already erased") || !strings.Contains(note, task.DoneAt.UTC().Format("2006-01-02")) {
			t.Errorf("second erasure:\n%s", note)
		}
		if got := customer(t, raw, pg, want["shop:customers"][0]); got != alice {
			t.Errorf("the second erasure changed Alice's row again: %+v, was %+v", got, alice)
		}

		// A following access request finds nothing personal.
		id2 := f.verified(requests.TypeAccess)
		t2 := f.task(id2)
		if err := f.run.Work(f.ctx, t2.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if note := f.task(id2).Note; !strings.Contains(note, "shop.customers: 0") {
			t.Errorf("access after erasure:\n%s", note)
		}
	})
}

func TestConnectorDownFailsVisiblyAfterRetries(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// A shop whose file is gone: the connection cannot be opened.
		down := "sqlite://" + t.TempDir() + "/gone/shop.db"
		if d.Dialect == db.Postgres {
			down = "postgres://garde:secret-pw@127.0.0.1:1/shop?connect_timeout=2"
		}
		f.shopSystem(down)
		id := f.verified(requests.TypeAccess)
		task := f.task(id)
		for attempt := 1; attempt < run.MaxAttempts; attempt++ {
			err := f.run.Work(f.ctx, task.ID, attempt, run.MaxAttempts)
			var cancel *river.JobCancelError
			if err == nil || errors.As(err, &cancel) {
				t.Fatalf("attempt %d: %v, want an error that River retries", attempt, err)
			}
			got := f.task(id)
			if got.State != requests.TaskFailed || !strings.Contains(got.Note, "Attempt "+itoa(attempt)) {
				t.Fatalf("after attempt %d: %s %q", attempt, got.State, got.Note)
			}
		}
		err := f.run.Work(f.ctx, task.ID, run.MaxAttempts, run.MaxAttempts)
		var cancel *river.JobCancelError
		if !errors.As(err, &cancel) {
			t.Fatalf("last attempt: %v, want the job cancelled", err)
		}
		got := f.task(id)
		if got.State != requests.TaskFailed || !strings.Contains(got.Note, "no further attempt") {
			t.Fatalf("after the last attempt: %s %q", got.State, got.Note)
		}
		if strings.Contains(got.Note, "secret-pw") {
			t.Errorf("the note shows the connection's password: %s", got.Note)
		}
		if files, _ := f.reqs.Attachments(f.ctx, id); len(files) != 0 {
			t.Errorf("a failed run attached %d files", len(files))
		}
		if n := f.count("request.task_failed"); n != run.MaxAttempts {
			t.Errorf("%d request.task_failed audit entries, want %d", n, run.MaxAttempts)
		}
		// Once the connection is fixed, an agent runs it again.
		if err := f.run.Rerun(f.ctx, f.admin, id, task.ID); err != nil {
			t.Fatalf("rerun before the fix: %v", err)
		}
		if _, err := f.run.SetConnector(f.ctx, f.admin, got.SystemID, run.ConnectorInput{
			Dataset: shoptest.Dataset, URL: shoptest.Create(t, d.Dialect)}); err != nil {
			t.Fatal(err)
		}
		other := f.verified(requests.TypeAccess)
		if err := f.run.Rerun(f.ctx, f.agent, other, task.ID); !errors.Is(err, requests.ErrNotFound) {
			t.Errorf("rerun through another request: %v", err)
		}
		if err := f.run.Rerun(f.ctx, f.agent, id, task.ID); err != nil {
			t.Fatal(err)
		}
		if jobs := f.jobTasks(); len(jobs) != 2 || !slices.Contains(jobs, task.ID) {
			t.Errorf("jobs after rerun %v", jobs)
		}
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if got := f.task(id); got.State != requests.TaskDone {
			t.Fatalf("after rerun: %s %q", got.State, got.Note)
		}
		// A done task runs again on demand (an identity may have been
		// added since); it is open until its job ends. River may not yet
		// have marked the job that finished the task as completed: the
		// new run must then get a job of its own, not a retry River
		// ignores for a running job.
		if _, err := f.db.Exec(f.ctx, "UPDATE river_job SET state = 'running', attempted_at = ? WHERE kind = ?",
			time.Now().UTC(), run.TaskArgs{}.Kind()); err != nil {
			t.Fatal(err)
		}
		if err := f.run.Rerun(f.ctx, f.agent, id, task.ID); err != nil {
			t.Errorf("rerun of a done task: %v", err)
		}
		if n := f.availableJobs(task.ID); n != 1 {
			t.Errorf("%d jobs ready for the task run again, want 1", n)
		}
		if got := f.task(id); got.State != requests.TaskOpen {
			t.Errorf("done task run again: %s", got.State)
		}
		if n := f.count("fulfil.rerun"); n != 3 {
			t.Errorf("%d fulfil.rerun audit entries", n)
		}
		if n := f.count("request.task_reopened"); n != 1 {
			t.Errorf("%d request.task_reopened audit entries", n)
		}
	})
}

func customer(t *testing.T, raw *sql.DB, pg bool, id int64) [4]sql.NullString {
	t.Helper()
	q := "SELECT email, first_name, last_name, phone FROM customers WHERE id = ?"
	if pg {
		q = strings.Replace(q, "?", "$1", 1)
	}
	var c [4]sql.NullString
	if err := raw.QueryRow(q, id).Scan(&c[0], &c[1], &c[2], &c[3]); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOnlyConnectedSystemsAndHandledTypesGetJobs(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.shopSystem(shoptest.Create(t, d.Dialect))
		// An automatic system without a connection keeps waiting.
		if _, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
			Name: "Billing", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true}); err != nil {
			t.Fatal(err)
		}
		rect := f.verified(requests.TypeRectification)
		port := f.verified(requests.TypePortability)
		var portShop string
		for _, id := range []string{rect, port} {
			ts, err := f.reqs.Tasks(f.ctx, id)
			if err != nil || len(ts) != 2 {
				t.Fatalf("tasks %v %v", ts, err)
			}
			for _, task := range ts {
				if task.State != requests.TaskWaitingConnector {
					t.Errorf("%s: %s", task.SystemName, task.State)
				}
				if id == port && task.SystemName == "Web shop" {
					portShop = task.ID
				}
			}
		}
		if got := f.jobTasks(); !slices.Equal(got, []string{portShop}) {
			t.Fatalf("jobs for tasks %v, want only the portability request's shop task %s", got, portShop)
		}
		if err := f.run.Work(f.ctx, portShop, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		files, err := f.reqs.Attachments(f.ctx, port)
		if err != nil || len(files) != 1 {
			t.Fatalf("portability files %v %v", files, err)
		}
		_, content, err := f.reqs.OpenAttachment(f.ctx, f.agent, port, files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		zf := unzip(t, content)
		for _, name := range []string{"data.json", "summary.html", "shop.customers.csv", "shop.tickets.csv"} {
			if len(zf[name]) == 0 {
				t.Errorf("the package lacks %s", name)
			}
		}
	})
}

func TestJobOfAClosedRequestDoesNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.shopSystem(shoptest.Create(t, d.Dialect))
		id := f.verified(requests.TypeErasure)
		task := f.task(id)
		if err := f.reqs.Close(f.ctx, f.agent, id, requests.OutcomeWithdrawn, "The person withdrew by phone."); err != nil {
			t.Fatal(err)
		}
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if got := f.task(id); got.State != requests.TaskWaitingConnector {
			t.Errorf("task %s after the job of a closed request", got.State)
		}
		if n := f.count("fulfil.erased"); n != 0 {
			t.Errorf("a closed request was erased (%d audit entries)", n)
		}
	})
}
