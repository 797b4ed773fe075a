package run_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestRectificationEnteredByTheAgentChangesThePersonsRowsOnly(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		shop := shoptest.Create(t, d.Dialect)
		raw := shoptest.Open(t, shop)
		pg := d.Dialect == db.Postgres
		want := alicesRows(t, raw, pg)
		bob := customer(t, raw, pg, 1)
		f.shopSystem(shop)
		id := f.verified(requests.TypeRectification)
		task := f.task(id)
		// Nothing runs before the agent says what to correct.
		if got := f.jobTasks(); len(got) != 0 {
			t.Fatalf("jobs %v before the changes", got)
		}
		form, err := f.run.RectifyForm(f.ctx, f.agent, id, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range []string{"customers.last_name", "addresses.city", "tickets.subject"} {
			if !slices.Contains(form.Fields, fd) {
				t.Errorf("the form does not offer %s: %v", fd, form.Fields)
			}
		}
		if slices.Contains(form.Fields, "customers.id") || form.Kind != run.KindDatabase {
			t.Errorf("form %+v", form)
		}

		bad := []struct {
			name    string
			changes []run.FieldChange
			id      string
		}{
			{"none", []run.FieldChange{{Field: " "}}, "fulfil.error.changes_required"},
			{"value without field", []run.FieldChange{{Field: "", Value: "Lyon"}}, "fulfil.error.change_no_field"},
			{"unknown", []run.FieldChange{{Field: "customers.password", Value: "x"}}, "fulfil.error.change_unknown"},
			{"primary key", []run.FieldChange{{Field: "customers.id", Value: "9"}}, "fulfil.error.change_unknown"},
			{"integer", []run.FieldChange{{Field: "order_lines.quantity", Value: "two"}}, "fulfil.error.change_integer"},
			{"twice", []run.FieldChange{{Field: "addresses.city", Value: "A"}, {Field: "addresses.city", Value: "B"}}, "fulfil.error.change_twice"},
			{"sql in a name", []run.FieldChange{{Field: `customers.last_name" = 'x'; --`, Value: "x"}}, "fulfil.error.change_unknown"},
		}
		for _, c := range bad {
			err := f.run.Rectify(f.ctx, f.agent, id, task.ID, c.changes)
			var le *i18n.Error
			if !errors.As(err, &le) || le.ID != c.id {
				t.Errorf("%s: %v, want %s", c.name, err, c.id)
				continue
			}
			if msg := le.Localize(cat.For(i18n.NL)); msg == c.id || msg == "" {
				t.Errorf("%s: no Dutch message", c.name)
			}
		}
		if err := f.run.Rectify(f.ctx, requests.Actor{}, id, task.ID, []run.FieldChange{{Field: "addresses.city", Value: "Lyon"}}); !errors.Is(err, requests.ErrForbidden) {
			t.Errorf("anonymous: %v", err)
		}
		if got := f.jobTasks(); len(got) != 0 {
			t.Fatalf("a refused entry stored jobs %v", got)
		}

		changes := []run.FieldChange{{Field: "customers.last_name", Value: "Durand-Dupont"}, {Field: "addresses.city", Value: "Villeurbanne"}}
		if err := f.run.Rectify(f.ctx, f.agent, id, task.ID, changes); err != nil {
			t.Fatal(err)
		}
		if got := f.jobTasks(); !slices.Equal(got, []string{task.ID}) {
			t.Fatalf("jobs %v", got)
		}
		var stored string
		if err := d.QueryRow(f.ctx, "SELECT changes_sealed || fields FROM fulfil_task_changes WHERE task_id = ?", task.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "Villeurbanne") || strings.Contains(stored, "Durand-Dupont") {
			t.Errorf("the new values are stored in clear")
		}
		if form, _ := f.run.RectifyForm(f.ctx, f.agent, id, task.ID); strings.Join(form.Pending, ",") != "customers.last_name,addresses.city" {
			t.Errorf("pending %v", form.Pending)
		}

		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		task = f.task(id)
		if task.State != requests.TaskDone {
			t.Fatalf("task %s: %s", task.State, task.Note)
		}
		for _, s := range []string{"shop.customers: 1 row(s), fields last_name", "shop.addresses: " + itoa(len(want["shop:addresses"])) + " row(s), fields city"} {
			if !strings.Contains(task.Note, s) {
				t.Errorf("note lacks %q:\n%s", s, task.Note)
			}
		}
		if got := shoptest.IDs(t, raw, pg, `SELECT id FROM customers WHERE last_name = 'Durand-Dupont'`); !slices.Equal(got, want["shop:customers"]) {
			t.Errorf("renamed customers %v, want %v", got, want["shop:customers"])
		}
		if got := shoptest.IDs(t, raw, pg, `SELECT id FROM addresses WHERE city = 'Villeurbanne' ORDER BY id`); !slices.Equal(got, want["shop:addresses"]) {
			t.Errorf("moved addresses %v, want %v", got, want["shop:addresses"])
		}
		if got := customer(t, raw, pg, 1); got != bob {
			t.Errorf("Bob changed: %+v", got)
		}
		// The values are gone from Garde once applied; the audit log has
		// them masked, before and after.
		var n int
		if err := d.QueryRow(f.ctx, "SELECT COUNT(*) FROM fulfil_task_changes").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d change rows left (%v)", n, err)
		}
		es, err := f.audit.List(f.ctx, audit.ListFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range es {
			b, _ := json.Marshal(e)
			for _, clear := range []string{"Villeurbanne", "Durand-Dupont", "Dupont\"", "Antwerpen"} {
				if strings.Contains(string(b), clear) {
					t.Errorf("%s shows %q in clear: %s", e.Action, clear, b)
				}
			}
			if e.Action == "fulfil.rectified" && !strings.Contains(string(b), "V**********e") {
				t.Errorf("the rectification record lacks the masked value: %s", b)
			}
			actions = append(actions, e.Action)
		}
		for _, a := range []string{"fulfil.rectify_requested", "fulfil.rectified"} {
			if !slices.Contains(actions, a) {
				t.Errorf("no %s in the audit log", a)
			}
		}
		// The job run again changes nothing more, and a done task takes no
		// more changes.
		if err := f.run.Work(f.ctx, task.ID, 2, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if n := f.count("fulfil.rectified"); n != 1 {
			t.Errorf("%d fulfil.rectified entries", n)
		}
		if err := f.run.Rectify(f.ctx, f.agent, id, task.ID, changes); !errors.Is(err, run.ErrNotRectifiable) {
			t.Errorf("changes for a done task: %v", err)
		}
		// Only rectification requests take changes.
		acc := f.verified(requests.TypeAccess)
		if err := f.run.Rectify(f.ctx, f.agent, acc, f.task(acc).ID, changes); !errors.Is(err, run.ErrNotRectifiable) {
			t.Errorf("changes for an access request: %v", err)
		}
	})
}

func TestHTTPRectificationSendsTheAgentsChanges(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		e := newEndpoint(t, func(c httpconn.Call) (int, string) { return 200, `{"status":"done"}` })
		f.httpSystem(e)
		id := f.verified(requests.TypeRectification)
		task := f.task(id)
		if len(f.jobTasks()) != 0 {
			t.Fatal("a rectification ran before its changes")
		}
		form, err := f.run.RectifyForm(f.ctx, f.agent, id, task.ID)
		if err != nil || form.Kind != run.KindHTTP || len(form.Fields) != 0 {
			t.Fatalf("form %+v %v", form, err)
		}
		err = f.run.Rectify(f.ctx, f.agent, id, task.ID, []run.FieldChange{{Field: "members/name", Value: "x"}})
		var le *i18n.Error
		if !errors.As(err, &le) || le.ID != "fulfil.error.change_name" {
			t.Fatalf("bad name: %v", err)
		}
		if err := f.run.Rectify(f.ctx, f.agent, id, task.ID, []run.FieldChange{{Field: "members.name", Value: "Alice Durand"}, {Field: "phone", Value: "+33 6 12 34 56 78"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		calls := e.got()
		if len(calls) != 1 || calls[0].Action != httpconn.Rectify {
			t.Fatalf("calls %+v", calls)
		}
		want := []httpconn.Change{{Field: "members.name", Value: "Alice Durand"}, {Field: "phone", Value: "+33 6 12 34 56 78"}}
		if !slices.Equal(calls[0].Changes, want) || calls[0].Purposes != nil {
			t.Errorf("changes sent %+v", calls[0].Changes)
		}
		if got := f.task(id); got.State != requests.TaskDone || !strings.Contains(got.Note, "members.name, phone") {
			t.Errorf("task %s %q", got.State, got.Note)
		}
	})
}
