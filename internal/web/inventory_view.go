package web

import (
	"strings"

	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

// inventoryActivityRow is one processing activity as the inventory page
// lists it, labels in the page's language.
type inventoryActivityRow struct {
	Name, Purposes, Categories, Subjects, Basis, Retention string
}

type inventorySystemRow struct {
	Name, Kind, Provider, Country, Contract string
}

func inventoryRows(p *page, inv *inventory.Inventory) ([]inventoryActivityRow, []inventorySystemRow) {
	lang := string(p.Lang)
	var acts []inventoryActivityRow
	for _, a := range inv.Activities {
		row := inventoryActivityRow{Name: a.Name.In(lang)}
		var parts []string
		for _, u := range a.Purposes {
			it, _ := taxonomy.DataUse(u)
			parts = append(parts, it.Label(lang))
		}
		row.Purposes = strings.Join(parts, ", ")
		parts = nil
		for _, c := range a.DataCategories {
			it, _ := taxonomy.DataCategory(c.Category)
			parts = append(parts, it.Label(lang))
		}
		row.Categories = strings.Join(parts, ", ")
		parts = nil
		for _, s := range a.DataSubjects {
			it, _ := taxonomy.DataSubject(s)
			parts = append(parts, it.Label(lang))
		}
		row.Subjects = strings.Join(parts, ", ")
		if a.LegalBasis != "" {
			row.Basis = p.T("inventory.basis." + a.LegalBasis)
		}
		if a.Retention.Months > 0 {
			row.Retention = p.T("inventory.web.months", "Count", a.Retention.Months)
		}
		acts = append(acts, row)
	}
	var systems []inventorySystemRow
	for _, s := range inv.Systems {
		row := inventorySystemRow{Name: s.Name.In(lang), Kind: p.T("inventory.kind." + s.Kind), Provider: s.Provider, Country: s.Country}
		switch {
		case s.Contract != nil && s.Contract.Signed:
			row.Contract = p.T("inventory.web.contract_signed")
		case s.Kind == "third_party":
			row.Contract = p.T("inventory.web.contract_none")
		}
		systems = append(systems, row)
	}
	return acts, systems
}
