package inventory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readExample(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "inventory-montreal-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseExample(t *testing.T) {
	inv, err := Parse("shop.yaml", readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Organisation.QuebecEnterpriseNumber != "1170000000" || len(inv.Activities) != 6 || len(inv.Systems) != 5 {
		t.Fatalf("unexpected inventory: %+v", inv.Organisation)
	}
	if got := inv.Activities[0].Name.In("fr"); got != "Commandes en ligne et par téléphone" {
		t.Fatalf("French name: %q", got)
	}
	if got := inv.Systems[0].Name.In("en"); got != "Online shop" {
		t.Fatalf("system name %q", got)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	inv, err := Parse("shop.yaml", readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("export does not parse back: %v\n%s", err, out)
	}
	out2, _ := Marshal(again)
	if string(out) != string(out2) {
		t.Fatalf("export is not stable:\n%s\n---\n%s", out, out2)
	}
	if again.Activities[2].Retention.Note.In("nl") != inv.Activities[2].Retention.Note.In("nl") || again.Cookies[2].DurationDays != 390 {
		t.Fatal("values lost in the round trip")
	}
}

func TestParseRefusesWithFileLineAndReason(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "organisation:\n  legal_name: X\n  colour: blue\n", []string{"f.yaml:3:", "colour"}},
		{"invalid category", "organisation:\n  legal_name: X\nactivities:\n  - key: a\n    name: A\n    purposes: [essential]\n    data_subjects: [customer]\n    data_categories:\n      - {category: user.email, needed: true}\n",
			[]string{"f.yaml:9: activities[0].data_categories[0].category: \"user.email\" is not a fideslang data category"}},
		{"invalid use and subject", "organisation:\n  legal_name: X\nactivities:\n  - key: a\n    name: A\n    purposes: [selling]\n    data_subjects: [clients]\n    data_categories: [{category: user.name, needed: true}]\n",
			[]string{"f.yaml:6: activities[0].purposes[0]: \"selling\" is not a fideslang data use", "f.yaml:7: activities[0].data_subjects[0]: \"clients\" is not a fideslang data subject"}},
		{"unknown system", "organisation:\n  legal_name: X\nactivities:\n  - key: a\n    name: A\n    purposes: [essential]\n    data_subjects: [customer]\n    data_categories: [{category: user.name, needed: true}]\n    systems: [crm]\n",
			[]string{"f.yaml:9: activities[0].systems[0]: no system has the key \"crm\""}},
		{"missing legal name", "organisation:\n  website: https://x.example\n", []string{"f.yaml:1: organisation.legal_name: the legal name is required"}},
		{"bad NEQ", "organisation:\n  legal_name: X\n  quebec_enterprise_number: \"12\"\n", []string{"f.yaml:3: organisation.quebec_enterprise_number"}},
		{"bad language in text", "organisation:\n  legal_name: X\nactivities:\n  - key: a\n    name: {de: A}\n", []string{"f.yaml:5:", "unknown language"}},
		{"syntax", "organisation: [\n", []string{"f.yaml:"}},
		{"two documents", "organisation: {legal_name: X}\n---\norganisation: {legal_name: Y}\n", []string{"f.yaml:1: the file must hold exactly one YAML document"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv, err := Parse("f.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted: %+v", inv)
			}
			if _, ok := err.(FileErrors); !ok {
				t.Fatalf("error of type %T", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
