package cli

import (
	"strings"
	"testing"
)

func TestBreachLaws(t *testing.T) {
	r := run(t, noDB, "", "breach", "laws")
	if r.code != 0 {
		t.Fatalf("breach laws: %+v", r)
	}
	for label, want := range map[string][]string{
		"gdpr ":       {"authority 72 hours", "persons without undue delay", " 0 "},
		"pipeda ":     {"authority as soon as feasible", " 24 "},
		"quebec ":     {"CA-QC", "authority promptly", " 60 "},
		"california ": {"persons 30 calendar days", "authority 15 calendar days after the persons' notice (from 501 residents)"},
		"texas ":      {"(from 250 residents)"},
	} {
		l := line(t, r.stdout, label)
		for _, w := range want {
			if !strings.Contains(l, w) {
				t.Errorf("%s row lacks %q: %s", label, w, l)
			}
		}
	}
}

// The incident, from the command line: 72 clock hours from Friday
// 16:00 in Montreal end on Monday 16:00, the weekend counted.
func TestBreachDeadlines(t *testing.T) {
	r := run(t, noDB, "", "breach", "deadlines", "--aware", "2026-11-27T16:00", "--timezone", "America/Toronto",
		"--residents", "CA-QC=500,FR=400,CA-ON=300")
	if r.code != 0 {
		t.Fatalf("breach deadlines: %+v", r)
	}
	for label, want := range map[string]string{
		"gdpr/FR/authority ": "Commission nationale de l'informatique et des libertés (CNIL) 400 72 hours 2026-11-30 16:00 EST",
		"pipeda/authority ":  "Office of the Privacy Commissioner of Canada (OPC) 800 as soon as feasible —",
		"quebec/authority ":  "Commission d'accès à l'information du Québec (CAI) 500 promptly —",
		"quebec/persons ":    "the persons concerned 500 promptly —",
	} {
		if l := line(t, r.stdout, label); !strings.HasSuffix(l, want) {
			t.Errorf("%s: %q, want it to end with %q", label, l, want)
		}
	}
	r = run(t, noDB, "", "breach", "deadlines", "--aware", "2026-03-01T23:30", "--timezone", "America/Los_Angeles",
		"--residents", "US-CA=600,US-TX=100")
	for label, want := range map[string]string{
		"california/persons ":   "30 calendar days 2026-04-01 00:00 PDT",
		"california/authority ": "counted from the persons' notice",
		"texas/authority ":      "not required (fewer than 250 residents)",
	} {
		if l := line(t, r.stdout, label); !strings.HasSuffix(l, want) {
			t.Errorf("%s: %q, want it to end with %q", label, l, want)
		}
	}
	if r := run(t, noDB, "", "breach", "deadlines", "--aware", "yesterday", "--residents", "FR=1"); r.code == 0 || !strings.Contains(r.stderr, "--aware") {
		t.Errorf("bad --aware: %+v", r)
	}
	if r := run(t, noDB, "", "breach", "deadlines", "--aware", "2026-01-01T10:00", "--residents", "AQ=1"); r.code == 0 || !strings.Contains(r.stderr, "no breach law") {
		t.Errorf("unknown region: %+v", r)
	}
}
