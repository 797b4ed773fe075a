package requests

import (
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// Due dates through the real rules, on tricky days: received Saturday
// 31 January 2026, and 29 January 2028 (a leap year).
func TestDueDatesPerLaw(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	cases := []struct {
		region                           string
		typ                              Type
		received                         time.Time
		law                              string
		due, ack, ext, notice, authority string
	}{
		// GDPR: one month ends Saturday 28 February → Monday 2 March; +2
		// months → 30 April; the person must hear of it within the month.
		{"FR", TypeAccess, start, "gdpr", "2026-03-02", "-", "2026-04-30", "2026-03-02", "CNIL"},
		// 29 January 2028 → 29 February 2028; +2 months ends Saturday 29
		// April, Monday 1 May is a holiday in France → Tuesday 2 May.
		{"FR", TypeErasure, time.Date(2028, 1, 29, 9, 0, 0, 0, time.UTC), "gdpr", "2028-02-29", "-", "2028-05-02", "2028-02-29", "CNIL"},
		{"DE", TypeAccess, start, "gdpr", "2026-03-02", "-", "2026-04-30", "2026-03-02", "EDPB"},
		{"GB", TypeAccess, start, "uk_gdpr", "2026-03-02", "-", "2026-04-30", "2026-03-02", "ICO"},
		// PIPEDA: 30 days, +30 notified within the first 30.
		{"CA-ON", TypeAccess, start, "pipeda", "2026-03-02", "-", "2026-04-01", "2026-03-02", "Privacy Commissioner"},
		// Quebec: 30 days, no extension.
		{"CA-QC", TypeAccess, start, "quebec", "2026-03-02", "-", "-", "-", "CAI"},
		// CCPA: 45 days, acknowledgement within 10 business days, +45.
		{"US-CA", TypeAccess, start, "ccpa", "2026-03-17", "2026-02-13", "2026-05-01", "2026-03-17", "CPPA"},
		// A processing agreement has no legal deadline: 30 days by default.
		{"FR", TypeDPA, start, "gdpr", "2026-03-02", "-", "-", "-", "CNIL"},
	}
	for _, c := range cases {
		f.clock.Set(c.received)
		in := input()
		in.Region, in.Type, in.Phone = c.region, c.typ, ""
		r := f.get(f.submit(in).ID)
		got := []string{r.LawID, day(&r.DueDate), day(r.AcknowledgeBy), day(r.ExtensionLimit), day(r.ExtensionNoticeBy)}
		want := []string{c.law, c.due, c.ack, c.ext, c.notice}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s %s: got %v, want %v", c.region, c.typ, c.received.Format("2006-01-02"), got, want)
		}
		if law, ok := f.svc.Law(r); !ok || !strings.Contains(law.Authority, c.authority) || law.Name(i18n.FR) == "" {
			t.Errorf("%s: authority %+v", c.region, law)
		}
	}
}

func TestInternalTargetIsTheEarlier(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite), func(d *Deps) { d.TargetDays = 20 })
	r := f.get(f.submit(input()).ID)
	if day(&r.DueDate) != "2026-02-20" || day(r.InternalTarget) != "2026-02-20" || day(r.LegalDueDate) != "2026-03-02" {
		t.Fatalf("due %s target %s legal %s", day(&r.DueDate), day(r.InternalTarget), day(r.LegalDueDate))
	}
	// A target later than the law changes nothing.
	f2 := newFixture(t, dbtest.Open(t, db.SQLite), func(d *Deps) { d.TargetDays = 60 })
	if r := f2.get(f2.submit(input()).ID); day(&r.DueDate) != "2026-03-02" {
		t.Fatalf("due %s", day(&r.DueDate))
	}
	// And a type without legal deadline takes the target.
	in := input()
	in.Type = TypeDPA
	if r := f.get(f.submit(in).ID); day(&r.DueDate) != "2026-02-20" || r.LegalDueDate != nil {
		t.Fatalf("dpa due %s legal %s", day(&r.DueDate), day(r.LegalDueDate))
	}
}

func TestFallbackRegion(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite), func(d *Deps) { d.FallbackRegion = "fr" })
	in := input()
	in.Region, in.Phone = "JP", "+81 3 1234 5678"
	r := f.get(f.submit(in).ID)
	if r.Region != "JP" || r.LawID != "gdpr" {
		t.Fatalf("%s %s", r.Region, r.LawID)
	}
}

func TestExtension(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)

		// GDPR, within the first month: the due date becomes 30 April and
		// the person is told why, in French.
		r := f.reach(StateInProgress)
		if err := f.svc.Extend(f.ctx, agent, r.ID, ""); err != ErrReasonRequired {
			t.Fatalf("no reason: %v", err)
		}
		f.clock.Set(date("2026-03-02").Add(20 * time.Hour))
		if err := f.svc.Extend(f.ctx, agent, r.ID, "Nous devons interroger trois boutiques liées."); err != nil {
			t.Fatal(err)
		}
		r = f.get(r.ID)
		if day(&r.DueDate) != "2026-04-30" || r.ExtendedAt == nil || r.ExtensionReason == "" || r.State != StateInProgress {
			t.Fatalf("%+v", r)
		}
		m := f.lastMail(jo, TemplateExtension)
		for _, want := range []string{"30 avril 2026", "> Nous devons interroger trois boutiques liées.", "CNIL", "https://www.cnil.fr/fr/plaintes"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("extension mail lacks %q:\n%s", want, m.Text)
			}
		}
		if err := f.svc.Extend(f.ctx, agent, r.ID, "Encore."); err != ErrExtensionDone {
			t.Fatalf("second extension: %v", err)
		}
		view, err := f.svc.Status(f.ctx, statusTokenOf(t, f))
		if err != nil || view.ExtendedAt == nil || day(&view.DueDate) != "2026-04-30" {
			t.Fatalf("status after extension: %v %+v", err, view)
		}

		// GDPR, after the first month: too late.
		f.clock.Set(start)
		r = f.reach(StateVerified)
		f.clock.Set(date("2026-03-03").Add(time.Hour))
		err = f.svc.Extend(f.ctx, agent, r.ID, "Trop tard.")
		ie := wantErr(t, err, "requests.error.extension_late")
		if ie.Data["Date"] != "2026-03-02" {
			t.Fatalf("late: %v", ie.Data)
		}

		// Quebec: never.
		f.clock.Set(start)
		in := input()
		in.Region, in.Phone = "CA-QC", ""
		rq := f.verified(in)
		if err := f.svc.Extend(f.ctx, agent, rq.ID, "Besoin de temps."); err != ErrExtensionNone {
			t.Fatalf("Quebec: %v", err)
		}
		if r := f.get(rq.ID); day(&r.DueDate) != "2026-03-02" || r.ExtendedAt != nil {
			t.Fatalf("Quebec request changed: %+v", r)
		}

		// Not before verification, not after the end.
		rr := f.reach(StateReceived)
		if err := f.svc.Extend(f.ctx, agent, rr.ID, "x"); err != ErrClosed {
			t.Fatalf("unverified: %v", err)
		}
		rc := f.reach(StateCompleted)
		if err := f.svc.Extend(f.ctx, agent, rc.ID, "x"); err != ErrClosed {
			t.Fatalf("completed: %v", err)
		}
	})
}

// statusTokenOf reads the status token of the newest mail to Jo.
func statusTokenOf(t *testing.T, f *fixture) string {
	t.Helper()
	ms := f.mails(jo)
	return linkToken(t, ms[len(ms)-1].Text, PathStatus)
}
