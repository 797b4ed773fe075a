package suppress

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestVerifiedRequestsPutPeopleOnTheList: each suppressing request type,
// once verified, stops its default purposes for its person (the address
// matched whatever its case); unverified requests and other types stop
// nothing; each entry has its history and its audit entry.
func TestVerifiedRequestsPutPeopleOnTheList(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, true)
		objection := f.submit("obj@example.fr", requests.TypeObjection, true)
		f.submit("res@example.fr", requests.TypeRestriction, true)
		f.submit("sale@example.fr", requests.TypeOptOutSale, true)
		f.submit("sens@example.fr", requests.TypeLimitSensitive, true)
		f.submit("later@example.fr", requests.TypeObjection, false)
		f.submit("access@example.fr", requests.TypeAccess, true)

		f.stops(" OBJ@Example.fr ", map[string]bool{"marketing": true, "newsletter": true, "analytics": false, "necessary": false})
		f.stops("res@example.fr", map[string]bool{"marketing": true, "analytics": true, "a_site_purpose": true, "necessary": false})
		f.stops("sale@example.fr", map[string]bool{"sale_sharing": true, "marketing": true, "analytics": false})
		f.stops("sens@example.fr", map[string]bool{"sensitive": true, "marketing": false})
		f.stops("later@example.fr", map[string]bool{"marketing": false})
		f.stops("access@example.fr", map[string]bool{"marketing": false, "analytics": false})
		if n := f.count("suppressions"); n != 4 {
			t.Fatalf("%d entries, want 4", n)
		}

		e, changes, err := f.list.ForRequest(f.ctx, objection)
		if err != nil {
			t.Fatal(err)
		}
		if e.Reason != ReasonObjection || !slices.Equal(e.Purposes, []string{"marketing", "newsletter"}) || !e.Active() ||
			e.RequestEmail != "obj@example.fr" || e.RequestReference == "" || e.CreatedBy != "token:t1" {
			t.Errorf("entry %+v", e)
		}
		if len(changes) != 1 || changes[0].Action != ActionAdded || changes[0].Actor != "token:t1" {
			t.Errorf("history %+v", changes)
		}
		if n := f.audited("suppression.added", "suppression:"+e.ID); n != 1 {
			t.Errorf("%d audit entries for the addition", n)
		}
		// Verifying the waiting request later puts its person on the list.
		page, err := f.rs.List(f.ctx, requests.Filter{Search: "later@example.fr"})
		if err != nil || len(page.Requests) != 1 {
			t.Fatal(page, err)
		}
		if err := f.rs.VerifyManually(f.ctx, f.agent, page.Requests[0].ID, "Known customer, called us."); err != nil {
			t.Fatal(err)
		}
		f.stops("later@example.fr", map[string]bool{"marketing": true})
		if got, err := f.list.Check(f.ctx, "later@example.fr"); err != nil || len(got) != 1 || !strings.HasPrefix(got[0].CreatedBy, "operator:") {
			t.Errorf("check %+v %v", got, err)
		}
	})
}

// TestAgentChangesPurposesAndLifts: an agent narrows what an entry stops,
// then lifts it with a reason; every step is kept in order and audited,
// and a lifted entry changes no more.
func TestAgentChangesPurposesAndLifts(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, true)
		id := f.submit("obj@example.fr", requests.TypeObjection, true)
		e, _, err := f.list.ForRequest(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		actor := f.agent.String()
		if _, err := f.list.SetPurposes(f.ctx, actor, e.ID, []string{"analytics", " marketing", "analytics"}); err != nil {
			t.Fatal(err)
		}
		f.stops("obj@example.fr", map[string]bool{"marketing": true, "analytics": true, "newsletter": false})

		if _, err := f.list.Lift(f.ctx, actor, e.ID, "  "); !errors.Is(err, ErrReasonRequired) {
			t.Errorf("lift without a reason: %v", err)
		}
		if _, err := f.list.Lift(f.ctx, actor, e.ID, "The person consented again in writing."); err != nil {
			t.Fatal(err)
		}
		f.stops("obj@example.fr", map[string]bool{"marketing": false, "analytics": false})
		if _, err := f.list.Lift(f.ctx, actor, e.ID, "again"); !errors.Is(err, ErrLifted) {
			t.Errorf("second lift: %v", err)
		}
		if _, err := f.list.SetPurposes(f.ctx, actor, e.ID, []string{"marketing"}); !errors.Is(err, ErrLifted) {
			t.Errorf("change after the lift: %v", err)
		}

		got, changes, err := f.list.Get(f.ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Active() || got.LiftCause != LiftByAgent || got.LiftedBy != actor || got.LiftReason != "The person consented again in writing." {
			t.Errorf("lifted entry %+v", got)
		}
		var steps []string
		for _, c := range changes {
			steps = append(steps, c.Action+":"+strings.Join(c.Purposes, ","))
		}
		want := []string{"added:marketing,newsletter", "purposes_changed:analytics,marketing", "lifted:analytics,marketing"}
		if !slices.Equal(steps, want) {
			t.Errorf("history %v, want %v", steps, want)
		}
		for _, action := range []string{"suppression.added", "suppression.purposes_changed", "suppression.lifted"} {
			if n := f.audited(action, "suppression:"+e.ID); n != 1 {
				t.Errorf("%s audited %d times", action, n)
			}
		}
		// Lifted entries stay listed on demand only.
		if active, err := f.list.List(f.ctx, Filter{}); err != nil || len(active) != 0 {
			t.Errorf("active %+v %v", active, err)
		}
		if all, err := f.list.List(f.ctx, Filter{Lifted: true}); err != nil || len(all) != 1 {
			t.Errorf("all %+v %v", all, err)
		}
	})
}

// TestRequestEndingUnansweredLifts: a request the business rejects, or
// that is closed as withdrawn, takes its person off the list; a completed
// one keeps them on it.
func TestRequestEndingUnansweredLifts(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, true)
		rejected := f.submit("rej@example.fr", requests.TypeRestriction, true)
		withdrawn := f.submit("wd@example.fr", requests.TypeObjection, true)
		completed := f.submit("done@example.fr", requests.TypeObjection, true)
		if err := f.rs.Reject(f.ctx, f.agent, rejected, "We could not confirm who asked."); err != nil {
			t.Fatal(err)
		}
		if err := f.rs.Close(f.ctx, f.agent, withdrawn, requests.OutcomeWithdrawn, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.rs.Complete(f.ctx, f.agent, completed, requests.OutcomeFulfilled, "Done."); err != nil {
			t.Fatal(err)
		}
		f.stops("rej@example.fr", map[string]bool{"analytics": false})
		f.stops("wd@example.fr", map[string]bool{"marketing": false})
		f.stops("done@example.fr", map[string]bool{"marketing": true})
		for id, cause := range map[string]string{rejected: LiftRequestRejected, withdrawn: LiftRequestClosed} {
			e, _, err := f.list.ForRequest(f.ctx, id)
			if err != nil || e.Active() || e.LiftCause != cause || !strings.HasPrefix(e.LiftedBy, "operator:") {
				t.Errorf("%s: %+v %v", cause, e, err)
			}
		}
	})
}

// TestManualEntries: an agent puts an address on the list; only its hash
// is stored, the same for any case of the address and different under
// another key.
func TestManualEntries(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, true)
		e, err := f.list.AddManual(f.ctx, f.agent.String(), ManualInput{Email: "Phone@Example.org",
			Purposes: []string{"newsletter"}, Note: "Asked by phone on 3 March."})
		if err != nil {
			t.Fatal(err)
		}
		f.stops("phone@example.org", map[string]bool{"newsletter": true, "marketing": false})
		var stored string
		if err := d.QueryRow(f.ctx, "SELECT identity_hash FROM suppressions WHERE id = ?", e.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, "phone") || len(stored) != 64 {
			t.Errorf("stored identity %q", stored)
		}
		other, err := New(Deps{DB: d, Audit: f.audit, Key: []byte("another instance's secret key!!!")})
		if err != nil {
			t.Fatal(err)
		}
		if other.hash("phone@example.org") == stored || f.list.hash("phone@example.org") != stored {
			t.Error("the hash is not keyed by the instance's secret")
		}
		if got, err := f.list.Check(f.ctx, "PHONE@example.org"); err != nil || len(got) != 1 || got[0].Reason != ReasonManual ||
			got[0].Note != "Asked by phone on 3 March." || got[0].RequestID != "" || got[0].RequestEmail != "" {
			t.Errorf("check %+v %v", got, err)
		}
		if got := Stopped([]Entry{*e, {Purposes: []string{"analytics", "newsletter"}}}); !slices.Equal(got, []string{"analytics", "newsletter"}) {
			t.Errorf("stopped %v", got)
		}
	})
}

// TestBadInputChangesNothing: invalid addresses, purposes, reasons and IDs
// are refused with their stable codes and write nothing.
func TestBadInputChangesNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, true)
		id := f.submit("obj@example.fr", requests.TypeObjection, true)
		e, _, err := f.list.ForRequest(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		before := [2]int{f.count("suppressions"), f.count("suppression_changes")}
		actor := f.agent.String()
		code := func(err error) string {
			var le *i18n.Error
			if errors.As(err, &le) {
				return le.ID
			}
			return "not localized: " + err.Error()
		}
		for _, c := range []struct {
			name string
			err  error
			want string
		}{
			{"no email", second(f.list.AddManual(f.ctx, actor, ManualInput{Email: " ", Purposes: []string{"marketing"}})), "suppress.error.email_required"},
			{"bad email", second(f.list.AddManual(f.ctx, actor, ManualInput{Email: "jo@", Purposes: []string{"marketing"}})), "suppress.error.email_invalid"},
			{"no purpose", second(f.list.AddManual(f.ctx, actor, ManualInput{Email: "jo@example.org"})), "suppress.error.purposes_required"},
			{"necessary", second(f.list.SetPurposes(f.ctx, actor, e.ID, []string{"necessary"})), "suppress.error.purpose_invalid"},
			{"sql", second(f.list.SetPurposes(f.ctx, actor, e.ID, []string{"x'; DROP TABLE suppressions;--"})), "suppress.error.purpose_invalid"},
			{"long note", second(f.list.AddManual(f.ctx, actor, ManualInput{Email: "jo@example.org", Purposes: []string{"marketing"},
				Note: strings.Repeat("n", MaxReasonLen+1)})), "suppress.error.note_long"},
			{"long reason", second(f.list.Lift(f.ctx, actor, e.ID, strings.Repeat("r", MaxReasonLen+1))), "suppress.error.reason_long"},
			{"bad id", second(f.list.Lift(f.ctx, actor, "1 OR 1=1", "why")), "suppress.error.not_found"},
			{"unknown id", second(f.list.Lift(f.ctx, actor, "0190a1b2-0000-7000-8000-000000000000", "why")), "suppress.error.not_found"},
			{"check", second(f.list.Check(f.ctx, "not an address")), "suppress.error.email_invalid"},
		} {
			if got := code(c.err); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}
		many := make([]string, MaxPurposes+1)
		for i := range many {
			many[i] = "p" + strings.Repeat("x", i)
		}
		if _, err := NormalizePurposes(many); !errors.Is(err, ErrPurposesMany) {
			t.Errorf("too many purposes: %v", err)
		}
		if got, _ := NormalizePurposes([]string{"marketing", AllPurposes}); !slices.Equal(got, []string{AllPurposes}) {
			t.Errorf("all purposes: %v", got)
		}
		if after := [2]int{f.count("suppressions"), f.count("suppression_changes")}; after != before {
			t.Errorf("rows %v after refusals, were %v", after, before)
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestCarryOver: the requests honoured before the list existed are put on
// it once, at start-up; those closed unanswered, unverified or of another
// type are not, and a second start adds nothing.
func TestCarryOver(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, false)
		f.submit("obj@example.fr", requests.TypeObjection, true)
		started := f.submit("res@example.fr", requests.TypeRestriction, true)
		done := f.submit("sale@example.fr", requests.TypeOptOutSale, true)
		rejected := f.submit("rej@example.fr", requests.TypeLimitSensitive, true)
		f.submit("wait@example.fr", requests.TypeObjection, false)
		f.submit("access@example.fr", requests.TypeAccess, true)
		if err := f.rs.Start(f.ctx, f.agent, started); err != nil {
			t.Fatal(err)
		}
		if err := f.rs.Complete(f.ctx, f.agent, done, requests.OutcomeFulfilled, "Done."); err != nil {
			t.Fatal(err)
		}
		if err := f.rs.Reject(f.ctx, f.agent, rejected, "Not ours to answer."); err != nil {
			t.Fatal(err)
		}
		f.hook()
		n, err := f.list.CarryOver(f.ctx)
		if err != nil || n != 3 {
			t.Fatalf("carried %d (%v), want 3", n, err)
		}
		f.stops("obj@example.fr", map[string]bool{"marketing": true})
		f.stops("res@example.fr", map[string]bool{"analytics": true})
		f.stops("sale@example.fr", map[string]bool{"sale_sharing": true})
		f.stops("rej@example.fr", map[string]bool{"sensitive": false})
		f.stops("wait@example.fr", map[string]bool{"marketing": false})
		all, err := f.list.List(f.ctx, Filter{Lifted: true})
		if err != nil || len(all) != 3 {
			t.Fatalf("%d entries (%v)", len(all), err)
		}
		_, changes, err := f.list.Get(f.ctx, all[0].ID)
		if err != nil || len(changes) != 1 || changes[0].Action != ActionCarriedOver || changes[0].Actor != "system" {
			t.Errorf("history %+v %v", changes, err)
		}
		// Lifting one and starting again brings nothing back.
		if _, err := f.list.Lift(f.ctx, f.agent.String(), all[0].ID, "Asked by mistake."); err != nil {
			t.Fatal(err)
		}
		if n, err := f.list.CarryOver(f.ctx); err != nil || n != 0 {
			t.Errorf("second carry-over: %d %v", n, err)
		}
	})
}
