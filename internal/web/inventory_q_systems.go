package web

import (
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/inventory"
)

var qSystemFields = []string{"name_fr", "name_en", "name_nl", "kind", "provider", "country", "role", "storage", "contact"}

func (h *handler) qSystemsShow(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "systems", inv, base)
	p.Form = &form{Values: map[string]string{"kind": "third_party", "storage": "electronic"}, Picked: map[string]bool{}}
	h.renderQSystems(w, r, http.StatusOK, p, inv)
}

// qSystemRow is a system as the step lists it.
type qSystemRow struct {
	Key, Name, Kind, Contract string
}

func (h *handler) renderQSystems(w http.ResponseWriter, r *http.Request, status int, p *page, inv *inventory.Inventory) {
	var rows []qSystemRow
	for _, s := range inv.Systems {
		row := qSystemRow{Key: s.Key, Name: s.Name.In(string(p.Lang)), Kind: p.T("inventory.kind." + s.Kind)}
		if s.Provider != "" {
			row.Name += " (" + s.Provider + ")"
		}
		if s.Contract != nil && s.Contract.Signed {
			row.Contract = p.T("inventory.web.contract_signed")
		} else if s.Kind == "third_party" {
			row.Contract = p.T("inventory.web.contract_none")
		}
		rows = append(rows, row)
	}
	p.V["Systems"] = rows
	p.V["Clauses"] = qChoices("clauses", inventory.ContractClauses, func(v string) string { return p.T("inventory.clause." + v) }, p.Form.Picked)
	measures := append(append([]string{}, inventory.ElectronicMeasures...), inventory.PaperMeasures...)
	p.V["Measures"] = qChoices("security", measures, func(v string) string { return p.T("inventory.measure." + v) }, p.Form.Picked)
	p.V["Signed"] = p.Form.Picked["signed"]
	p.V["Kinds"] = qChoices("kind", inventory.SystemKinds, func(v string) string { return p.T("inventory.kind." + v) }, map[string]bool{p.Form.Values["kind"]: true})
	p.V["Roles"] = qChoices("role", append([]string{""}, inventory.SystemRoles...), func(v string) string {
		if v == "" {
			return p.T("inventory.q.unknown")
		}
		return p.T("inventory.role." + v)
	}, map[string]bool{p.Form.Values["role"]: true})
	h.render(w, r, status, "inventory_q_systems", p)
}

func (h *handler) qSystemAdd(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "systems", inv, base)
	f := newForm(r, qSystemFields...)
	f.Picked = pickedOf(r, "clauses")
	for k := range pickedOf(r, "security") {
		f.Picked[k] = true
	}
	f.Picked["signed"] = r.PostFormValue("signed") == "yes"
	p.Form = f
	v := f.Values
	v["country"] = strings.ToUpper(v["country"])
	name := qText(f, "name")
	if name == nil {
		f.add("q-name_fr", p.T("inventory.q.name_required"))
	}
	if v["kind"] != "internal" && v["kind"] != "third_party" {
		f.add("q-kind-third_party", p.T("inventory.q.kind_required"))
	}
	if v["country"] != "" && !qCountry.MatchString(v["country"]) {
		f.add("q-country", p.T("inventory.q.bad_country"))
	}
	if v["role"] != "" && v["role"] != "controller" && v["role"] != "processor" {
		v["role"] = ""
	}
	if f.ok() {
		first := name.In("fr")
		if first == "" {
			first = name.In("en") + name.In("nl")
		}
		s := inventory.System{
			Key:  qKey(first, func(k string) bool { _, ok := inv.System(k); return ok }),
			Name: name, Kind: v["kind"], Provider: v["provider"], Country: v["country"], Role: v["role"],
			Storage: "electronic", Contact: v["contact"],
		}
		measures := append(append([]string{}, inventory.ElectronicMeasures...), inventory.PaperMeasures...)
		s.Security = keep(measures, f.Picked)
		if f.Picked["signed"] || len(keep(inventory.ContractClauses, f.Picked)) > 0 {
			s.Contract = &inventory.Contract{Signed: f.Picked["signed"], Clauses: keep(inventory.ContractClauses, f.Picked)}
		}
		inv.Systems = append(inv.Systems, s)
		if h.qSave(w, r, p, f, "q-name_fr", inv, "inventory.q.flash.saved", "/inventory/questionnaire/systems") {
			return
		}
		inv.Systems = inv.Systems[:len(inv.Systems)-1]
	}
	h.renderQSystems(w, r, http.StatusUnprocessableEntity, p, inv)
}

// qSystemDelete removes a system and every reference activities make to it.
func (h *handler) qSystemDelete(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	key := r.PathValue("key")
	if inv == nil {
		h.notFound(w, r)
		return
	}
	if _, ok := inv.System(key); !ok {
		h.notFound(w, r)
		return
	}
	var systems []inventory.System
	for _, s := range inv.Systems {
		if s.Key != key {
			systems = append(systems, s)
		}
	}
	inv.Systems = systems
	for i := range inv.Activities {
		a := &inv.Activities[i]
		a.Systems = without(a.Systems, key)
		a.Recipients = without(a.Recipients, key)
		var ts []inventory.Transfer
		for _, t := range a.Transfers {
			if t.Recipient == key {
				t.Recipient = ""
			}
			ts = append(ts, t)
		}
		a.Transfers = ts
	}
	p := h.qPage(w, r, "systems", inv, base)
	f := &form{Values: map[string]string{}, Picked: map[string]bool{}}
	p.Form = f
	if !h.qSave(w, r, p, f, "q-name_fr", inv, "inventory.q.flash.deleted", "/inventory/questionnaire/systems") {
		h.renderQSystems(w, r, http.StatusUnprocessableEntity, p, inv)
	}
}

func without(list []string, v string) []string {
	var out []string
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
