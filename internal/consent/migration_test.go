package consent

import (
	"maps"
	"os"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestLedgerMigrationCarriesEventsOver: events written in the former
// layout (JSON purposes) are all in the new ledger after migration 14,
// with their purposes; the state derived from them follows the choice
// given last (an older import does not win); the ledger is still
// append-only.
func TestLedgerMigrationCarriesEventsOver(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, fresh *db.DB) {
		ctx := t.Context()
		url := dbtest.URL(t, fresh.Dialect)
		d, err := db.Open(ctx, url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		dialect := goose.DialectSQLite3
		if d.Dialect == db.Postgres {
			dialect = goose.DialectPostgres
		}
		p, err := goose.NewProvider(dialect, d.Write, os.DirFS("../db/migrations/"+string(d.Dialect)),
			goose.WithDisableGlobalRegistry(true))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 13); err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		old := []struct {
			id, subject, device, granted, refused string
			given                                 time.Time
		}{
			{"0190d9c2-0000-7000-8000-000000000001", "cust-1", "dev-1", `["analytics","marketing"]`, `["sale_sharing"]`, t0},
			{"0190d9c2-0000-7000-8000-000000000002", "cust-1", "", `[]`, `["marketing"]`, t0.Add(time.Hour)},
			// An import of an older choice: recorded later, given earlier.
			{"0190d9c2-0000-7000-8000-000000000003", "cust-1", "", `["marketing"]`, `[]`, t0.Add(-24 * time.Hour)},
		}
		for i, e := range old {
			if _, err := d.Exec(ctx, `INSERT INTO consent_events(id, site_id, subject_id, device_id, kind, granted, refused,
				method, source, notice_version, language, gpc, actor, given_at, recorded_at)
				VALUES (?, '', ?, ?, 'choice', ?, ?, 'express', 'api', 'v1', 'fr', ?, 'token:t', ?, ?)`,
				e.id, e.subject, e.device, e.granted, e.refused, false, e.given, t0.Add(time.Duration(i)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		s := NewService(Deps{DB: d, Audit: audit.New(d)})
		first, err := s.Event(ctx, old[0].id)
		if err != nil {
			t.Fatal(err)
		}
		if got := purposeStrings(first.Granted); len(got) != 2 || got[0] != "analytics" || got[1] != "marketing" ||
			len(first.Refused) != 1 || first.Refused[0] != SaleSharing || first.DeviceID != "dev-1" || !first.GivenAt.Equal(t0) {
			t.Fatalf("carried event: %+v", first)
		}
		if second, err := s.Event(ctx, old[1].id); err != nil || len(second.Granted) != 0 || len(second.Refused) != 1 {
			t.Fatalf("carried event with no grant: %+v %v", second, err)
		}
		states, err := s.States(ctx, Holder{SubjectID: "cust-1"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[Purpose]Decision{Analytics: Granted, Marketing: Refused, SaleSharing: Refused}
		if !maps.Equal(decisions(states), want) {
			t.Fatalf("subject state after migration: %v", decisions(states))
		}
		dev, err := s.States(ctx, Holder{DeviceID: "dev-1"})
		if err != nil {
			t.Fatal(err)
		}
		if want := (map[Purpose]Decision{Analytics: Granted, Marketing: Granted, SaleSharing: Refused}); !maps.Equal(decisions(dev), want) {
			t.Fatalf("device state after migration: %v", decisions(dev))
		}
		if n := count(t, d, "SELECT COUNT(*) FROM consent_events"); n != len(old) {
			t.Fatalf("%d events after migration", n)
		}
		if _, err := d.Exec(ctx, "DELETE FROM consent_events WHERE id = ?", old[0].id); err == nil {
			t.Fatal("delete allowed after migration")
		}
	})
}
