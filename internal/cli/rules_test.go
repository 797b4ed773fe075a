package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The rules commands must work with no database at all: this environment
// points at one that cannot be reached.
var noDB = []string{"GARDE_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=1", "GARDE_DATA=/nonexistent-garde-dir"}

// line finds the output line starting with label and squeezes its spaces.
func line(t *testing.T, out, label string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, label) {
			return strings.Join(strings.Fields(l), " ")
		}
	}
	t.Fatalf("no %q line in:\n%s", label, out)
	return ""
}

func TestRulesList(t *testing.T) {
	r := run(t, noDB, "", "rules", "list")
	if r.code != 0 {
		t.Fatalf("rules list: %+v", r)
	}
	if !regexp.MustCompile(`^ID\s+NAME\s+REGIONS\s+AS OF\s+SOURCES\n`).MatchString(r.stdout) {
		t.Fatalf("header: %q", r.stdout)
	}
	for _, id := range []string{"ccpa", "cpa_co", "ctdpa", "gdpr", "lgpd", "pipeda", "quebec", "tdpsa", "uk_gdpr", "vcdpa"} {
		if !regexp.MustCompile(`(?m)^` + id + `\s+\S.*\s+2026-11-23\s+\d+$`).MatchString(r.stdout) {
			t.Errorf("no row for %s in:\n%s", id, r.stdout)
		}
	}
	if l := line(t, r.stdout, "quebec "); !strings.Contains(l, " CA-QC ") || !strings.Contains(l, "Law 25") {
		t.Errorf("quebec row: %q", l)
	}
	if l := line(t, r.stdout, "gdpr "); !strings.Contains(l, "BE,") || !strings.Contains(l, "NL,") {
		t.Errorf("gdpr row: %q", l)
	}
}

func TestRulesDue(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want map[string]string // label → text the line must contain
	}{
		{"GDPR, 31 January, due date on a Saturday",
			[]string{"--law", "gdpr", "--type", "access", "--received", "2026-01-31", "--establishment", "FR"},
			map[string]string{
				"Due:":            "2026-03-02 (Monday)",
				"Legal deadline:": "2026-03-02 (Monday)",
				"Acknowledge by:": "not required",
				"If extended:":    "2026-04-30 (Thursday); tell the person by 2026-03-02 (Monday)",
				"Holidays:":       "France [fr]",
				"Law:":            "[gdpr], rules as of 2026-11-23",
				"Request:":        "Access to personal data, received 2026-01-31 (Saturday)",
			}},
		{"GDPR leap day",
			[]string{"--law", "gdpr", "--type", "erasure", "--received", "2028-02-29", "--region", ""},
			nil},
		{"PIPEDA",
			[]string{"--law", "pipeda", "--type", "access", "--received", "2026-01-31"},
			map[string]string{"Due:": "2026-03-02 (Monday)", "If extended:": "2026-04-01 (Wednesday); tell the person by 2026-03-02"}},
		{"Quebec by region, Fête nationale",
			[]string{"--region", "ca-qc", "--type", "access", "--received", "2026-05-25"},
			map[string]string{"Due:": "2026-06-25 (Thursday)", "If extended:": "no extension allowed", "Law:": "[quebec]", "Holidays:": "Quebec [ca_qc]"}},
		{"CCPA by region, acknowledgement across Thanksgiving",
			[]string{"--region", "US-CA", "--type", "erasure", "--received", "2026-11-20"},
			map[string]string{"Due:": "2027-01-04 (Monday)", "Acknowledge by:": "2026-12-07 (Monday)", "If extended:": "2027-02-18 (Thursday)"}},
		{"CCPA with an internal target",
			[]string{"--law", "ccpa", "--type", "access", "--received", "2026-11-20", "--target-days", "20"},
			map[string]string{"Due:": "2026-12-10 (Thursday)", "Internal target:": "2026-12-10", "Legal deadline:": "2027-01-04"}},
		{"CCPA due on a Saturday is not moved",
			[]string{"--law", "ccpa", "--type", "access", "--received", "2026-01-21"},
			map[string]string{"Due:": "2026-03-07 (Saturday)"}},
		{"UK with a clarification pause",
			[]string{"--law", "uk_gdpr", "--type", "access", "--received", "2026-03-02", "--pause", "2026-03-05..2026-03-12"},
			map[string]string{"Due:": "2026-04-09 (Thursday)", "Paused:": "7 days", "Holidays:": "England and Wales"}},
		{"data processing agreement with a target",
			[]string{"--law", "gdpr", "--type", "dpa", "--received", "2026-01-31", "--target-days", "15"},
			map[string]string{"Due:": "2026-02-15", "Legal deadline:": "none set by the law"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, noDB, "", append([]string{"rules", "due"}, tc.args...)...)
			if tc.want == nil {
				// --region "" with --law is fine; the leap day is checked below.
				if r.code != 0 || !strings.Contains(line(t, r.stdout, "Due:"), "2028-03-29 (Wednesday)") {
					t.Fatalf("%+v", r)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("%+v", r)
			}
			for label, want := range tc.want {
				if l := line(t, r.stdout, label); !strings.Contains(l, want) {
					t.Errorf("%s line %q lacks %q", label, l, want)
				}
			}
			if !strings.Contains(r.stdout, "How it is counted:\n  ") {
				t.Errorf("no explanation:\n%s", r.stdout)
			}
		})
	}
}

func TestRulesDueBadInput(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown law", []string{"--law", "xyz", "--type", "access", "--received", "2026-01-31"}, "No law has the id “xyz”"},
		{"type the law does not recognise", []string{"--law", "quebec", "--type", "restriction", "--received", "2026-01-31"}, "The law “quebec” does not recognise requests of type “restriction”"},
		{"unknown type", []string{"--law", "gdpr", "--type", "delete", "--received", "2026-01-31"}, "“delete” is not a request type"},
		{"impossible date", []string{"--law", "gdpr", "--type", "access", "--received", "2026-02-30"}, "“2026-02-30” is not a valid date"},
		{"date in another format", []string{"--law", "gdpr", "--type", "access", "--received", "31/01/2026"}, "“31/01/2026” is not a valid date"},
		{"law and region", []string{"--law", "gdpr", "--region", "FR", "--type", "access", "--received", "2026-01-31"}, "either --law or --region"},
		{"neither law nor region", []string{"--type", "access", "--received", "2026-01-31"}, "either --law or --region"},
		{"no received date", []string{"--law", "gdpr", "--type", "access"}, "--type and --received are required"},
		{"region without a law", []string{"--region", "US-NY", "--type", "access", "--received", "2026-01-31"}, "no data protection law for the region “US-NY”"},
		{"malformed region", []string{"--region", "France", "--type", "access", "--received", "2026-01-31"}, "“France” is not a country or region code"},
		{"pause under the GDPR", []string{"--law", "gdpr", "--type", "access", "--received", "2026-03-02", "--pause", "2026-03-05..2026-03-12"}, "does not let the clock stop"},
		{"malformed pause", []string{"--law", "uk_gdpr", "--type", "access", "--received", "2026-03-02", "--pause", "2026-03-05"}, "“2026-03-05” is not a valid date"},
		{"negative target", []string{"--law", "gdpr", "--type", "access", "--received", "2026-03-02", "--target-days", "-3"}, "between 1 and 3650 days"},
		{"target not a number", []string{"--law", "gdpr", "--type", "access", "--received", "2026-03-02", "--target-days", "soon"}, "invalid argument"},
		{"contract without a target", []string{"--law", "gdpr", "--type", "dpa", "--received", "2026-03-02"}, "set an internal target"},
		{"clock start under the GDPR", []string{"--law", "gdpr", "--type", "access", "--received", "2026-03-02", "--clock-start", "2026-03-04"}, "the clock starts on receipt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, noDB, "", append([]string{"rules", "due"}, tc.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("want exit 1 mentioning %q, got %+v", tc.want, r)
			}
			if strings.Count(r.stderr, "\n") != 1 || strings.Contains(r.stderr, "goroutine") || r.stdout != "" {
				t.Fatalf("not a clean one-line error: %+v", r)
			}
		})
	}
}

func TestRulesHolidaysAndOverrides(t *testing.T) {
	r := run(t, noDB, "", "rules", "holidays", "nl", "--year", "2025")
	if r.code != 0 || !regexp.MustCompile(`2025-04-26 \(Saturday\)\s+King's Day`).MatchString(r.stdout) || strings.Contains(r.stdout, "04-27") {
		t.Fatalf("holidays nl 2025: %+v", r)
	}
	r = run(t, noDB, "", "rules", "holidays", "gb_ew", "--year", "2027")
	if r.code != 0 || !regexp.MustCompile(`2027-12-27 \(Monday\)\s+Christmas Day \(substitute day\)`).MatchString(r.stdout) {
		t.Fatalf("holidays gb_ew 2027: %+v", r)
	}
	r = run(t, noDB, "", "rules", "holidays")
	if r.code != 0 || !strings.Contains(r.stdout, "ca_qc") || !strings.Contains(r.stdout, "us_federal") {
		t.Fatalf("calendar list: %+v", r)
	}
	if r := run(t, noDB, "", "rules", "holidays", "mars"); r.code != 1 || !strings.Contains(r.stderr, `no calendar has the id "mars"`) {
		t.Fatalf("unknown calendar: %+v", r)
	}

	// An operator's rules directory: a broken file is reported with its line.
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(bad, []byte("kind: law\nschema: 1\nid: broken\nrevison: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, noDB, "", "rules", "list", "--rules-dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, bad+":4:1:") || !strings.Contains(r.stderr, `unknown field "revison"`) {
		t.Fatalf("broken override: %+v", r)
	}
	if r := run(t, noDB, "", "rules", "list", "--rules-dir", filepath.Join(dir, "missing")); r.code != 1 || !strings.Contains(r.stderr, "rules_dir (from flag --rules-dir): must be an existing directory") {
		t.Fatalf("missing rules directory: %+v", r)
	}
}
