package requests

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// snapshot dumps everything stored about a request, to compare runs.
func (f *fixture) snapshot(id string) string {
	f.t.Helper()
	r := f.get(id)
	r.verify = verification{}
	var b strings.Builder
	fmt.Fprintf(&b, "%+v\n", *r)
	for _, e := range f.events(id) {
		fmt.Fprintf(&b, "%s %s %q %v\n", e.Kind, e.Visibility, e.Body, e.Data)
	}
	tasks, _ := f.svc.Tasks(f.ctx, id)
	for _, tk := range tasks {
		fmt.Fprintf(&b, "%s %s %q %q %q\n", tk.SystemName, tk.State, tk.Note, tk.AssigneeEmail, tk.tokenHash)
	}
	return b.String()
}

func TestRetentionPurgeIsIdempotent(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.system("Boutique eCom", "shop@acme.example", SystemManual, true)
		agent := f.as(f.agent)

		old := f.reach(StateInProgress)
		if _, err := f.svc.AddNote(f.ctx, agent, old.ID, "Jo called from +33 6 12 34 56 78."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Reply(f.ctx, agent, old.ID, "Dear Jo, here is your data."); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Complete(f.ctx, agent, old.ID, OutcomeFulfilled, "Sent the export to Jo."); err != nil {
			t.Fatal(err)
		}
		// Mail about it went out long ago.
		if _, err := f.db.Exec(f.ctx, "UPDATE mail_outbox SET status = 'sent'"); err != nil {
			t.Fatal(err)
		}
		expired := f.reach(StateExpired)
		f.clock.Add(30 * 24 * time.Hour)
		recent := f.reach(StateCompleted)
		open := f.reach(StateVerified)
		recentBefore, openBefore := f.snapshot(recent.ID), f.snapshot(open.ID)

		// 24 months after the first closure, but not after the second.
		closed := f.get(expired.ID).ClosedAt
		if closed == nil || f.get(old.ID).ClosedAt == nil {
			t.Fatal("no closed_at")
		}
		f.clock.Set(closed.AddDate(2, 0, 1))
		n, err := f.svc.PurgeExpired(f.ctx)
		if err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		r := f.get(old.ID)
		if r.Email != "" || r.Name != "" || r.Phone != "" || r.Subject != "" || r.Description != "" || r.AccountID != "" ||
			r.CloseNote != "" || r.PurgedAt == nil {
			t.Fatalf("not purged: %+v", r)
		}
		// Anonymous statistics stay.
		if r.Type != TypeAccess || r.LawID != "gdpr" || r.Region != "FR" || r.Outcome != OutcomeFulfilled ||
			r.State != StateCompleted || r.VerifiedAt == nil || day(&r.DueDate) != "2026-03-02" {
			t.Fatalf("statistics lost: %+v", r)
		}
		es := f.events(old.ID)
		for _, e := range es {
			if e.Body != "" {
				t.Errorf("event %s keeps its text %q", e.Kind, e.Body)
			}
		}
		if es[len(es)-1].Kind != EventPurged {
			t.Errorf("last event %s", es[len(es)-1].Kind)
		}
		if n := f.count("SELECT COUNT(*) FROM request_tasks WHERE request_id = ? AND (assignee_email <> '' OR note <> '' OR token_hash IS NOT NULL)", old.ID); n != 0 {
			t.Errorf("%d tasks keep personal data", n)
		}
		var mails int
		for _, e := range es {
			if e.Kind != EventEmailSent {
				continue
			}
			mails++
			if n := f.count("SELECT COUNT(*) FROM mail_outbox WHERE id = ? AND to_addr = '' AND body_text = '' AND subject = ''", e.Data["outbox_id"]); n != 1 {
				t.Errorf("mail %v (%v) kept", e.Data["outbox_id"], e.Data["template"])
			}
		}
		if mails != 5 { // verification, acknowledgement, task, reply, closure
			t.Errorf("%d mails on the timeline", mails)
		}
		if !slices.Contains(f.auditActions(old.ID), "request.purged") || !slices.Contains(f.auditActions(expired.ID), "request.purged") {
			t.Error("purge not audited")
		}
		// Requests not due for purge are untouched.
		if f.snapshot(recent.ID) != recentBefore || f.snapshot(open.ID) != openBefore {
			t.Fatal("a request not due for purge changed")
		}
		// Purged requests cannot be opened or changed.
		if _, err := f.svc.AddNote(f.ctx, agent, old.ID, "x"); err != ErrNotFound {
			t.Fatalf("note on a purged request: %v", err)
		}

		// Again: nothing more.
		purged := f.snapshot(old.ID)
		audits := f.count("SELECT COUNT(*) FROM audit_log")
		if n, err := f.svc.PurgeExpired(f.ctx); err != nil || n != 0 {
			t.Fatalf("second purge: %d %v", n, err)
		}
		if f.snapshot(old.ID) != purged || f.count("SELECT COUNT(*) FROM audit_log") != audits {
			t.Fatal("second purge changed something")
		}
		// The checklist itself, run again on a purged request (a crash
		// after it but before the next step), changes nothing either.
		if err := f.db.InTx(f.ctx, func(tx *db.Tx) error {
			done, err := f.svc.store.PurgeRequest(f.ctx, tx, old.ID, f.clock.Now())
			if done {
				t.Error("purged twice")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got := f.get(old.ID)
		if !got.PurgedAt.Equal(*r.PurgedAt) {
			t.Fatalf("purged_at moved: %v → %v", r.PurgedAt, got.PurgedAt)
		}

		// A month later, the second closure's turn.
		f.clock.Add(31 * 24 * time.Hour)
		if n, err := f.svc.PurgeExpired(f.ctx); err != nil || n != 1 {
			t.Fatalf("third purge: %d %v", n, err)
		}
		if f.snapshot(open.ID) != openBefore {
			t.Fatal("the open request changed")
		}
	})
}

func TestRetentionIsConfigurable(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite), func(d *Deps) { d.RetentionMonths = 6 })
	f.reach(StateCompleted)
	f.clock.Add(5 * 30 * 24 * time.Hour)
	if n, _ := f.svc.PurgeExpired(f.ctx); n != 0 {
		t.Fatalf("purged after 5 months: %d", n)
	}
	f.clock.Add(40 * 24 * time.Hour)
	if n, _ := f.svc.PurgeExpired(f.ctx); n != 1 {
		t.Fatalf("not purged after 6 months: %d", n)
	}
}
