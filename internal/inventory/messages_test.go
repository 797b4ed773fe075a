package inventory

import (
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
)

// TestEveryRefusalHasAMessage refuses a file with one mistake of each kind
// and checks each reason has its own message in every language.
func TestEveryRefusalHasAMessage(t *testing.T) {
	file := `organisation:
  legal_name: ""
  country: Canada
  quebec_enterprise_number: "12"
  email: nobody
  website: www.example.com
  effective_date: soon
  jurisdictions: [mars]
  privacy_officer: {title: {de: Chef}}
security:
  electronic: [magic]
cookies:
  - {name: "", purpose: "", duration_days: -1}
systems:
  - {key: "Bad Key", name: "", kind: ""}
  - {key: a, name: A, kind: internal, security: [moat]}
  - {key: a, name: B, kind: internal}
activities:
  - key: x
    name: ""
    purposes: []
    data_subjects: []
    data_categories: []
  - key: x
    name: Y
    purposes: [selling]
    data_subjects: [martians]
    data_categories: [{category: user.nope, needed: true}, {category: user.name, needed: true}, {category: user.name, needed: true}]
    systems: [crm]
    retention: {months: -2}
`
	_, err := Parse("f.yaml", []byte(file))
	fe, ok := err.(FileErrors)
	if !ok {
		t.Fatalf("error %T: %v", err, err)
	}
	cat := i18n.MustLoad()
	seen := map[string]bool{}
	for _, e := range fe {
		if e.ID == "" || e.ID == "inventory.file.invalid" {
			t.Errorf("no message of its own: %s", e)
		}
		seen[e.ID] = true
		for _, l := range i18n.Langs {
			if !cat.Has(l, e.ID) {
				t.Errorf("%s: no %s message", l, e.ID)
			}
			if msg := e.Localize(cat.For(l)); strings.Contains(msg, "<no value>") || !strings.HasPrefix(msg, "f.yaml:") {
				t.Errorf("%s: %q", l, msg)
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d kinds of refusal exercised: %v", len(seen), seen)
	}
	for _, l := range i18n.Langs {
		for _, id := range problemIDs {
			if !cat.Has(l, id) {
				t.Errorf("%s: no %s message", l, id)
			}
		}
	}
	fr := FileError{File: "f.yaml", Line: 3, Path: "organisation.country", ID: "inventory.file.bad_country", Data: map[string]any{"Value": "Canada"}}
	if got := fr.Localize(cat.For(i18n.FR)); got != "f.yaml:3: organisation.country: « Canada » n'est pas un code de pays de deux lettres (CA, FR)" {
		t.Fatalf("French: %q", got)
	}
}
