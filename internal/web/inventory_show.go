package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/inventory"
)

// inventoryShow shows the current inventory, its gaps, its revisions and
// the import form.
func (h *handler) inventoryShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "inventory")
	h.renderInventory(w, r, http.StatusOK, p)
}

func (h *handler) renderInventory(w http.ResponseWriter, r *http.Request, status int, p *page) {
	inv, rev, err := h.Inventory.Current(r.Context())
	switch {
	case errors.Is(err, inventory.ErrNoInventory):
	case err != nil:
		h.serverError(w, r, err)
		return
	default:
		p.V["Inventory"] = inv
		p.V["Revision"] = rev
		acts, systems := inventoryRows(p, inv)
		p.V["Activities"], p.V["Systems"] = acts, systems
		var gaps []string
		for _, g := range inv.Gaps(string(p.Lang)) {
			gaps = append(gaps, p.lz.T(g.ID, g.Data))
		}
		p.V["Gaps"] = gaps
		var laws []string
		for _, j := range inv.Organisation.Jurisdictions {
			laws = append(laws, p.T("inventory.law."+j))
		}
		p.V["Laws"] = laws
		p.V["OfficerTitle"] = inv.Organisation.PrivacyOfficer.Title.In(string(p.Lang))
	}
	revs, err := h.Inventory.Revisions(r.Context(), 20)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Revisions"] = revs
	if _, ok := p.V["FileErrors"]; !ok {
		p.V["FileErrors"] = []string(nil)
	}
	for _, k := range []string{"Inventory", "Revision", "Activities", "Systems", "Gaps", "Laws", "OfficerTitle"} {
		if _, ok := p.V[k]; !ok {
			p.V[k] = nil
		}
	}
	h.render(w, r, status, "inventory_page", p)
}
