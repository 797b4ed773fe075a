package run_test

import (
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

// A system whose database is MariaDB, connected by a mysql:// URL, answers
// the server's access and erasure requests like the other engines: exactly
// the person's rows, then exactly the planned changes.
func TestMariaDBSystemAnswersAccessAndErasure(t *testing.T) {
	// The only test of the package on MariaDB: its server stops with it.
	t.Cleanup(mysqltest.StopShared)
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	shop := shoptest.Create(t, shoptest.MariaDB)
	raw := shoptest.Open(t, shop)
	want := alicesRows(t, raw, false)
	bob := customer(t, raw, false, 1)
	sys := f.shopSystem(shop)
	if c, err := f.run.Connector(f.ctx, sys.ID); err != nil || !strings.HasPrefix(c.URLHint, "mysql://root@127.0.0.1:") {
		t.Fatalf("connector %+v %v", c, err)
	}

	id := f.verified(requests.TypeAccess)
	task := f.task(id)
	if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
		t.Fatal(err)
	}
	if task = f.task(id); task.State != requests.TaskDone {
		t.Fatalf("access task %s: %s", task.State, task.Note)
	}
	files, err := f.reqs.Attachments(f.ctx, id)
	if err != nil || len(files) != 1 {
		t.Fatalf("attachments %+v %v", files, err)
	}
	_, content, err := f.reqs.OpenAttachment(f.ctx, f.agent, id, files[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	checkPackage(t, content, want)

	id = f.verified(requests.TypeErasure)
	task = f.task(id)
	if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
		t.Fatal(err)
	}
	if task = f.task(id); task.State != requests.TaskDone {
		t.Fatalf("erasure task %s: %s", task.State, task.Note)
	}
	alice := customer(t, raw, false, want["shop:customers"][0])
	if alice[1].Valid || alice[2].String != "erased" || alice[0].String == shoptest.Alice || alice[3].String == "+32470000002" {
		t.Errorf("Alice after erasure: %+v", alice)
	}
	if got := customer(t, raw, false, 1); got != bob {
		t.Errorf("Bob changed: %+v, was %+v", got, bob)
	}
	if left := shoptest.IDs(t, raw, false, "SELECT id FROM order_lines WHERE order_id IN (SELECT id FROM orders WHERE customer_id = ?)", want["shop:customers"][0]); len(left) != 0 {
		t.Errorf("Alice's order lines %v are still there", left)
	}
	if n := len(shoptest.IDs(t, raw, false, "SELECT id FROM order_lines")); n != 5-len(want["shop:order_lines"]) {
		t.Errorf("%d order lines left", n)
	}

	id = f.verified(requests.TypeAccess)
	task = f.task(id)
	if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
		t.Fatal(err)
	}
	if note := f.task(id).Note; !strings.Contains(note, "shop.customers: 0") {
		t.Errorf("access after erasure:\n%s", note)
	}
}
