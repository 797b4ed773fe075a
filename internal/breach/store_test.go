package breach

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// The store's contract, the same on SQLite and PostgreSQL: a round trip
// keeps every fact, a stale version is refused, lists are ordered, draft
// versions and notification phases are unique.
func TestStoreContract(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := NewSQLStore(d)
		at := time.Date(2026, 3, 29, 0, 30, 15, 0, time.UTC)
		until := at.Add(90 * time.Minute)
		mk := func(ref string, aware time.Time, state State) *Incident {
			f := quebecFranceOntario(aware)
			f.OccurredUntil = &until
			i := &Incident{ID: newID(), Reference: ref, State: state, Facts: f, Assessments: map[string]Assessment{
				"quebec": {LawID: "quebec", Level: "yes", Factors: map[string]string{"sensitivity": "high"}, Consulted: true,
					Reasoning: "r", AssessedAt: aware, AssessedBy: actor}},
				CreatedAt: aware, UpdatedAt: aware}
			if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertIncident(ctx, tx, i) }); err != nil {
				t.Fatal(err)
			}
			return i
		}
		a := mk("BR-AAAA-01", at, StateOpen)
		b := mk("BR-BBBB-02", at.Add(time.Hour), StateOpen)
		c := mk("BR-CCCC-03", at.Add(2*time.Hour), StateClosed)

		got, err := st.GetIncident(ctx, d, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Facts.Residents["CA-QC"] != 500 || !got.Facts.AwareAt.Equal(at) || got.Facts.OccurredUntil == nil ||
			!got.Facts.OccurredUntil.Equal(until) || got.Assessments["quebec"].Factors["sensitivity"] != "high" ||
			got.Facts.ContactEmail != "vie.privee@lumiere.example" || got.Version != 1 {
			t.Errorf("round trip: %+v", got)
		}
		if _, err := st.GetIncident(ctx, d, newID()); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing: %v", err)
		}

		// A stale version is refused and changes nothing.
		got.Facts.Title = "Changed"
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.UpdateIncident(ctx, tx, got) }); err != nil || got.Version != 2 {
			t.Fatalf("update: %v, version %d", err, got.Version)
		}
		stale := *got
		stale.Version = 1
		stale.Facts.Title = "Stale"
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.UpdateIncident(ctx, tx, &stale) }); !errors.Is(err, ErrConflict) {
			t.Errorf("stale update: %v", err)
		}
		if again, _ := st.GetIncident(ctx, d, a.ID); again.Facts.Title != "Changed" {
			t.Errorf("title %q", again.Facts.Title)
		}

		// Open first, newest awareness first.
		list, err := st.ListIncidents(ctx, d, "")
		if err != nil || len(list) != 3 || list[0].ID != b.ID || list[1].ID != a.ID || list[2].ID != c.ID {
			t.Errorf("list: %v %d", err, len(list))
		}
		if closed, _ := st.ListIncidents(ctx, d, StateClosed); len(closed) != 1 || closed[0].ID != c.ID {
			t.Errorf("closed list: %d", len(closed))
		}

		// Drafts: versions unique per obligation and language.
		dr := &Draft{ID: newID(), IncidentID: a.ID, Obligation: "quebec/authority", Language: "fr", Version: 1, Title: "T", Body: "B",
			CreatedBy: actor, CreatedAt: at}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertDraft(ctx, tx, dr) }); err != nil {
			t.Fatal(err)
		}
		dup := *dr
		dup.ID = newID()
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertDraft(ctx, tx, &dup) }); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate draft version: %v", err)
		}
		if ds, _ := st.ListDrafts(ctx, d, a.ID); len(ds) != 1 || ds[0].Body != "B" || !ds[0].CreatedAt.Equal(at) {
			t.Errorf("drafts %+v", ds)
		}

		// Notifications: phases unique; the open-incident list leaves closed ones out.
		for _, n := range []*Notification{
			{ID: newID(), IncidentID: a.ID, Obligation: "gdpr/FR/authority", Phase: 1, SentAt: at.Add(time.Hour), Reference: "CNIL-1", RecordedBy: actor, RecordedAt: at},
			{ID: newID(), IncidentID: c.ID, Obligation: "gdpr/FR/authority", Phase: 1, SentAt: at, RecordedBy: actor, RecordedAt: at},
		} {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertNotification(ctx, tx, n) }); err != nil {
				t.Fatal(err)
			}
		}
		again := &Notification{ID: newID(), IncidentID: a.ID, Obligation: "gdpr/FR/authority", Phase: 1, SentAt: at, RecordedBy: actor, RecordedAt: at}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertNotification(ctx, tx, again) }); !errors.Is(err, ErrConflict) {
			t.Errorf("duplicate phase: %v", err)
		}
		if ns, _ := st.ListNotifications(ctx, d, ""); len(ns) != 1 || ns[0].Reference != "CNIL-1" {
			t.Errorf("open notifications %+v", ns)
		}
		if ns, _ := st.ListNotifications(ctx, d, c.ID); len(ns) != 1 {
			t.Errorf("closed incident's notifications %+v", ns)
		}

		// Events keep their data.
		ev := &Event{ID: newID(), IncidentID: a.ID, At: at, Kind: EventFactsEdited, Actor: actor, Body: "why",
			Data: map[string]any{"fields": []string{"aware_at"}}}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return st.InsertEvent(ctx, tx, ev) }); err != nil {
			t.Fatal(err)
		}
		if es, _ := st.ListEvents(ctx, d, a.ID); len(es) != 1 || es[0].Body != "why" || es[0].Data["fields"].([]any)[0] != "aware_at" {
			t.Errorf("events %+v", es)
		}
	})
}
