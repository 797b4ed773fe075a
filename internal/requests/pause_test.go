package requests

import (
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// ukInput is a request from a person living in the United Kingdom, whose
// law lets the clock stop for a clarification.
func ukInput() SubmitInput {
	in := input()
	in.Email, in.Region, in.Language, in.Phone = "sam@example.co.uk", "GB", i18n.EN, ""
	return in
}

func TestClarificationPauseShiftsTheDueDate(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.verified(ukInput())
		if r.LawID != "uk_gdpr" || !f.svc.Pausable(r) {
			t.Fatalf("law %s pausable=%v", r.LawID, f.svc.Pausable(r))
		}
		// Received Saturday 31 January 2026: one month ends on Saturday
		// 28 February, so Monday 2 March.
		if day(&r.DueDate) != "2026-03-02" {
			t.Fatalf("due %s", day(&r.DueDate))
		}
		agent := f.as(f.agent)
		_, err := f.svc.Paused(f.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = f.svc.ResumeAfterClarification(f.ctx, agent, r.ID)
		wantErr(t, err, "requests.error.not_paused")

		f.clock.Set(time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC))
		err = f.svc.PauseForClarification(f.ctx, f.as(f.viewer), r.ID, "Which account?")
		wantErr(t, err, "requests.error.forbidden")
		err = f.svc.PauseForClarification(f.ctx, agent, r.ID, "  ")
		wantErr(t, err, "requests.error.body_required")
		if err := f.svc.PauseForClarification(f.ctx, agent, r.ID, "Which of your two accounts do you mean?"); err != nil {
			t.Fatal(err)
		}
		err = f.svc.PauseForClarification(f.ctx, agent, r.ID, "Again?")
		wantErr(t, err, "requests.error.already_paused")
		if p, _ := f.svc.Paused(f.ctx, r.ID); !p {
			t.Error("not paused")
		}
		m := f.lastMail("sam@example.co.uk", TemplateClarification)
		if m.Lang != "en" || !strings.Contains(m.Text, "Which of your two accounts do you mean?") ||
			!strings.Contains(m.Subject, "clarification") || !strings.Contains(m.Text, PathStatus+"?token=") {
			t.Errorf("clarification mail %q\n%s", m.Subject, m.Text)
		}

		// Ten days later the answer arrives: the clock stood still from
		// 2 to 12 February.
		f.clock.Set(time.Date(2026, 2, 12, 15, 0, 0, 0, time.UTC))
		if err := f.svc.ResumeAfterClarification(f.ctx, agent, r.ID); err != nil {
			t.Fatal(err)
		}
		got := f.get(r.ID)
		if day(&got.DueDate) != "2026-03-10" || day(got.LegalDueDate) != "2026-03-10" {
			t.Errorf("due %s legal %s, want 2026-03-10 (28 Feb + 10 days)", day(&got.DueDate), day(got.LegalDueDate))
		}
		if day(got.ExtensionLimit) == day(r.ExtensionLimit) {
			t.Errorf("extension limit %s did not move", day(got.ExtensionLimit))
		}
		if p, _ := f.svc.Paused(f.ctx, r.ID); p {
			t.Error("still paused")
		}
		ps, err := f.svc.Pauses(f.ctx, r.ID)
		if err != nil || len(ps) != 1 || ps[0].To == nil || day(ps[0].To) != "2026-02-12" || day(&ps[0].From) != "2026-02-02" {
			t.Fatalf("pauses %+v %v", ps, err)
		}
		acts := f.auditActions(r.ID)
		if countOf(acts, "request.paused") != 1 || countOf(acts, "request.resumed") != 1 {
			t.Errorf("audit %v", acts)
		}
		es := f.events(r.ID)
		last := es[len(es)-1]
		if last.Kind != EventResumed || last.Data["from"] != "2026-03-02" || last.Data["to"] != "2026-03-10" {
			t.Errorf("resume event %+v", last)
		}
	})
}

func TestClarificationPauseRefusedWhereTheLawHasNone(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		gdpr := f.verified(input())
		ccpaIn := input()
		ccpaIn.Email, ccpaIn.Region, ccpaIn.Language, ccpaIn.Phone = "lee@example.com", "US-CA", i18n.EN, ""
		ccpa := f.verified(ccpaIn)
		for _, r := range []*Request{gdpr, ccpa} {
			if f.svc.Pausable(r) {
				t.Errorf("%s pausable", r.LawID)
			}
			err := f.svc.PauseForClarification(f.ctx, f.as(f.agent), r.ID, "Which account?")
			wantErr(t, err, "requests.error.pause_not_allowed")
			err = f.svc.ResumeAfterClarification(f.ctx, f.as(f.agent), r.ID)
			wantErr(t, err, "requests.error.pause_not_allowed")
			if got := f.get(r.ID); !got.DueDate.Equal(r.DueDate) {
				t.Errorf("%s due date moved", r.LawID)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM request_pauses"); n != 0 {
			t.Errorf("%d pauses stored", n)
		}
	})
}

func TestAssigneeIsEmailedInTheirLanguage(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.verified(input())
		// agent speaks French, agent2 Dutch.
		if err := f.svc.Assign(f.ctx, f.as(f.admin), r.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		m := f.lastMail(f.agent.Email, TemplateAssigned)
		if m.Lang != "fr" || !strings.Contains(m.Subject, r.Reference) || !strings.Contains(m.Text, "vous a été attribuée") ||
			!strings.Contains(m.Text, "/requests/"+r.ID) {
			t.Errorf("assignment mail %s %q\n%s", m.Lang, m.Subject, m.Text)
		}
		if err := f.svc.Assign(f.ctx, f.as(f.agent), r.ID, f.agent2.ID); err != nil {
			t.Fatal(err)
		}
		if m := f.lastMail(f.agent2.Email, TemplateAssigned); m.Lang != "nl" || !strings.Contains(m.Text, "is aan u toegewezen") {
			t.Errorf("Dutch mail %s\n%s", m.Lang, m.Text)
		}
		// Taking a request oneself sends nothing; nor does unassigning.
		before := len(f.mails(f.agent.Email))
		if err := f.svc.Assign(f.ctx, f.as(f.agent), r.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Assign(f.ctx, f.as(f.agent), r.ID, ""); err != nil {
			t.Fatal(err)
		}
		if n := len(f.mails(f.agent.Email)); n != before {
			t.Errorf("%d new mails to an agent who took the request", n-before)
		}
	})
}
