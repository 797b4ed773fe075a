package docs

import (
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

func TestExampleIsCompleteForQuebecAndGDPR(t *testing.T) {
	inv := exampleInventory(t)
	if !inv.HasJurisdiction("quebec") || !inv.HasJurisdiction("gdpr") {
		t.Fatal("the example must choose Quebec and the GDPR")
	}
	for _, k := range Kinds {
		if m := Check(inv, k); len(m) != 0 {
			t.Errorf("%s: missing %+v", k, m)
		}
	}
}

func ids(ms []Missing) []string {
	var out []string
	for _, m := range ms {
		s := m.ID + "[" + strings.Join(m.Laws, ",") + "]"
		if m.Activity != "" {
			s += "/" + m.Activity
		}
		if m.Country != "" {
			s += "/" + m.Country
		}
		if m.System != "" {
			s += "/" + m.System
		}
		out = append(out, s)
	}
	return out
}

func TestCheckListsWhatEachLawMisses(t *testing.T) {
	inv := exampleInventory(t)
	inv.Organisation.Jurisdictions = []string{"quebec", "gdpr", "ccpa"}
	inv.Organisation.PrivacyOfficer.Title = nil
	inv.Organisation.PrivacyOfficer.Email, inv.Organisation.PrivacyOfficer.Phone, inv.Organisation.PrivacyOfficer.Address = "", "", ""
	inv.Organisation.EURepresentative = nil
	inv.Organisation.SellsOrSharesData = true
	inv.Activities[0].Transfers[0].Disclosed = false
	inv.Activities[0].Transfers[0].Safeguard = "none"
	inv.Activities[1].Retention = inventory.Retention{}
	inv.Activities[1].Sources = nil
	inv.Activities[1].LegitimateInterest = nil
	got := strings.Join(ids(Check(inv, Policy)), "\n")
	want := strings.Join([]string{
		"docs.missing.officer_title[quebec]",
		"docs.missing.officer_contact[quebec]",
		"docs.missing.transfer_disclosed[quebec]/Online and phone orders/US",
		"docs.missing.eu_representative[gdpr]",
		"docs.missing.transfer_safeguard[gdpr]/Online and phone orders/US",
		"docs.missing.legitimate_interest[gdpr]/Customer enquiries",
		"docs.missing.retention[gdpr,ccpa]/Customer enquiries",
		"docs.missing.do_not_sell[ccpa]",
		"docs.missing.sources[ccpa]/Customer enquiries",
	}, "\n")
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// The organisation's own email still lets people reach it under the GDPR.
	inv.Organisation.Email = ""
	if !strings.Contains(strings.Join(ids(Check(inv, Policy)), " "), "docs.missing.officer_contact[quebec,gdpr]") {
		t.Fatal("without any contact, the GDPR must ask for one too")
	}
}

func TestCheckPlanFlagsConsentAndContracts(t *testing.T) {
	inv := exampleInventory(t)
	inv.Activities[0].DataCategories = append(inv.Activities[0].DataCategories, inventory.CategoryEntry{Category: "user.health.condition", Needed: true})
	inv.Activities[1].Consent = ""
	inv.Systems[2].Contract = nil
	got := strings.Join(ids(Check(inv, Plan)), "\n")
	want := "docs.missing.express_consent[plan]/Online and phone orders\ndocs.missing.consent_form[plan]/Customer enquiries\ndocs.missing.contract[plan]/newsletter"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMissingMessagesExistInEveryLanguage(t *testing.T) {
	inv := &inventory.Inventory{Organisation: inventory.Organisation{Jurisdictions: inventory.Jurisdictions, SellsOrSharesData: true}}
	inv.Activities = []inventory.Activity{{Key: "a", Name: inventory.Text{"en": "A"}, Transfers: []inventory.Transfer{{Country: "US"}}, LegalBasis: "legitimate_interests"}}
	inv.Organisation.Country = "CA"
	var all []Missing
	for _, k := range Kinds {
		all = append(all, Check(inv, k)...)
	}
	if len(all) < 15 {
		t.Fatalf("only %d items for an empty inventory", len(all))
	}
	for _, l := range i18n.Langs {
		lz := cat.For(l)
		for _, m := range all {
			if !cat.Has(l, m.ID) {
				t.Errorf("%s: no message %s", l, m.ID)
			}
			if msg := m.Message(lz); strings.Contains(msg, "<no value>") {
				t.Errorf("%s: %s renders %q", l, m.ID, msg)
			}
		}
	}
}

func TestPolicyHasACaliforniaSectionWhenCCPAApplies(t *testing.T) {
	inv := exampleInventory(t)
	r := NewRenderer(cat)
	for _, l := range i18n.Langs {
		md, err := r.Markdown(inv, Policy, l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(md, "Global Privacy Control") {
			t.Fatalf("%s: California section without the CCPA", l)
		}
	}
	inv.Organisation.Jurisdictions = append(inv.Organisation.Jurisdictions, "ccpa")
	want := map[i18n.Lang]string{
		i18n.EN: "## California residents\n\nIn the past 12 months we collected these categories of personal information: Name, Postal address, Email address, Phone number, Payment data, Purchase history, Private content, First name, Language, IP address, Cookie identifier, Browsing history, Image of the person, Professional information. They come from the person concerned, collected automatically,",
		i18n.FR: "## Résidents de la Californie\n\nAu cours des 12 derniers mois, nous avons recueilli les catégories de renseignements personnels suivantes : Nom,",
		i18n.NL: "We hebben in de afgelopen 12 maanden geen persoonsgegevens verkocht of gedeeld.",
	}
	for l, w := range want {
		md, err := r.Markdown(inv, Policy, l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md, w) {
			t.Errorf("%s: lacks %q\n%s", l, w, md)
		}
	}
}
