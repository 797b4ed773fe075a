package requests

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// The workers run on a real queue: jobs scheduled from a clock set in the
// past are due at once.
func TestWorkersOnARealQueue(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// A second queue that works jobs, with the same service workers.
		wq := jobs.New(d, quiet)
		ws := NewService(Deps{DB: d, Queue: wq, Audit: f.audit, Outbox: f.outbox, Operators: f.ops, Deadlines: f.svc.deadlines,
			BaseURL: "https://privacy.example.org", Now: f.clock.Now})
		if err := wq.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		// As the application wires it: the daily purge, run once at start.
		wq.Client().PeriodicJobs().AddMany(ws.PeriodicJobs())

		now := time.Now().UTC()
		f.clock.Set(now.Add(-40 * 24 * time.Hour))
		unverified := f.submit(input())
		verified := f.verified(input())
		if err := f.svc.Assign(f.ctx, f.as(f.agent), verified.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(now)

		if err := wq.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			wq.Stop(ctx)
		})
		deadline := time.Now().Add(20 * time.Second)
		for {
			expired := f.get(unverified.ID).State == StateExpired
			reminders := len(f.mails(f.agent.Email))
			purges := f.count("SELECT COUNT(*) FROM river_job WHERE kind = ? AND state = 'completed'", RetentionArgs{}.Kind())
			if expired && reminders == 3 && purges == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("expired=%v reminders=%d purges=%d", expired, reminders, purges)
			}
			time.Sleep(50 * time.Millisecond)
		}
		var all []string
		for _, m := range f.mails(f.agent.Email) {
			all = append(all, m.Subject+"\n"+m.Text)
		}
		joined := strings.Join(all, "\n---\n")
		for _, want := range []string{"Échéance le", "dans 7 jours", "dans 2 jours", "En retard : demande", "toujours ouverte"} {
			if !strings.Contains(joined, want) {
				t.Errorf("reminders lack %q:\n%s", want, joined)
			}
		}
		if len(f.mails(f.agent2.Email)) != 0 {
			t.Fatal("reminders went beyond the assignee")
		}
	})
}

func TestRemindersSkipChangedRequests(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.reach(StateVerified)
		due := r.DueDate.Format("2006-01-02")
		// A reminder for an old due date (before an extension) does nothing.
		if err := f.svc.remind(f.ctx, ReminderArgs{RequestID: r.ID, Due: "2026-01-01", DaysLeft: 2}); err != nil {
			t.Fatal(err)
		}
		if n := f.count("SELECT COUNT(*) FROM mail_outbox WHERE template = ?", TemplateReminder); n != 0 {
			t.Fatalf("%d reminders for a stale date", n)
		}
		// Unassigned: every agent, each in their language.
		if err := f.svc.remind(f.ctx, ReminderArgs{RequestID: r.ID, Due: due, DaysLeft: 1}); err != nil {
			t.Fatal(err)
		}
		if m := f.lastMail(f.agent2.Email, TemplateReminder); !strings.Contains(m.Text, "over 1 dag") {
			t.Fatalf("Dutch reminder:\n%s", m.Text)
		}
		if m := f.lastMail(f.admin.Email, TemplateReminder); !strings.Contains(m.Text, "due in 1 day,") {
			t.Fatalf("English reminder:\n%s", m.Text)
		}
		// A finished request, or an unknown one, gets none.
		if err := f.svc.Complete(f.ctx, f.as(f.agent), r.ID, OutcomeFulfilled, ""); err != nil {
			t.Fatal(err)
		}
		before := f.count("SELECT COUNT(*) FROM mail_outbox WHERE template = ?", TemplateReminder)
		for _, id := range []string{r.ID, "0190d9c2-0000-7000-8000-000000000000"} {
			if err := f.svc.remind(f.ctx, ReminderArgs{RequestID: id, Due: due, DaysLeft: -1}); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM mail_outbox WHERE template = ?", TemplateReminder); n != before {
			t.Fatal("reminded about a finished request")
		}
		if pj := f.svc.PeriodicJobs(); len(pj) != 1 {
			t.Fatalf("%d periodic jobs", len(pj))
		}
	})
}
