package consent

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestLedgerStateHistoryWithdrawal is the store contract on both engines:
// events append, the state per subject and per device follows the latest
// choice, history lists newest first, a withdrawal refuses what was granted
// and an older imported choice never overrides a newer one.
func TestLedgerStateHistoryWithdrawal(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, clk := newTestService(t, d)
		ctx := t.Context()
		h := Holder{SubjectID: "cust-42"}
		dev := Holder{DeviceID: "a1b2c3"}

		first, err := s.Record(ctx, "token:t1", EventInput{SubjectID: h.SubjectID, DeviceID: dev.DeviceID,
			Granted: []string{"analytics", "marketing"}, Refused: []string{"sale_sharing"}, Method: "express",
			Source: "checkout", NoticeVersion: "2026-01", Language: "fr-CA"})
		if err != nil {
			t.Fatal(err)
		}
		for _, holder := range []Holder{h, dev} {
			got, err := s.States(ctx, holder)
			if err != nil {
				t.Fatal(err)
			}
			want := map[Purpose]Decision{Analytics: Granted, Marketing: Granted, SaleSharing: Refused}
			if !maps.Equal(decisions(got), want) {
				t.Fatalf("%+v: states %v", holder, decisions(got))
			}
		}

		clk.t = clk.t.Add(time.Hour)
		second, err := s.Record(ctx, "token:t1", EventInput{SubjectID: h.SubjectID, Refused: []string{"marketing"},
			Method: "express", Source: "form"})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Check(ctx, h, "marketing"); st.Decision != Refused || st.EventID != second.ID {
			t.Fatalf("marketing after refusal: %+v", st)
		}
		// The device was not named by the second event: it keeps its grant.
		if st, _ := s.Check(ctx, dev, "marketing"); st.Decision != Granted || st.EventID != first.ID {
			t.Fatalf("device marketing: %+v", st)
		}
		if st, _ := s.Check(ctx, h, "necessary"); st.Decision != Granted {
			t.Fatalf("necessary: %+v", st)
		}
		if st, _ := s.Check(ctx, h, "preferences"); st.Decision != None {
			t.Fatalf("unanswered purpose: %+v", st)
		}

		// An import of an older choice is recorded but does not win.
		old := clk.t.Add(-30 * 24 * time.Hour)
		if _, err := s.Record(ctx, "token:t1", EventInput{SubjectID: h.SubjectID, Granted: []string{"marketing"},
			Method: "express", Source: "import", GivenAt: &old}); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.Check(ctx, h, "marketing"); st.Decision != Refused {
			t.Fatalf("older import overrode the state: %+v", st)
		}

		clk.t = clk.t.Add(time.Hour)
		w, err := s.Withdraw(ctx, "token:t1", h, nil, SourceAPI)
		if err != nil {
			t.Fatal(err)
		}
		if w.Kind != KindWithdrawal || strings.Join(purposeStrings(w.Refused), ",") != "analytics" {
			t.Fatalf("withdrawal refuses %v (kind %s)", w.Refused, w.Kind)
		}
		if st, _ := s.Check(ctx, h, "analytics"); st.Decision != Refused || st.EventID != w.ID {
			t.Fatalf("analytics after withdrawal: %+v", st)
		}

		hist, err := s.History(ctx, h, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 4 || hist[0].ID != w.ID || hist[3].ID != first.ID {
			t.Fatalf("history: %d events, first %s", len(hist), hist[0].ID)
		}
		got, err := s.Event(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Language != "fr-CA" || got.NoticeVersion != "2026-01" || got.Source != SourceCheckout ||
			!got.RecordedAt.Equal(first.RecordedAt) || len(got.Granted) != 2 || got.Actor != "token:t1" {
			t.Fatalf("stored event: %+v", got)
		}
		if _, err := s.Event(ctx, "not-an-id"); err != ErrNotFound {
			t.Fatalf("bad id: %v", err)
		}
		// Each event by a token is in the audit log.
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action IN ('consent.choice', 'consent.withdrawal')"); n != 4 {
			t.Fatalf("audit entries: %d", n)
		}
	})
}

// TestLedgerIsAppendOnly: the database itself refuses to change or remove
// an event, on both engines.
func TestLedgerIsAppendOnly(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		e, err := s.Record(t.Context(), ActorPublic, EventInput{DeviceID: "dev-1", Refused: []string{"analytics"},
			Method: "express", Source: "banner"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(t.Context(), "UPDATE consent_events SET refused = '' WHERE id = ?", e.ID); err == nil ||
			!strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update allowed: %v", err)
		}
		if _, err := d.Exec(t.Context(), "DELETE FROM consent_events WHERE id = ?", e.ID); err == nil ||
			!strings.Contains(err.Error(), "append-only") {
			t.Fatalf("delete allowed: %v", err)
		}
		if d.Dialect == db.Postgres {
			// TRUNCATE fires no row trigger: a statement trigger refuses it.
			if _, err := d.Exec(t.Context(), "TRUNCATE consent_events"); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("truncate allowed: %v", err)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM consent_events WHERE refused = ?", "analytics"); n != 1 {
			t.Fatalf("event changed: %d", n)
		}
		// A banner's choice for a device alone is not audited: the ledger is its proof.
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE target = ?", "consent:"+e.ID); n != 0 {
			t.Fatalf("audited device choice: %d", n)
		}
	})
}

// TestLedgerRefusesBadEvents: every problem is named with its stable code,
// and nothing is written.
func TestLedgerRefusesBadEvents(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, clk := newTestService(t, d)
		future := clk.t.Add(time.Hour)
		ancient := clk.t.AddDate(-11, 0, 0)
		cases := []struct {
			name string
			in   EventInput
			want map[string]string
		}{
			{"nobody", EventInput{Granted: []string{"analytics"}, Method: "express", Source: "api"},
				map[string]string{FieldSubject: "consent.error.holder_required"}},
			{"unknown purpose", EventInput{SubjectID: "c1", Granted: []string{"analytics", "telepathy"}, Method: "express", Source: "api"},
				map[string]string{FieldGranted: "consent.error.purpose_unknown"}},
			{"no purpose", EventInput{SubjectID: "c1", Method: "express", Source: "api"},
				map[string]string{FieldGranted: "consent.error.purposes_required"}},
			{"both ways", EventInput{SubjectID: "c1", Granted: []string{"analytics"}, Refused: []string{"analytics"}, Method: "express", Source: "api"},
				map[string]string{FieldRefused: "consent.error.purpose_twice"}},
			{"necessary refused", EventInput{SubjectID: "c1", Refused: []string{"necessary"}, Method: "express", Source: "api"},
				map[string]string{FieldRefused: "consent.error.necessary_refused"}},
			{"everything wrong", EventInput{SubjectID: " c1", DeviceID: strings.Repeat("x", 201), Granted: []string{"analytics"},
				Method: "maybe", Source: "carrier pigeon", NoticeVersion: strings.Repeat("v", 65), Language: "français", GivenAt: &future},
				map[string]string{FieldSubject: "consent.error.id_invalid", FieldDevice: "consent.error.id_long",
					FieldMethod: "consent.error.method_invalid", FieldSource: "consent.error.source_invalid",
					FieldNotice: "consent.error.notice_long", FieldLanguage: "consent.error.language_invalid",
					FieldGivenAt: "consent.error.given_at_future"}},
			{"too old", EventInput{SubjectID: "c1", Granted: []string{"analytics"}, Method: "express", Source: "import", GivenAt: &ancient},
				map[string]string{FieldGivenAt: "consent.error.given_at_old"}},
			{"unknown site", EventInput{SiteID: "0190d9c2-0000-7000-8000-000000000000", DeviceID: "d", Granted: []string{"analytics"}, Method: "express", Source: "banner"},
				map[string]string{FieldSite: "consent.error.site_not_found"}},
		}
		for _, c := range cases {
			_, err := s.Record(t.Context(), "token:t", c.in)
			got := fieldIDs(t, err)
			if !maps.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		if n := count(t, d, "SELECT COUNT(*) FROM consent_events"); n != 0 {
			t.Fatalf("%d events written", n)
		}
		if _, err := s.Check(t.Context(), Holder{}, "analytics"); err != ErrHolderNeeded {
			t.Fatalf("check without holder: %v", err)
		}
		if _, err := s.Check(t.Context(), Holder{SubjectID: "c1"}, "DROP TABLE"); err == nil {
			t.Fatal("check of a malformed purpose answered")
		}
	})
}

// TestSitePurposesBoundTheLedger: a site's own purposes are the only ones
// its events may name.
func TestSitePurposesBoundTheLedger(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _ := newTestService(t, d)
		ctx := t.Context()
		site, err := s.CreateSite(ctx, "token:t", SiteInput{Name: "Shop", Origins: []string{"https://Shop.example/", "https://shop.example"},
			Purposes: []string{"analytics", "newsletter"}, NoticeVersion: "v3"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(site.Origins, " ") != "https://shop.example" || strings.Join(purposeStrings(site.Purposes), " ") != "necessary analytics newsletter" ||
			site.ReaskMonths != DefaultReaskMonths {
			t.Fatalf("site: %+v", site)
		}
		if !site.AllowsOrigin("https://shop.example") || site.AllowsOrigin("https://evil.example") || site.AllowsOrigin("null") {
			t.Fatal("origin check")
		}
		e, err := s.Record(ctx, ActorPublic, EventInput{SiteID: site.ID, DeviceID: "d1", Granted: []string{"newsletter"}, Method: "express", Source: "banner"})
		if err != nil {
			t.Fatal(err)
		}
		if e.NoticeVersion != "v3" {
			t.Fatalf("notice version from the site: %q", e.NoticeVersion)
		}
		_, err = s.Record(ctx, ActorPublic, EventInput{SiteID: site.ID, DeviceID: "d1", Granted: []string{"marketing"}, Method: "express", Source: "banner"})
		if got := fieldIDs(t, err); got[FieldGranted] != "consent.error.purpose_unknown" {
			t.Fatalf("purpose outside the site: %v", got)
		}

		_, err = s.CreateSite(ctx, "token:t", SiteInput{Origins: []string{"https://shop.example/path", "javascript:alert(1)"},
			Purposes: []string{"Bad Name"}, ReaskMonths: 99, PolicyURL: "ftp://x"})
		got := fieldIDs(t, err)
		want := map[string]string{FieldName: "consent.error.site_name_required", FieldOrigins: "consent.error.origin_invalid",
			FieldPurposes: "consent.error.purpose_name_invalid", FieldNotice: "consent.error.notice_required",
			FieldReask: "consent.error.reask_invalid", FieldPolicy: "consent.error.policy_url_invalid"}
		if !maps.Equal(got, want) {
			t.Fatalf("bad site: %v", sortedKeys(got))
		}

		up, err := s.UpdateSite(ctx, "token:t", site.ID, SiteInput{Name: "Shop", Origins: []string{"https://shop.example"},
			NoticeVersion: "v4", ReaskMonths: 12, PolicyURL: "https://shop.example/privacy"})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Site(ctx, site.ID)
		if err != nil || again.NoticeVersion != "v4" || again.ReaskMonths != 12 || !again.CreatedAt.Equal(site.CreatedAt) ||
			len(again.Purposes) != len(DefaultPurposes) || again.PolicyURL != up.PolicyURL {
			t.Fatalf("updated site: %+v %v", again, err)
		}
		if _, err := s.UpdateSite(ctx, "token:t", "0190d9c2-0000-7000-8000-000000000000", SiteInput{Name: "x",
			Origins: []string{"https://a.example"}, NoticeVersion: "1"}); err != ErrSiteNotFound {
			t.Fatalf("update of a missing site: %v", err)
		}
		list, err := s.Sites(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("sites: %d %v", len(list), err)
		}
	})
}

// TestStateOfEqualGivenTimes: two choices given at the same instant (an
// import and a live choice, say) leave the one recorded last, whatever
// order they sit in the ledger.
func TestStateOfEqualGivenTimes(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, clk := newTestService(t, d)
		given := clk.t.Add(-time.Hour)
		mk := func(id string, recorded time.Time, granted bool) *Event {
			e := &Event{ID: id, DeviceID: "dev-tie", Kind: KindChoice, Method: Express, Source: SourceImport,
				Actor: "token:t", GivenAt: given, RecordedAt: recorded}
			if granted {
				e.Granted = []Purpose{Analytics}
			} else {
				e.Refused = []Purpose{Analytics}
			}
			return e
		}
		// The later recording has the smaller id: recording time decides.
		later := mk("0190d9c2-0000-7000-8000-000000000001", clk.t, false)
		earlier := mk("0190d9c2-0000-7000-8000-000000000002", clk.t.Add(-time.Minute), true)
		if err := d.InTx(t.Context(), func(tx *db.Tx) error {
			return s.store.InsertEvents(t.Context(), tx, []*Event{later, earlier})
		}); err != nil {
			t.Fatal(err)
		}
		st, err := s.Check(t.Context(), Holder{DeviceID: "dev-tie"}, "analytics")
		if err != nil || st.Decision != Refused || st.EventID != later.ID {
			t.Fatalf("state: %+v %v", st, err)
		}
	})
}
