package i18n

import "testing"

// Every message ID must exist in every language: a page must never show an
// ID or fall back to English for a French or Dutch reader.
func TestCatalogsHaveTheSameIDs(t *testing.T) {
	c := MustLoad()
	all := map[string]bool{}
	for _, l := range Langs {
		for _, id := range c.IDs(l) {
			all[id] = true
		}
	}
	if len(all) < 2 {
		t.Fatalf("catalogs look empty: %d IDs", len(all))
	}
	for id := range all {
		for _, l := range Langs {
			if !c.Has(l, id) {
				t.Errorf("message %q is missing in %s", id, l)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		header string
		want   Lang
	}{
		{"", EN},
		{"fr-CA,fr;q=0.9,en;q=0.8", FR},
		{"nl-BE", NL},
		{"de-DE", EN},
		{"de-DE,nl;q=0.5", NL},
		{"en-GB,fr;q=0.1", EN},
		{";;;garbage", EN},
	}
	for _, tc := range cases {
		if got := c.Match(tc.header, EN); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestFileLang(t *testing.T) {
	cases := []struct {
		name string
		want Lang
		ok   bool
	}{
		{"en.yaml", EN, true},
		{"breach.fr.yaml", FR, true},
		{"a.b.nl.yaml", NL, true},
		{"de.yaml", "", false},
		{"fr.yml", "", false},
		{"consent.yaml", "", false},
	}
	for _, tc := range cases {
		got, ok := fileLang(tc.name)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("fileLang(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
