package inventory

import (
	"reflect"
	"testing"
)

func TestGaps(t *testing.T) {
	inv, err := Parse("shop.yaml", readExample(t))
	if err != nil {
		t.Fatal(err)
	}
	got := inv.Gaps("fr")
	want := []Gap{{ID: "inventory.gap.not_needed", Data: map[string]any{"Category": "Numéro de téléphone", "Activity": "Demandes de renseignements"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("example gaps: %+v", got)
	}
	inv.Activities[0].DataCategories = append(inv.Activities[0].DataCategories, CategoryEntry{Category: "user.health.condition", Needed: true})
	inv.Activities[0].Transfers = append(inv.Activities[0].Transfers, Transfer{Country: "FR"}, Transfer{Country: "IN", Disclosed: false})
	inv.Systems[2].Contract = nil // newsletter: receives data
	inv.Systems[1].Contract = &Contract{Signed: false}
	inv.Activities[0].Recipients = nil // payments no longer receives anything
	inv.Activities[0].Transfers[0].Recipient = ""
	inv.Organisation.PrivacyOfficer.Name = ""
	var ids []string
	for _, g := range inv.Gaps("en") {
		ids = append(ids, g.ID)
	}
	wantIDs := []string{"inventory.gap.no_officer", "inventory.gap.sensitive_implied", "inventory.gap.transfer_undisclosed", "inventory.gap.not_needed", "inventory.gap.no_contract"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("got %v\nwant %v", ids, wantIDs)
	}
}
