package breach

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// serviceWithOutbox is the service with an insert-only outbox: emails are
// stored with their job, not sent, so the test reads what was queued.
func serviceWithOutbox(t *testing.T, d *db.DB, clock *testClock, staff i18n.Lang) *Service {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	cat := i18n.MustLoad()
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, nil, log)
	s, err := NewService(Deps{DB: d, Audit: audit.New(d), Rules: rules.Embedded(), Catalog: cat, Location: zone(t, "America/Toronto"),
		Organization: "Boutique Lumière inc.", Outbox: outbox, Queue: q, StaffLanguage: staff, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func subjectsTo(t *testing.T, d *db.DB, to string) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT subject FROM mail_outbox WHERE to_addr = ? ORDER BY created_at, id`, to)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// The contact person hears once when the 72 hours are nearly over, once
// more when they passed, and never twice for the same deadline.
func TestRemindersBeforeAndAfterTheDeadline(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		aware := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
		clock := &testClock{t: aware.Add(40 * time.Hour)}
		s := serviceWithOutbox(t, d, clock, i18n.FR)
		inc, err := s.Open(ctx, actor, quebecFranceOntario(aware))
		if err != nil {
			t.Fatal(err)
		}
		// 32 hours left: no reminder yet.
		if n, err := s.Remind(ctx); err != nil || n != 0 {
			t.Fatalf("32 hours before: %d %v", n, err)
		}
		clock.Set(aware.Add(50 * time.Hour))
		if n, err := s.Remind(ctx); err != nil || n != 1 {
			t.Fatalf("22 hours before: %d %v", n, err)
		}
		if n, _ := s.Remind(ctx); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
		clock.Set(aware.Add(73 * time.Hour))
		if n, _ := s.Remind(ctx); n != 1 {
			t.Fatalf("after the deadline: %d", n)
		}
		got := subjectsTo(t, d, "vie.privee@lumiere.example")
		want := []string{"Violation " + inc.Reference + " : un délai de notification approche",
			"Violation " + inc.Reference + " : un délai de notification est dépassé"}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("reminders %q", got)
		}
		v, _ := s.Get(ctx, inc.ID)
		if last := v.Events[len(v.Events)-1]; last.Kind != EventReminded || last.Data["reminder"] != "overdue" || last.Data["obligation"] != "gdpr/FR/authority" {
			t.Errorf("timeline %+v", last)
		}
	})
}

// A closed Quebec incident leaves the register 5 years after awareness; a
// GDPR-only one, with no legal period, stays; an open one always stays.
func TestPurgeAfterRetention(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		aware := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
		clock := &testClock{t: aware.Add(time.Hour)}
		s := serviceWithOutbox(t, d, clock, i18n.EN)
		open := func(res map[string]int, closeIt bool) *Incident {
			t.Helper()
			f := quebecFranceOntario(aware)
			f.Residents = res
			inc, err := s.Open(ctx, actor, f)
			if err != nil {
				t.Fatal(err)
			}
			if !closeIt {
				return inc
			}
			laws := []AssessInput{{LawID: "gdpr", Level: "none", Reasoning: "Test."}}
			if res["CA-QC"] > 0 {
				laws = []AssessInput{
					{LawID: "quebec", Level: "no", Consulted: true, Reasoning: "Test.",
						Factors: map[string]string{"sensitivity": "low", "consequences": "low", "probability": "low"}},
					{LawID: "pipeda", Level: "no", Reasoning: "Test.", Factors: map[string]string{"sensitivity": "low", "probability": "low"}},
				}
			}
			for _, in := range laws {
				if _, err := s.Assess(ctx, actor, inc.ID, in); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Close(ctx, actor, inc.ID, ""); err != nil {
				t.Fatal(err)
			}
			return inc
		}
		quebec := open(map[string]int{"CA-QC": 10}, true)
		gdpr := open(map[string]int{"FR": 10}, true)
		still := open(map[string]int{"CA-QC": 10}, false)

		clock.Set(time.Date(2031, 3, 2, 12, 0, 0, 0, time.UTC)) // the last day of the 5 years
		if n, err := s.Purge(ctx); err != nil || n != 0 {
			t.Fatalf("on the last day: %d %v", n, err)
		}
		clock.Set(time.Date(2031, 3, 3, 12, 0, 0, 0, time.UTC))
		if n, err := s.Purge(ctx); err != nil || n != 1 {
			t.Fatalf("after 5 years: %d %v", n, err)
		}
		if _, err := s.Get(ctx, quebec.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("Quebec incident still there: %v", err)
		}
		for _, inc := range []*Incident{gdpr, still} {
			if _, err := s.Get(ctx, inc.ID); err != nil {
				t.Errorf("%s purged: %v", inc.Reference, err)
			}
		}
		if got := strings.Join(auditActions(t, d, quebec.ID), " "); !strings.HasSuffix(got, "breach.closed breach.purged") {
			t.Errorf("audit %s", got)
		}
	})
}
