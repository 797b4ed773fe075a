package requests

import (
	"slices"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestQueueFiltersAndCounts(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		submitAt := func(at time.Time, region string, typ Type) *Request {
			f.clock.Set(at)
			in := input()
			in.Region, in.Type, in.Phone, in.Language = region, typ, "", i18n.EN
			return f.verified(in)
		}
		// Due 2 March (GDPR), 2 March (Quebec), 17 March (CCPA), 23 February
		// (CCPA opt-out: 15 business days).
		gdpr := submitAt(start, "FR", TypeAccess)
		qc := submitAt(start, "CA-QC", TypeErasure)
		ccpa := submitAt(start, "US-CA", TypeAccess)
		optout := submitAt(start, "US-CA", TypeOptOutSale)
		unverified := f.reach(StateReceived)
		done := f.reach(StateCompleted)
		if err := f.svc.Assign(f.ctx, agent, qc.ID, f.agent.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Start(f.ctx, agent, ccpa.ID); err != nil {
			t.Fatal(err)
		}

		ids := func(flt Filter) []string {
			t.Helper()
			p, err := f.svc.List(f.ctx, flt)
			if err != nil {
				t.Fatalf("%+v: %v", flt, err)
			}
			var out []string
			for _, r := range p.Requests {
				out = append(out, r.ID)
			}
			return out
		}
		same := func(name string, got []string, want ...*Request) {
			t.Helper()
			var w []string
			for _, r := range want {
				w = append(w, r.ID)
			}
			slices.Sort(got)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s: got %d requests %v, want %v", name, len(got), got, w)
			}
		}
		f.clock.Set(date("2026-02-25").Add(9 * time.Hour))
		same("all", ids(Filter{}), gdpr, qc, ccpa, optout, unverified, done)
		same("open", ids(Filter{Open: true}), gdpr, qc, ccpa, optout, unverified)
		same("state", ids(Filter{State: StateInProgress}), ccpa)
		same("type", ids(Filter{Type: TypeErasure}), qc)
		same("law", ids(Filter{LawID: "ccpa"}), ccpa, optout)
		same("assignee", ids(Filter{Assignee: f.agent.ID}), qc)
		same("unassigned open", ids(Filter{Assignee: Unassigned, Open: true}), gdpr, ccpa, optout, unverified)
		same("overdue", ids(Filter{Overdue: true}), optout)
		same("due within 5 days", ids(Filter{DueWithinDays: 5}), gdpr, qc, optout, unverified)
		same("search reference", ids(Filter{Search: qc.Reference}), qc)
		same("search email", ids(Filter{Search: "JO.MARTIN@example.fr"}), gdpr, qc, ccpa, optout, unverified, done)

		if r := f.get(optout.ID); !r.Overdue(f.clock.Now()) || f.get(gdpr.ID).Overdue(f.clock.Now()) {
			t.Error("Overdue disagrees with the query")
		}
		c, err := f.svc.Counts(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Open != 5 || c.Overdue != 1 || c.DueSoon != 3 || c.Unassigned != 4 || c.ByState[StateVerified] != 3 ||
			c.ByState[StateCompleted] != 1 || c.ByState[StateInProgress] != 1 || c.ByState[StateReceived] != 1 {
			t.Errorf("counts %+v", c)
		}

		// Pages of two, soonest due first, with no gap or repeat.
		var seen []string
		var dues []time.Time
		cur := ""
		for range 10 {
			p, err := f.svc.List(f.ctx, Filter{Limit: 2, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Requests {
				seen = append(seen, r.ID)
				dues = append(dues, r.DueDate)
			}
			if cur = p.NextCursor; cur == "" {
				break
			}
		}
		if len(seen) != 6 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 6 {
			t.Fatalf("paged through %d: %v", len(seen), seen)
		}
		if !slices.IsSortedFunc(dues, func(a, b time.Time) int { return a.Compare(b) }) {
			t.Fatalf("not by due date: %v", dues)
		}

		for _, bad := range []Filter{{State: "lost"}, {Type: "x"}, {Limit: -1}, {DueWithinDays: -3}, {Assignee: "bob"}} {
			if _, err := f.svc.List(f.ctx, bad); err != ErrFilterInvalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		for _, bad := range []string{"!!", "Zm9v", "MjAyNi0wMy0wMnxub3QtYW4taWQ"} {
			if _, err := f.svc.List(f.ctx, Filter{Cursor: bad}); err != ErrCursorInvalid {
				t.Errorf("cursor %q: %v", bad, err)
			}
		}
		if p, err := f.svc.List(f.ctx, Filter{Limit: 100000}); err != nil || len(p.Requests) != 6 {
			t.Errorf("huge limit: %v", err)
		}
	})
}
