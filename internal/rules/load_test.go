package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
)

func TestEmbeddedRules(t *testing.T) {
	set, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range set.Laws() {
		ids = append(ids, l.ID)
		for _, lang := range i18n.Langs {
			if l.Names[lang] == "" {
				t.Errorf("%s has no %s name", l.ID, lang)
			}
		}
		if l.AsOf.IsZero() || len(l.Sources) == 0 || len(l.Regions) == 0 || l.Authority.ComplaintURL == "" {
			t.Errorf("%s is incomplete: %+v", l.ID, l)
		}
		if !strings.HasPrefix(l.File, "embedded laws/"+l.ID+".yaml") {
			t.Errorf("%s comes from %s", l.ID, l.File)
		}
		if _, ok := l.Rule(Access); !ok {
			t.Errorf("%s does not recognise access requests", l.ID)
		}
		if _, ok := l.Rule(DPA); !ok {
			t.Errorf("%s does not list data processing agreements", l.ID)
		}
	}
	want := "ccpa cpa_co ctdpa gdpr lgpd pipeda quebec tdpsa uk_gdpr vcdpa"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("laws: %s, want %s", got, want)
	}
	var cals []string
	for _, c := range set.Calendars() {
		cals = append(cals, c.ID)
	}
	if got := strings.Join(cals, " "); got != "be ca_federal ca_qc fr gb_ew nl us_federal weekends" {
		t.Errorf("calendars: %s", got)
	}
	if Embedded().laws["gdpr"] == nil {
		t.Error("Embedded() is empty")
	}
}

func TestForRegion(t *testing.T) {
	set := Embedded()
	cases := map[string]string{
		"FR": "gdpr", "fr": "gdpr", "FR-75": "gdpr", "DE": "gdpr", "NO": "gdpr", "RE": "gdpr", " be ": "gdpr",
		"GB": "uk_gdpr", "GB-SCT": "uk_gdpr",
		"CA-QC": "quebec", "ca_qc": "quebec", "CA-ON": "pipeda", "CA": "pipeda",
		"US-CA": "ccpa", "US-VA": "vcdpa", "US-CO": "cpa_co", "US-CT": "ctdpa", "US-TX": "tdpsa",
		"BR": "lgpd", "BR-SP": "lgpd",
	}
	for code, want := range cases {
		l, err := set.LookupRegion(code)
		if err != nil || l.ID != want {
			t.Errorf("LookupRegion(%q) = %v, %v; want %s", code, l, err, want)
		}
	}
	errs := map[string]string{
		"US-NY": ErrNoLawForRegion, "US": ErrNoLawForRegion, "CH": ErrNoLawForRegion,
		"F": ErrInvalidRegion, "FRA": ErrInvalidRegion, "": ErrInvalidRegion, "FR-": ErrInvalidRegion, "F1": ErrInvalidRegion,
	}
	for code, id := range errs {
		_, err := set.LookupRegion(code)
		var le *i18n.Error
		if !errors.As(err, &le) || le.ID != id {
			t.Errorf("LookupRegion(%q) = %v, want %s", code, err, id)
		}
	}
	if _, err := set.Lookup("nope"); err == nil || err.(*i18n.Error).ID != ErrUnknownLaw {
		t.Errorf("Lookup(nope) = %v", err)
	}
	if l, err := set.Lookup(" GDPR "); err != nil || l.ID != "gdpr" {
		t.Errorf("Lookup(GDPR) = %v, %v", l, err)
	}
	gdpr, _ := set.Law("gdpr")
	if a := gdpr.AuthorityFor("FR"); !strings.Contains(a.Name, "CNIL") {
		t.Errorf("French authority: %+v", a)
	}
	if a := gdpr.AuthorityFor("RE"); !strings.Contains(a.Name, "CNIL") {
		t.Errorf("Réunion authority: %+v", a)
	}
	if a := gdpr.AuthorityFor("DE"); !strings.Contains(a.ComplaintURL, "edpb") {
		t.Errorf("default authority: %+v", a)
	}
}

// testLaw is a complete, valid law file for override tests. Its facts are
// made up: it only exercises the loader.
const testLaw = `kind: law
schema: 1
id: testlaw
revision: 1
as_of: 2026-11-23
names: {en: Test Privacy Act, fr: Loi d'essai, nl: Testwet}
regions: [US-OR]
authority:
  name: Test authority
  complaint_url: https://example.org/complaints
  label: K
sources:
  - id: tracker
    title: A tracker
    url: https://example.org/tracker
    label: K
counting:
  on_closed_day: stay
  calendar: us_federal
  cite: [tracker]
request_types:
  access:
    basis: section 1
    label: K
    deadline: {amount: 45, unit: calendar_days, start: receipt}
    acknowledge: {amount: 5, unit: business_days}
    extension: {amount: 45, unit: calendar_days, notify_within: {amount: 45, unit: calendar_days}}
    cite: [tracker]
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOverrides(t *testing.T) {
	dir := t.TempDir()
	orig, err := embedded.ReadFile("laws/gdpr.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// An operator's GDPR file with a later check date, under another file name.
	gdpr := strings.Replace(string(orig), "as_of: 2026-11-23", "as_of: 2027-01-15", 1)
	gdprPath := writeFile(t, dir, "our-gdpr.yaml", gdpr)
	writeFile(t, dir, "testlaw.yml", testLaw)
	// A French calendar with Good Friday added (as in Alsace-Moselle).
	fr, _ := embedded.ReadFile("calendars/fr.yaml")
	frAlsace := string(fr) + `  - id: good_friday
    names: {en: Good Friday, fr: Vendredi saint, nl: Goede Vrijdag}
    easter: -2
`
	writeFile(t, dir, "fr.yaml", frAlsace)
	writeFile(t, dir, "README.txt", "not a rules file")

	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := set.Law("gdpr")
	if l.AsOf != d(t, "2027-01-15") || l.File != gdprPath {
		t.Errorf("gdpr not replaced: %s from %s", l.AsOf, l.File)
	}
	// The replaced calendar is the one the law uses: Good Friday 3 April 2026
	// now moves a French deadline to Monday 6 April... which is Easter
	// Monday, so Tuesday 7 April.
	dl, err := l.Due(Access, d(t, "2026-03-03"), DueOptions{Region: "FR"})
	if err != nil || dl.Due != d(t, "2026-04-07") {
		t.Errorf("due with the operator's French calendar: %+v %v", dl, err)
	}
	added, ok := set.ForRegion("US-OR")
	if !ok || added.ID != "testlaw" {
		t.Fatalf("added law not found for US-OR: %v", added)
	}
	// 5 business days from Friday 20 Nov 2026, skipping Thanksgiving: 30 Nov.
	dl, err = added.Due(Access, d(t, "2026-11-20"), DueOptions{})
	if err != nil || dl.Acknowledge == nil || *dl.Acknowledge != d(t, "2026-11-30") || dl.Due != d(t, "2027-01-04") {
		t.Errorf("added law deadlines: %+v %v", dl, err)
	}
	// The embedded rules are untouched.
	if e, _ := Embedded().Law("gdpr"); e.AsOf != d(t, "2026-11-23") {
		t.Error("an override changed the embedded set")
	}
}

// lineOf is the 1-based line of the first line of content containing s.
func lineOf(t *testing.T, content, s string) int {
	t.Helper()
	for i, l := range strings.Split(content, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in test content", s)
	return 0
}

// lastLineOf is the 1-based line of the last line of content containing s.
func lastLineOf(t *testing.T, content, s string) int {
	t.Helper()
	n := 0
	for i, l := range strings.Split(content, "\n") {
		if strings.Contains(l, s) {
			n = i + 1
		}
	}
	if n == 0 {
		t.Fatalf("%q not in test content", s)
	}
	return n
}

func TestOverrideErrors(t *testing.T) {
	cases := []struct {
		name string
		old  string // replaced in testLaw
		new  string
		at   string // text on the line the error must point at
		want string
	}{
		{"misspelt key", "    cite: [tracker]\n", "    cite: [tracker]\n    deadlne: 3\n", "deadlne", `unknown field "deadlne"`},
		{"unknown unit", "deadline: {amount: 45, unit: calendar_days", "deadline: {amount: 45, unit: weeks", "unit: weeks", `request_types.access.deadline.unit: "weeks" is not a unit`},
		{"amount not a number", "acknowledge: {amount: 5,", "acknowledge: {amount: five,", "amount: five", "cannot unmarshal"},
		{"zero amount", "acknowledge: {amount: 5,", "acknowledge: {amount: 0,", "acknowledge:", "request_types.access.acknowledge.amount: must be between 1 and 1000"},
		{"missing Dutch name", ", nl: Testwet}", "}", "names:", "names: the nl name is missing"},
		{"unknown language", ", nl: Testwet}", ", nl: Testwet, de: Testgesetz}", "names:", `names.de: unknown language "de"`},
		{"unknown calendar", "calendar: us_federal", "calendar: us_oregon", "calendar: us_oregon", `counting.calendar: no calendar has the id "us_oregon"`},
		{"region of another law", "regions: [US-OR]", "regions: [US-OR, FR]", "regions:", `regions[1]: FR already belongs to law "gdpr"`},
		{"lower-case region", "regions: [US-OR]", "regions: [us-or]", "regions:", `regions[0]: "us-or" is not an upper-case ISO 3166 code`},
		{"unknown request type", "  access:\n", "  deletion:\n", "deletion:", `request_types.deletion: "deletion" is not a request type`},
		{"extension counted differently", "extension: {amount: 45, unit: calendar_days", "extension: {amount: 2, unit: calendar_months", "extension:", "request_types.access.extension.unit: must be counted like the deadline"},
		{"unknown source cited", "    cite: [tracker]\n", "    cite: [tracker, nowhere]\n", "nowhere", `request_types.access.cite[1]: no source has the id "nowhere"`},
		{"no deadline and no no_deadline", "    deadline: {amount: 45, unit: calendar_days, start: receipt}\n", "", "  access:", "request_types.access: give a deadline, or no_deadline: true"},
		{"unknown start", "start: receipt", "start: verification", "start: verification", `request_types.access.deadline.start: "verification" is not a start`},
		{"bad closed-day rule", "on_closed_day: stay", "on_closed_day: skip", "on_closed_day", `counting.on_closed_day: "skip" is not a rule`},
		{"newer schema", "schema: 1", "schema: 2", "schema:", "schema: this version of Garde reads schema 1, not 2"},
		{"bad as_of", "as_of: 2026-11-23", "as_of: 2026-02-30", "as_of:", `as_of: "2026-02-30" is not a date`},
		{"bad source URL", "url: https://example.org/tracker", "url: example.org/tracker", "url: example.org", `sources[0].url: "example.org/tracker" is not an http(s) address`},
		{"bad label", "    label: K\n    deadline", "    label: maybe\n    deadline", "label: maybe", `request_types.access.label: must be S`},
		{"wrong kind", "kind: law", "kind: statute", "kind:", `kind: must be law or calendar, not "statute"`},
		// The parser notices the missing "]" on the next line.
		{"broken YAML", "regions: [US-OR]", "regions: [US-OR", "authority:", "must be specified"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(testLaw, tc.old) {
				t.Fatalf("test content lacks %q", tc.old)
			}
			content := strings.Replace(testLaw, tc.old, tc.new, 1)
			dir := t.TempDir()
			path := writeFile(t, dir, "testlaw.yaml", content)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			where := fmt.Sprintf("%s:%d:", path, lineOf(t, content, tc.at))
			if !strings.Contains(msg, where) || !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q\nwant it to contain %q and %q", msg, where, tc.want)
			}
		})
	}
}

func TestCalendarOverrideErrors(t *testing.T) {
	base, _ := embedded.ReadFile("calendars/be.yaml")
	cases := []struct {
		name, old, new, at, want string
	}{
		{"two forms", "    easter: 39\n", "    easter: 39\n    date: \"05-14\"\n", "- id: ascension", "holidays[3]: give exactly one of date, easter or weekday"},
		{"bad date", `date: "07-21"`, `date: "07-32"`, `date: "07-32"`, `holidays[5].date: "07-32" is not a day of the year`},
		{"29 February", `date: "07-21"`, `date: "02-29"`, `date: "02-29"`, `holidays[5].date: "02-29" is not a day of the year`},
		{"all week closed", "closed_weekdays: [saturday, sunday]", "closed_weekdays: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]", "closed_weekdays", "closed_weekdays: at least one day of the week must be a working day"},
		{"bad weekday", "closed_weekdays: [saturday, sunday]", "closed_weekdays: [saturday, sundae]", "closed_weekdays", `closed_weekdays[1]: "sundae" is not a day of the week`},
		{"duplicate holiday id", "  - id: christmas", "  - id: armistice", "- id: armistice", `holidays[9].id: "armistice" is used twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(base), tc.old) {
				t.Fatalf("be.yaml lacks %q", tc.old)
			}
			content := strings.Replace(string(base), tc.old, tc.new, 1)
			dir := t.TempDir()
			path := writeFile(t, dir, "be.yaml", content)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("accepted")
			}
			where := fmt.Sprintf("%s:%d:", path, lastLineOf(t, content, tc.at))
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("one broken calendar gave several errors: %q", err)
			}
			if !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q\nwant it to contain %q and %q", err, where, tc.want)
			}
		})
	}
}

func TestOverrideDirectoryProblems(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "rules directory") {
		t.Errorf("missing directory: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", testLaw)
	writeFile(t, dir, "b.yaml", testLaw)
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), `law "testlaw" is already defined in `+filepath.Join(dir, "a.yaml")) {
		t.Errorf("duplicate ids: %v", err)
	}
}

// Every sentence a page shows about a rule exists in every language.
func TestDescribe(t *testing.T) {
	cat := i18n.MustLoad()
	set := Embedded()
	for _, l := range set.Laws() {
		for _, typ := range l.Types() {
			for _, lang := range i18n.Langs {
				lines := l.Describe(cat.For(lang), typ, "")
				if len(lines) == 0 {
					t.Errorf("%s %s %s: no description", l.ID, typ, lang)
				}
				for _, s := range lines {
					if strings.Contains(s, "rules.") || strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
						t.Errorf("%s %s %s: %q", l.ID, typ, lang, s)
					}
				}
			}
			if name := cat.For(i18n.FR).T(typ.MessageID()); name == typ.MessageID() {
				t.Errorf("no French name for %s", typ)
			}
		}
	}
	gdpr, _ := set.Law("gdpr")
	want := map[i18n.Lang]string{i18n.EN: "1 calendar month", i18n.FR: "1 mois", i18n.NL: "1 kalendermaand"}
	for lang, s := range want {
		if got := strings.Join(gdpr.Describe(cat.For(lang), Access, "FR"), " "); !strings.Contains(got, s) {
			t.Errorf("%s: %q lacks %q", lang, got, s)
		}
	}
	ccpa, _ := set.Law("ccpa")
	got := strings.Join(ccpa.Describe(cat.For(i18n.EN), Access, ""), " ")
	for _, s := range []string{"45 calendar days", "10 business days", "does not move", "extended by 45 calendar days"} {
		if !strings.Contains(got, s) {
			t.Errorf("CCPA description %q lacks %q", got, s)
		}
	}
	uk, _ := set.Law("uk_gdpr")
	if got := strings.Join(uk.Describe(cat.For(i18n.EN), Access, ""), " "); !strings.Contains(got, "clock stops") || !strings.Contains(got, "England and Wales") {
		t.Errorf("UK description: %q", got)
	}
}
