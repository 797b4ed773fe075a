package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/inventory"
)

func (h *handler) qSecurityShow(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "security", inv, base)
	s := inv.Security
	f := &form{Values: map[string]string{"disposal": s.Disposal.In(string(p.Lang))}, Picked: setOf(append(append([]string{}, s.Paper...), s.Electronic...))}
	f.Picked["need_to_know"], f.Picked["training"], f.Picked["agreements"], f.Picked["paper_files"] = s.NeedToKnow, s.Training, s.ConfidentialityAgreements, s.PaperFiles
	p.Form = f
	h.renderQSecurity(w, r, http.StatusOK, p)
}

func (h *handler) renderQSecurity(w http.ResponseWriter, r *http.Request, status int, p *page) {
	yes := func(v string) string { return p.T("inventory.q.sec." + v) }
	p.V["Practices"] = qChoices("practices", []string{"need_to_know", "training", "agreements", "paper_files"}, yes, p.Form.Picked)
	p.V["Paper"] = qChoices("paper", inventory.PaperMeasures, func(v string) string { return p.T("inventory.measure." + v) }, p.Form.Picked)
	p.V["Electronic"] = qChoices("electronic", inventory.ElectronicMeasures, func(v string) string { return p.T("inventory.measure." + v) }, p.Form.Picked)
	h.render(w, r, status, "inventory_q_security", p)
}

func (h *handler) qSecuritySubmit(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "security", inv, base)
	f := newForm(r, "disposal")
	f.Picked = pickedOf(r, "practices")
	for _, name := range []string{"paper", "electronic"} {
		for k := range pickedOf(r, name) {
			f.Picked[k] = true
		}
	}
	p.Form = f
	sec := inventory.Security{
		NeedToKnow: f.Picked["need_to_know"], Training: f.Picked["training"],
		ConfidentialityAgreements: f.Picked["agreements"], PaperFiles: f.Picked["paper_files"],
		Paper: keep(inventory.PaperMeasures, f.Picked), Electronic: keep(inventory.ElectronicMeasures, f.Picked),
	}
	if d := f.Values["disposal"]; d != "" {
		// Written in the operator's language; other languages keep theirs.
		sec.Disposal = inventory.Text{}
		for l, t := range inv.Security.Disposal {
			sec.Disposal[l] = t
		}
		if n, ok := sec.Disposal["*"]; ok {
			for _, l := range []string{"fr", "en", "nl"} {
				if _, has := sec.Disposal[l]; !has {
					sec.Disposal[l] = n
				}
			}
			delete(sec.Disposal, "*")
		}
		sec.Disposal[string(p.Lang)] = d
	}
	inv.Security = sec
	if h.qSave(w, r, p, f, "q-practices-need_to_know", inv, "inventory.q.flash.saved", "/documents") {
		return
	}
	h.renderQSecurity(w, r, http.StatusUnprocessableEntity, p)
}
