package breach

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// Impossible dates and missing facts are refused with the field and the
// reason, and nothing is written.
func TestOpenRefusesBadFacts(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
		s := newTestService(t, d, &testClock{t: now})
		good := quebecFranceOntario(now.Add(-2 * time.Hour))
		cases := []struct {
			name  string
			edit  func(f *Facts)
			field string
			want  error
		}{
			{"aware before it happened", func(f *Facts) { f.AwareAt = f.OccurredAt.Add(-time.Minute) }, "aware_at", ErrAwareBefore},
			{"aware in the future", func(f *Facts) { f.AwareAt = now.Add(time.Hour) }, "aware_at", ErrFuture},
			{"occurred in the future", func(f *Facts) { f.OccurredAt = now.Add(time.Hour); f.AwareAt = now }, "occurred_at", ErrFuture},
			{"period ending before it starts", func(f *Facts) { u := f.OccurredAt.Add(-time.Hour); f.OccurredUntil = &u }, "occurred_until", ErrUntilBefore},
			{"no awareness time", func(f *Facts) { f.AwareAt = time.Time{} }, "aware_at", ErrRequired},
			{"no description", func(f *Facts) { f.Description = "  " }, "description", ErrRequired},
			{"no consequences", func(f *Facts) { f.Consequences = "" }, "consequences", ErrRequired},
			{"no kind", func(f *Facts) { f.Kinds = nil }, "kinds", ErrRequired},
			{"unknown kind", func(f *Facts) { f.Kinds = []Kind{"leak"} }, "kinds", ErrKindInvalid},
			{"unknown category", func(f *Facts) { f.Categories = []string{"user.shoe_size"} }, "categories", ErrCategory},
			{"nobody concerned", func(f *Facts) { f.Persons = 0 }, "persons", ErrRequired},
			{"no region", func(f *Facts) { f.Residents = nil }, "residents", ErrRequired},
			{"bad region", func(f *Facts) { f.Residents = map[string]int{"Quebec": 3} }, "residents", ErrRegionInvalid},
			{"more residents than persons", func(f *Facts) { f.Residents = map[string]int{"FR": 1201} }, "residents", ErrResidentsMore},
			{"bad contact email", func(f *Facts) { f.ContactEmail = "marie@" }, "contact_email", ErrEmailInvalid},
			{"control characters", func(f *Facts) { f.Title = "a\x00b" }, "title", ErrTextInvalid},
		}
		for _, tc := range cases {
			f := good
			f.Residents = map[string]int{"CA-QC": 500, "FR": 400, "CA-ON": 300}
			tc.edit(&f)
			_, err := s.Open(ctx, actor, f)
			var fe FieldErrors
			if !errors.As(err, &fe) || fe[tc.field] != tc.want {
				t.Errorf("%s: got %v (%v), want %s on %s", tc.name, err, fe[tc.field], tc.want, tc.field)
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM breaches`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d incidents written (%v)", n, err)
		}
	})
}

// Moving the time of awareness moves the clock: it takes a reason, and the
// timeline and the audit log keep the old and new times.
func TestEditMovesClockOnlyWithAReason(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		aware := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
		s := newTestService(t, d, &testClock{t: aware.Add(2 * time.Hour)})
		inc, err := s.Open(ctx, actor, quebecFranceOntario(aware))
		if err != nil {
			t.Fatal(err)
		}
		f := inc.Facts
		f.AwareAt = aware.Add(-time.Hour)
		var fe FieldErrors
		if _, err := s.Edit(ctx, actor, inc.ID, f, ""); !errors.As(err, &fe) || fe["change_reason"] != ErrReasonRequired {
			t.Fatalf("edit without reason: %v", err)
		}
		v, _ := s.Get(ctx, inc.ID)
		if due := obligation(t, v, "gdpr/FR/authority").Clock.Due; !due.Equal(aware.Add(72 * time.Hour)) {
			t.Fatalf("clock moved without a reason: %v", due)
		}
		if _, err := s.Edit(ctx, actor, inc.ID, f, "The supplier's alert came an hour earlier than we thought."); err != nil {
			t.Fatal(err)
		}
		// A text change needs no reason.
		f.Measures += " Passwords reset."
		if _, err := s.Edit(ctx, actor, inc.ID, f, ""); err != nil {
			t.Fatal(err)
		}
		// Saving the same facts again leaves no trace.
		if _, err := s.Edit(ctx, actor, inc.ID, f, ""); !IsNoChange(err) {
			t.Fatalf("unchanged edit: %v", err)
		}
		v, _ = s.Get(ctx, inc.ID)
		if due := obligation(t, v, "gdpr/FR/authority").Clock.Due; !due.Equal(aware.Add(71 * time.Hour)) {
			t.Errorf("clock after the edit: %v", due)
		}
		if len(v.Events) != 3 {
			t.Fatalf("%d events", len(v.Events))
		}
		moved := v.Events[1]
		if moved.Kind != EventFactsEdited || moved.Data["aware_at_before"] != "2026-03-27T09:00:00Z" ||
			moved.Data["aware_at_after"] != "2026-03-27T08:00:00Z" || !strings.Contains(moved.Body, "supplier") {
			t.Errorf("clock event %+v", moved)
		}
		if fields, _ := v.Events[2].Data["fields"].([]any); len(fields) != 1 || fields[0] != "measures" {
			t.Errorf("text edit event %+v", v.Events[2].Data)
		}
		if got := strings.Join(auditActions(t, d, inc.ID), " "); got != "breach.opened breach.facts_edited breach.facts_edited" {
			t.Errorf("audit %s", got)
		}
	})
}

// An incident whose people live under the GDPR only, where the data were
// encrypted: the authority must hear, the people need not (Art. 34(3)(a)),
// and disproportionate effort turns the notice into a public one.
func TestGDPRExemptions(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		aware := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
		s := newTestService(t, d, &testClock{t: aware.Add(time.Hour)})
		f := quebecFranceOntario(aware)
		f.Persons, f.Residents = 90, map[string]int{"NL": 60, "BE": 30}
		inc, err := s.Open(ctx, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		if inc.RetainUntil != nil {
			t.Errorf("GDPR fixes no retention, got %v", inc.RetainUntil)
		}
		assess := func(ex ...string) *View {
			t.Helper()
			if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "gdpr", Level: "high_risk", Exemptions: ex, Reasoning: "r"}); err != nil {
				t.Fatal(err)
			}
			v, _ := s.Get(ctx, inc.ID)
			return v
		}
		v := assess("unintelligible")
		if o := obligation(t, v, "gdpr/NL/authority"); o.Status != StatusRequired || !strings.Contains(o.Authority.Name, "Autoriteit Persoonsgegevens") {
			t.Errorf("AP: %s %s", o.Status, o.Authority.Name)
		}
		if o := obligation(t, v, "gdpr/BE/authority"); !strings.Contains(o.Authority.Name, "APD/GBA") || o.Residents != 30 {
			t.Errorf("APD: %s %d", o.Authority.Name, o.Residents)
		}
		// The AP gets its own form's sections, in Dutch.
		ap, err := s.Draft(ctx, inc.ID, "gdpr/NL/authority", i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		at := 0
		for _, part := range []string{"Melding datalek aan de Autoriteit Persoonsgegevens (AP) — " + inc.Reference,
			"1. Over deze melding\nNieuwe melding.", "2. Contactpersoon", "3. Tijdlijn", "4. Gegevens over het datalek",
			"5. Betrokken persoonsgegevens", "6. Getroffen personen\nAantal betrokkenen: 90.",
			"7. Maatregelen vóór het datalek\nNone: the export was not encrypted.", "8. Waarschijnlijke gevolgen",
			"9. Vervolgacties", "Er wonen ook betrokkenen in: BE.", "10. Overig"} {
			i := strings.Index(ap.Body[at:], part)
			if i < 0 {
				t.Fatalf("AP draft lacks %q after %d:\n%s", part, at, ap.Body)
			}
			at += i + len(part)
		}
		if o := obligation(t, v, "gdpr/persons"); o.Status != StatusExempt {
			t.Errorf("persons with encrypted data: %s", o.Status)
		}
		if o := obligation(t, assess("disproportionate_effort"), "gdpr/persons"); o.Status != StatusPublicCommunication {
			t.Errorf("persons with disproportionate effort: %s", o.Status)
		}
		if o := obligation(t, assess(), "gdpr/persons"); o.Status != StatusRequired {
			t.Errorf("persons without exemption: %s", o.Status)
		}
		if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "gdpr", Level: "yes", Reasoning: "r"}); !errors.As(err, new(FieldErrors)) {
			t.Errorf("a level GDPR does not know: %v", err)
		}
		if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "gdpr", Level: "none", Reasoning: "r"}); err != nil {
			t.Fatal(err)
		}
		v, _ = s.Get(ctx, inc.ID)
		for _, o := range v.Obligations {
			if o.Status != StatusNotRequired || o.Clock.State != "" {
				t.Errorf("%s after 'unlikely to result in a risk': %s %s", o.Key, o.Status, o.Clock.State)
			}
		}
		if _, err := s.Close(ctx, actor, inc.ID, "Recorded, not notified: no risk."); err != nil {
			t.Fatal(err)
		}
	})
}

// The US states' thresholds: the attorney general hears of a breach only
// from the law's number of residents.
func TestUSStateThresholds(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		la := zone(t, "America/Los_Angeles")
		aware := time.Date(2026, 3, 1, 23, 30, 0, 0, la)
		s := newTestService(t, d, &testClock{t: aware.Add(time.Hour)})
		f := quebecFranceOntario(aware)
		f.Persons, f.Residents = 1000, map[string]int{"US-CA": 500, "US-TX": 250, "US-FL": 249}
		inc, err := s.Open(ctx, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, law := range []string{"california", "texas", "florida"} {
			if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: law, Level: "yes", Reasoning: "Names with card numbers taken."}); err != nil {
				t.Fatal(err)
			}
		}
		v, _ := s.Get(ctx, inc.ID)
		want := map[string]Status{
			"california/persons": StatusRequired, "california/authority": StatusBelowThreshold, // more than 500
			"texas/persons": StatusRequired, "texas/authority": StatusRequired, // 250 or more
			"florida/persons": StatusRequired, "florida/authority": StatusBelowThreshold, // 500 or more
		}
		for key, st := range want {
			if o := obligation(t, v, key); o.Status != st {
				t.Errorf("%s: %s, want %s", key, o.Status, st)
			}
		}
		// California counts 30 days in the business's zone (here Toronto).
		o := obligation(t, v, "california/persons")
		if o.Clock.DueDay.String() != "2026-04-01" {
			t.Errorf("California persons due %s", o.Clock.DueDay)
		}
		// The California notice: its title and headings, in the law's order,
		// and whether the police delayed it.
		dr, err := s.Draft(ctx, inc.ID, "california/persons", i18n.EN)
		if err != nil {
			t.Fatal(err)
		}
		at := 0
		for _, part := range []string{"Notice of Data Breach — " + inc.Reference, "1. What Happened",
			"This notice was not delayed as a result of a law enforcement investigation.", "2. What Information Was Involved",
			"3. What We Are Doing", "4. What You Can Do", "5. For More Information"} {
			i := strings.Index(dr.Body[at:], part)
			if i < 0 {
				t.Fatalf("California notice lacks %q after %d:\n%s", part, at, dr.Body)
			}
			at += i + len(part)
		}
		f.LawEnforcementDelay = true
		if _, err := s.Edit(ctx, actor, inc.ID, f, ""); err != nil {
			t.Fatal(err)
		}
		if dr, _ := s.Draft(ctx, inc.ID, "california/persons", i18n.EN); !strings.Contains(dr.Body, "delayed at the request of law enforcement") {
			t.Errorf("delayed notice:\n%s", dr.Body)
		}
	})
}
