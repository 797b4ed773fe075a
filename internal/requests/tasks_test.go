package requests

import (
	"errors"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func (f *fixture) system(name, owner string, kind SystemKind, active bool) *System {
	f.t.Helper()
	s, err := f.svc.CreateSystem(f.ctx, f.as(f.admin), SystemInput{Name: name, OwnerEmail: owner, Kind: kind, Active: active})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func TestSystemsInventory(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		admin := f.as(f.admin)
		shop := f.system("Boutique eCom", "Shop.Owner@acme.example", SystemManual, true)
		if shop.OwnerEmail != "shop.owner@acme.example" {
			t.Fatalf("owner %q", shop.OwnerEmail)
		}
		for _, c := range []struct {
			in  SystemInput
			err error
		}{
			{SystemInput{Name: " boutique  ECOM ", OwnerEmail: "a@acme.example", Kind: SystemManual}, ErrSystemNameTaken},
			{SystemInput{OwnerEmail: "a@acme.example", Kind: SystemManual}, ErrSystemNameRequired},
			{SystemInput{Name: strings.Repeat("n", 101), OwnerEmail: "a@acme.example", Kind: SystemManual}, ErrSystemNameLong},
			{SystemInput{Name: "X", OwnerEmail: "nobody", Kind: SystemManual}, ErrSystemOwnerInvalid},
			{SystemInput{Name: "X", OwnerEmail: "a@acme.example", Kind: "magic"}, ErrSystemKindInvalid},
			{SystemInput{Name: "X", OwnerEmail: "a@acme.example", Kind: SystemManual, Description: strings.Repeat("d", 1001)}, ErrSystemDescLong},
		} {
			if _, err := f.svc.CreateSystem(f.ctx, admin, c.in); !errors.Is(err, c.err) {
				t.Errorf("%+v: %v, want %v", c.in, err, c.err)
			}
		}
		if _, err := f.svc.CreateSystem(f.ctx, f.as(f.agent), SystemInput{Name: "Y", OwnerEmail: "a@acme.example", Kind: SystemManual}); err != ErrForbidden {
			t.Fatalf("agent creating a system: %v", err)
		}
		up, err := f.svc.UpdateSystem(f.ctx, admin, shop.ID, SystemInput{Name: "Boutique eCom (FR)", OwnerEmail: "shop@acme.example", Kind: SystemManual, Active: false})
		if err != nil || up.Name != "Boutique eCom (FR)" || up.Active {
			t.Fatalf("update: %v %+v", err, up)
		}
		list, err := f.svc.Systems(f.ctx)
		if err != nil || len(list) != 1 || list[0].OwnerEmail != "shop@acme.example" {
			t.Fatalf("list: %v %+v", err, list)
		}
		if err := f.svc.DeleteSystem(f.ctx, admin, shop.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.GetSystem(f.ctx, shop.ID); err != ErrSystemNotFound {
			t.Fatalf("deleted: %v", err)
		}
		if err := f.svc.DeleteSystem(f.ctx, admin, shop.ID); err != ErrSystemNotFound {
			t.Fatalf("deleted twice: %v", err)
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE target = ?", "system:"+shop.ID); n != 3 {
			t.Fatalf("%d audit entries for the system", n)
		}
	})
}

func TestTasksPerSystem(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.system("Boutique eCom", "shop@acme.example", SystemManual, true)
		f.system("Partner loyalty app", "partner@loyalty.example", SystemManual, true)
		f.system("Main database", "dba@acme.example", SystemAutomatic, true)
		f.system("Old CRM", "crm@acme.example", SystemManual, false)

		r := f.verified(input())
		tasks, err := f.svc.Tasks(f.ctx, r.ID)
		if err != nil || len(tasks) != 3 {
			t.Fatalf("tasks: %v %+v", err, tasks)
		}
		states := map[string]TaskState{}
		for _, tk := range tasks {
			states[tk.SystemName] = tk.State
		}
		if states["Boutique eCom"] != TaskOpen || states["Partner loyalty app"] != TaskOpen || states["Main database"] != TaskWaitingConnector {
			t.Fatalf("states %v", states)
		}
		if len(f.mails("crm@acme.example")) != 0 || len(f.mails("dba@acme.example")) != 0 {
			t.Fatal("inactive or automatic system owners got mail")
		}
		m := f.lastMail("shop@acme.example", TemplateTask)
		if m.Lang != "en" || !strings.Contains(m.Subject, r.Reference) || !strings.Contains(m.Text, "2 March 2026") ||
			strings.Contains(m.Text, jo) {
			t.Fatalf("task mail (it must not carry the person's address):\n%s\n%s", m.Subject, m.Text)
		}
		token := linkToken(t, m.Text, PathTask)
		view, err := f.svc.TaskByToken(f.ctx, token)
		if err != nil || view.Email != jo || view.SystemName != "Boutique eCom" || view.AccountID != "acct-42" || view.State != TaskOpen {
			t.Fatalf("view: %v %+v", err, view)
		}
		if err := f.svc.CompleteTaskByToken(f.ctx, token, strings.Repeat("x", MaxBodyLen+1)); err != ErrBodyLong {
			t.Fatalf("long note: %v", err)
		}
		if err := f.svc.CompleteTaskByToken(f.ctx, token, "Customer deleted in the shop admin."); err != nil {
			t.Fatal(err)
		}
		// The link works once.
		if err := f.svc.CompleteTaskByToken(f.ctx, token, "again"); err != ErrTaskTokenInvalid {
			t.Fatalf("replay: %v", err)
		}
		if _, err := f.svc.TaskByToken(f.ctx, token); err != ErrTaskTokenInvalid {
			t.Fatalf("view after use: %v", err)
		}
		for _, bad := range []string{"", "x", strings.Repeat("y", 300)} {
			if err := f.svc.CompleteTaskByToken(f.ctx, bad, ""); err != ErrTaskTokenInvalid {
				t.Fatalf("token %q: %v", bad, err)
			}
		}
		tasks, _ = f.svc.Tasks(f.ctx, r.ID)
		var done *Task
		for i := range tasks {
			if tasks[i].State == TaskDone {
				done = &tasks[i]
			}
		}
		if done == nil || done.Note != "Customer deleted in the shop admin." || done.DoneAt == nil || !strings.HasPrefix(done.DoneBy, "owner:") {
			t.Fatalf("done task %+v", done)
		}
		// An agent completes another from the back office; twice is refused.
		var partner Task
		for _, tk := range tasks {
			if tk.SystemName == "Partner loyalty app" {
				partner = tk
			}
		}
		if err := f.svc.CompleteTask(f.ctx, f.as(f.viewer), partner.ID, ""); err != ErrForbidden {
			t.Fatalf("viewer: %v", err)
		}
		if err := f.svc.CompleteTask(f.ctx, f.as(f.agent), partner.ID, "Partner confirmed by phone."); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CompleteTask(f.ctx, f.as(f.agent), partner.ID, ""); err != ErrTaskDone {
			t.Fatalf("twice: %v", err)
		}
		// The partner's emailed link died with the task.
		pm := f.lastMail("partner@loyalty.example", TemplateTask)
		if err := f.svc.CompleteTaskByToken(f.ctx, linkToken(t, pm.Text, PathTask), ""); err != ErrTaskTokenInvalid {
			t.Fatalf("link of a task done by an agent: %v", err)
		}
		var doneEvents int
		for _, e := range f.events(r.ID) {
			if e.Kind == EventTaskDone {
				doneEvents++
			}
		}
		if doneEvents != 2 {
			t.Fatalf("%d task_done events", doneEvents)
		}
		// A rejected request's links stop working.
		r2 := f.verified(input())
		m2 := f.lastMail("shop@acme.example", TemplateTask)
		if err := f.svc.Reject(f.ctx, f.as(f.agent), r2.ID, "Not our customer."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.TaskByToken(f.ctx, linkToken(t, m2.Text, PathTask)); err != ErrTaskTokenInvalid {
			t.Fatalf("link after rejection: %v", err)
		}
	})
}
