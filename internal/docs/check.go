package docs

import (
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

// Missing is one item a law requires in a document that the inventory does
// not give. ID is a stable code ("docs.missing.officer_title") and the
// message ID of its description.
type Missing struct {
	ID       string   `json:"id"`
	Activity string   `json:"activity,omitempty"`
	System   string   `json:"system,omitempty"`
	Country  string   `json:"country,omitempty"`
	Laws     []string `json:"laws"`
}

// Message describes the item in lz's language.
func (m Missing) Message(lz *i18n.Localizer) string {
	return lz.T(m.ID, map[string]any{"Activity": m.Activity, "System": m.System, "Country": m.Country})
}

// euCountries are the EU member states, for GDPR Art. 27 (a business
// established outside them needs a representative in the EU).
var euCountries = map[string]bool{"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true, "EE": true,
	"FI": true, "FR": true, "DE": true, "GR": true, "HU": true, "IE": true, "IT": true, "LV": true, "LT": true, "LU": true,
	"MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true, "SI": true, "ES": true, "SE": true}

// Check lists what document k lacks for each law the business chose
// (legal-rules tables 3a–3c for the policy, GDPR Art. 30 for the record,
// the OPC privacy-plan sections for the plan), in a stable order. An item
// required by several laws is listed once with all of them.
func Check(inv *inventory.Inventory, k Kind) []Missing {
	c := &checker{inv: inv, index: map[string]int{}}
	switch k {
	case Policy:
		c.base("all")
		for _, law := range inv.Organisation.Jurisdictions {
			c.policy(law)
		}
	case ROPA:
		c.ropa()
	case Plan:
		c.plan()
	}
	return c.out
}

type checker struct {
	inv   *inventory.Inventory
	out   []Missing
	index map[string]int
}

func (c *checker) add(law, id string, m Missing) {
	m.ID = id
	key := m.ID + "\x00" + m.Activity + "\x00" + m.System + "\x00" + m.Country
	if i, ok := c.index[key]; ok {
		if !contains(c.out[i].Laws, law) {
			c.out[i].Laws = append(c.out[i].Laws, law)
		}
		return
	}
	c.index[key] = len(c.out)
	m.Laws = []string{law}
	c.out = append(c.out, m)
}

func name(a inventory.Activity) string {
	if s := a.Name.In("en"); s != "" {
		return s
	}
	for _, s := range a.Name {
		return s
	}
	return a.Key
}

func (c *checker) base(law string) {
	o := c.inv.Organisation
	if o.LegalName == "" {
		c.add(law, "docs.missing.legal_name", Missing{})
	}
	if o.Email == "" && o.Address == "" {
		c.add(law, "docs.missing.contact", Missing{})
	}
	if len(c.inv.Activities) == 0 {
		c.add(law, "docs.missing.activities", Missing{})
	}
}

func (c *checker) policy(law string) {
	o, inv := c.inv.Organisation, c.inv
	officer := o.PrivacyOfficer
	officerContact := officer.Email != "" || officer.Phone != "" || officer.Address != ""
	switch law {
	case "quebec":
		if officer.Name == "" {
			c.add(law, "docs.missing.officer_name", Missing{})
		}
		if officer.Title.Empty() {
			c.add(law, "docs.missing.officer_title", Missing{})
		}
		if !officerContact {
			c.add(law, "docs.missing.officer_contact", Missing{})
		}
		if o.EffectiveDate == "" {
			c.add(law, "docs.missing.effective_date", Missing{})
		}
		if o.PrivacyCentreURL == "" {
			c.add(law, "docs.missing.centre_url", Missing{})
		}
		if len(inv.Security.Electronic)+len(inv.Security.Paper) == 0 {
			c.add(law, "docs.missing.security", Missing{})
		}
		for _, a := range inv.Activities {
			if len(a.CollectionPoints) == 0 {
				c.add(law, "docs.missing.collection_points", Missing{Activity: name(a)})
			}
			// Consumer documents must exist in French in Quebec.
			if !a.Name.Has("fr") {
				c.add(law, "docs.missing.text_language", Missing{Activity: name(a)})
			}
			for _, t := range a.Transfers {
				if !t.Disclosed {
					c.add(law, "docs.missing.transfer_disclosed", Missing{Activity: name(a), Country: t.Country})
				}
			}
		}
	case "pipeda":
		if officer.Name == "" && officer.Title.Empty() {
			c.add(law, "docs.missing.officer_name", Missing{})
		}
		if officer.Address == "" && officer.Email == "" {
			c.add(law, "docs.missing.officer_address", Missing{})
		}
		for _, a := range inv.Activities {
			for _, t := range a.Transfers {
				if !t.Disclosed {
					c.add(law, "docs.missing.transfer_disclosed", Missing{Activity: name(a), Country: t.Country})
				}
			}
		}
	case "gdpr":
		if !officerContact && o.Email == "" {
			c.add(law, "docs.missing.officer_contact", Missing{})
		}
		if o.PrivacyCentreURL == "" {
			c.add(law, "docs.missing.centre_url", Missing{})
		}
		if o.Country != "" && !euCountries[o.Country] && o.EURepresentative == nil {
			c.add(law, "docs.missing.eu_representative", Missing{})
		}
		for _, a := range inv.Activities {
			c.gdprActivity(law, a)
		}
	case "ccpa":
		if o.PrivacyCentreURL == "" {
			c.add(law, "docs.missing.centre_url", Missing{})
		}
		if o.EffectiveDate == "" {
			c.add(law, "docs.missing.effective_date", Missing{})
		}
		if o.SellsOrSharesData && o.DoNotSellURL == "" {
			c.add(law, "docs.missing.do_not_sell", Missing{})
		}
		for _, a := range inv.Activities {
			if len(a.Sources) == 0 {
				c.add(law, "docs.missing.sources", Missing{Activity: name(a)})
			}
			if a.Retention.Months == 0 && a.Retention.Note.Empty() {
				c.add(law, "docs.missing.retention", Missing{Activity: name(a)})
			}
		}
	}
}

func (c *checker) gdprActivity(law string, a inventory.Activity) {
	if a.LegalBasis == "" {
		c.add(law, "docs.missing.legal_basis", Missing{Activity: name(a)})
	}
	if a.LegalBasis == "legitimate_interests" && a.LegitimateInterest.Empty() {
		c.add(law, "docs.missing.legitimate_interest", Missing{Activity: name(a)})
	}
	if a.Retention.Months == 0 && a.Retention.Note.Empty() {
		c.add(law, "docs.missing.retention", Missing{Activity: name(a)})
	}
	for _, t := range a.Transfers {
		if !euCountries[t.Country] && (t.Safeguard == "" || t.Safeguard == "none") {
			c.add(law, "docs.missing.transfer_safeguard", Missing{Activity: name(a), Country: t.Country})
		}
	}
}

func (c *checker) ropa() {
	const law = "gdpr"
	c.base(law)
	if len(c.inv.Security.Electronic)+len(c.inv.Security.Paper) == 0 && !c.inv.Security.NeedToKnow {
		c.add(law, "docs.missing.security", Missing{})
	}
	for _, a := range c.inv.Activities {
		c.gdprActivity(law, a)
	}
}

func (c *checker) plan() {
	const law = "plan"
	inv := c.inv
	if inv.Organisation.PrivacyOfficer.Name == "" {
		c.add(law, "docs.missing.officer_name", Missing{})
	}
	if len(inv.Activities) == 0 {
		c.add(law, "docs.missing.activities", Missing{})
	}
	if len(inv.Security.Electronic)+len(inv.Security.Paper) == 0 {
		c.add(law, "docs.missing.security", Missing{})
	}
	for _, a := range inv.Activities {
		if a.Consent == "" {
			c.add(law, "docs.missing.consent_form", Missing{Activity: name(a)})
		}
		if a.Consent != "express" {
			for _, cat := range a.DataCategories {
				if taxonomy.IsSensitive(cat.Category) && a.Consent != "" {
					c.add(law, "docs.missing.express_consent", Missing{Activity: name(a)})
					break
				}
			}
		}
	}
	for _, s := range inv.Systems {
		if s.Kind == "third_party" && (s.Contract == nil || !s.Contract.Signed) {
			c.add(law, "docs.missing.contract", Missing{System: s.Key})
		}
	}
}
