package consent

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(crashChildEnv); url != "" {
		serveCrashChild(url)
		return
	}
	os.Exit(dbtest.Main(m))
}

func decodeJSON(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// clock is a settable time for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestService(t *testing.T, d *db.DB) (*Service, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	s := NewService(Deps{DB: d, Audit: audit.New(d), Now: c.now,
		Controller: Controller{Name: "Boutique Exemple", Email: "privacy@shop.example", URL: "https://privacy.shop.example", Jurisdiction: "CA-QC"}})
	return s, c
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func decisions(states []State) map[Purpose]Decision {
	out := map[Purpose]Decision{}
	for _, s := range states {
		out[s.Purpose] = s.Decision
	}
	return out
}

func fieldIDs(t *testing.T, err error) map[string]string {
	t.Helper()
	fe, ok := err.(FieldErrors)
	if !ok {
		t.Fatalf("want FieldErrors, got %T %v", err, err)
	}
	out := map[string]string{}
	for k, v := range fe {
		out[k] = v.ID
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
