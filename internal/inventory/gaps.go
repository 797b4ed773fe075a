package inventory

import "github.com/garde-privacy/garde/internal/taxonomy"

// Gap is a weakness of the inventory in the spirit of the OPC privacy plan:
// data collected but not needed, sensitive data under implied consent, a
// third party without a contract, a transfer people are not told about.
// ID is the message ID; Data fills it.
type Gap struct {
	ID   string
	Data map[string]any
}

// Gaps lists the inventory's gaps, labels in lang.
func (inv *Inventory) Gaps(lang string) []Gap {
	var out []Gap
	if inv.Organisation.PrivacyOfficer.Name == "" {
		out = append(out, Gap{ID: "inventory.gap.no_officer"})
	}
	for _, a := range inv.Activities {
		name := a.Name.In(lang)
		for _, c := range a.DataCategories {
			it, _ := taxonomy.DataCategory(c.Category)
			if !c.Needed {
				out = append(out, Gap{ID: "inventory.gap.not_needed", Data: map[string]any{"Category": it.Label(lang), "Activity": name}})
			}
			if a.Consent == "implied" && taxonomy.IsSensitive(c.Category) {
				out = append(out, Gap{ID: "inventory.gap.sensitive_implied", Data: map[string]any{"Category": it.Label(lang), "Activity": name}})
			}
		}
		for _, t := range a.Transfers {
			// Canada and the EU are the two places Garde's businesses
			// answer from; a transfer elsewhere must be disclosed.
			if !t.Disclosed && t.Country != "CA" && !euCountry(t.Country) {
				out = append(out, Gap{ID: "inventory.gap.transfer_undisclosed", Data: map[string]any{"Country": t.Country, "Activity": name}})
			}
		}
	}
	for _, s := range inv.Systems {
		if s.Kind == "third_party" && (s.Contract == nil || !s.Contract.Signed) && inv.receivesData(s.Key) {
			out = append(out, Gap{ID: "inventory.gap.no_contract", Data: map[string]any{"System": s.Name.In(lang)}})
		}
	}
	return out
}

// receivesData reports whether an activity stores data in or shares data
// with the system.
func (inv *Inventory) receivesData(key string) bool {
	for _, a := range inv.Activities {
		if contains(a.Systems, key) || contains(a.Recipients, key) {
			return true
		}
	}
	return false
}

func euCountry(c string) bool {
	switch c {
	case "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
		"MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE":
		return true
	}
	return false
}
