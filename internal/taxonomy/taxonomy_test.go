package taxonomy

import (
	"testing"
)

func TestDataCategoryLookup(t *testing.T) {
	it, ok := DataCategory("user.contact.email")
	if !ok {
		t.Fatal("user.contact.email not found")
	}
	if it.Parent != "user.contact" || it.Label("fr") != "Adresse courriel" || it.Label("nl") != "E-mailadres" || it.Label("en") != "Email address" {
		t.Fatalf("unexpected item %+v", it)
	}
	if it.Label("de") != "Email address" {
		t.Fatalf("unknown language should fall back to English, got %q", it.Label("de"))
	}
	for _, bad := range []string{"", "user.contact.emails", "User.contact.email", "user.", "customer"} {
		if IsDataCategory(bad) {
			t.Errorf("IsDataCategory(%q) = true", bad)
		}
	}
	if !IsDataUse("marketing.communications.email") || IsDataUse("user.name") {
		t.Error("data use lookup wrong")
	}
	if !IsDataSubject("customer") || IsDataSubject("client") {
		t.Error("data subject lookup wrong")
	}
}

func TestDeprecatedKeysReadAsTheirReplacement(t *testing.T) {
	it, ok := DataCategory("user.health_and_medical.genetic")
	if !ok || !it.Deprecated() || it.ReplacedBy != "user.health.genetic" {
		t.Fatalf("deprecated key: %+v %v", it, ok)
	}
	if it.Label("fr") != "Données génétiques" || !IsSensitive(it.Key) {
		t.Fatalf("deprecated key should carry the replacement's label and sensitivity: %+v", it)
	}
	for _, c := range DataCategories() {
		if c.Deprecated() {
			t.Errorf("DataCategories lists deprecated %s", c.Key)
		}
	}
}

func TestTreesAreWellFormed(t *testing.T) {
	for name, list := range map[string][]Item{"categories": DataCategories(), "uses": DataUses(), "subjects": DataSubjects()} {
		seen := map[string]bool{}
		for _, it := range list {
			if it.Parent != "" && !seen[it.Parent] {
				t.Errorf("%s: %s listed before its parent %s", name, it.Key, it.Parent)
			}
			seen[it.Key] = true
			for _, l := range []string{"en", "fr", "nl"} {
				if it.Labels[l] == "" {
					t.Errorf("%s: %s has no %s label", name, it.Key, l)
				}
			}
		}
		if len(list) < 15 {
			t.Errorf("%s: only %d items", name, len(list))
		}
	}
}

func TestSensitivityIsInherited(t *testing.T) {
	cases := map[string]bool{
		"user.health":                       true,
		"user.health.condition":             true,
		"user.financial.credit_card":        true,
		"user.demographic.religious_belief": true,
		"user.demographic.language":         false,
		"user.contact.email":                false,
		"user.name":                         false,
		"not.a.key":                         false,
	}
	for k, want := range cases {
		if got := IsSensitive(k); got != want {
			t.Errorf("IsSensitive(%s) = %v, want %v", k, got, want)
		}
	}
}

func TestChildren(t *testing.T) {
	var keys []string
	for _, c := range Children("user.name") {
		keys = append(keys, c.Key)
	}
	if len(keys) != 2 || keys[0] != "user.name.first" || keys[1] != "user.name.last" {
		t.Fatalf("children of user.name: %v", keys)
	}
}
