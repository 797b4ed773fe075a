package consent

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestExportAndReceipt: the proof export holds every event of the period in
// both formats, values a spreadsheet would run are defused, the export is
// audited, and a receipt carries the Kantara v1.1 fields.
func TestExportAndReceipt(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, clk := newTestService(t, d)
		ctx := t.Context()
		start := clk.t
		var ids []string
		for i, subj := range []string{"=HYPERLINK(\"x\")", "cust-2", "cust-3"} {
			clk.t = start.Add(time.Duration(i) * time.Minute)
			e, err := s.Record(ctx, "token:t", EventInput{SubjectID: subj, Granted: []string{"analytics"},
				Refused: []string{"marketing"}, Method: "express", Source: "form", Language: "nl"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		var buf bytes.Buffer
		n, err := s.Export(ctx, "operator:o1", &buf, ExportCSV, start, start.Add(2*time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("csv export: %d %v", n, err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][0] != "id" || rows[1][0] != ids[0] || rows[2][0] != ids[1] ||
			rows[1][5] != `'=HYPERLINK("x")` || rows[1][7] != "analytics" || rows[1][8] != "marketing" {
			t.Fatalf("csv rows: %q", rows)
		}
		buf.Reset()
		if n, err := s.Export(ctx, "operator:o1", &buf, ExportJSON, start, start.Add(time.Hour)); err != nil || n != 3 {
			t.Fatalf("json export: %d %v", n, err)
		}
		var recs []ExportRecord
		if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
			t.Fatalf("%v: %s", err, buf.String())
		}
		if len(recs) != 3 || recs[2].ID != ids[2] || recs[2].SubjectID != "cust-3" || recs[2].Language != "nl" {
			t.Fatalf("json records: %+v", recs)
		}
		if _, err := s.Export(ctx, "operator:o1", &buf, ExportJSON, start, start); err != ErrExportRange {
			t.Fatalf("empty period: %v", err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.exported' AND actor = 'operator:o1'"); n != 2 {
			t.Fatalf("export audit entries: %d", n)
		}

		r, err := s.Receipt(ctx, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(r)
		var m map[string]any
		json.Unmarshal(raw, &m)
		for _, k := range []string{"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID",
			"piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive"} {
			if _, ok := m[k]; !ok {
				t.Errorf("receipt lacks %s", k)
			}
		}
		if r.Version != "KI-CR-v1.1.0" || r.ConsentReceiptID != ids[1] || r.PIIPrincipalID != "cust-2" ||
			r.ConsentTimestamp != start.Add(time.Minute).Unix() || r.Jurisdiction != "CA-QC" || r.Language != "nl" ||
			r.PIIControllers[0].PIIController != "Boutique Exemple" || len(r.Services[0].Purposes) != 2 ||
			r.Services[0].Purposes[0].ConsentType != "EXPLICIT" || r.Services[0].Purposes[1].ConsentType != "REFUSED" {
			t.Fatalf("receipt: %s", raw)
		}
		if _, err := s.Receipt(ctx, "0190d9c2-0000-7000-8000-000000000000"); err != ErrNotFound {
			t.Fatalf("receipt of nothing: %v", err)
		}
	})
}
