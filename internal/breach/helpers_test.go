package breach

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/rules"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

const actor = "operator:0190a7e0-0000-7000-8000-000000000001"

func newTestService(t *testing.T, d *db.DB, clock *testClock) *Service {
	t.Helper()
	s, err := NewService(Deps{DB: d, Audit: audit.New(d), Rules: rules.Embedded(), Catalog: i18n.MustLoad(),
		Location: zone(t, "America/Toronto"), Organization: "Boutique Lumière inc.", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// quebecFranceOntario is the incident: 1,200 customers of a shop
// in Quebec, living in Quebec, France and Ontario.
func quebecFranceOntario(aware time.Time) Facts {
	return Facts{
		Title:            "Customer export left on a public file share",
		Description:      "A customer export was stored on a file share reachable without a password.",
		Cause:            "A misconfigured sharing link.",
		OccurredAt:       aware.Add(-48 * time.Hour),
		AwareAt:          aware,
		AwareHow:         "A customer reported the link.",
		Kinds:            []Kind{Confidentiality},
		Categories:       []string{"user.contact.email", "user.name", "user.contact.address"},
		Persons:          1200,
		Records:          1350,
		Residents:        map[string]int{"CA-QC": 500, "FR": 400, "CA-ON": 300},
		Systems:          "Shop back office",
		PriorMeasures:    "None: the export was not encrypted.",
		Consequences:     "Phishing using the names and addresses.",
		Measures:         "The link was removed and access logs reviewed.",
		Advice:           "Watch for messages pretending to come from the shop.",
		ContactName:      "Marie Tremblay",
		ContactEmail:     "vie.privee@lumiere.example",
		ContactPhone:     "+1 514 555 0100",
		EnterpriseNumber: "1234567890",
	}
}

func auditActions(t *testing.T, d *db.DB, id string) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT action FROM audit_log WHERE target = ? ORDER BY seq`, "breach:"+id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func obligation(t *testing.T, v *View, key string) Obligation {
	t.Helper()
	for _, o := range v.Obligations {
		if o.Key == key {
			return o
		}
	}
	t.Fatalf("no obligation %s", key)
	return Obligation{}
}
