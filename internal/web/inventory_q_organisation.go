package web

import (
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/inventory"
)

var qOrgFields = []string{"legal_name", "trade_name", "address", "country", "region", "website", "email", "phone", "neq",
	"officer_name", "officer_title_fr", "officer_title_en", "officer_title_nl", "officer_email", "officer_phone", "officer_address",
	"eurep_name", "eurep_email", "eurep_address", "centre_url", "effective_date", "do_not_sell_url"}

func (h *handler) qOrganisationShow(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p := h.qPage(w, r, "organisation", inv, base)
	f := &form{Values: map[string]string{}, Picked: map[string]bool{}}
	if inv != nil {
		o := inv.Organisation
		v := f.Values
		v["legal_name"], v["trade_name"], v["address"], v["country"], v["region"] = o.LegalName, o.TradeName, o.Address, o.Country, o.Region
		v["website"], v["email"], v["phone"], v["neq"] = o.Website, o.Email, o.Phone, o.QuebecEnterpriseNumber
		v["officer_name"], v["officer_email"], v["officer_phone"], v["officer_address"] = o.PrivacyOfficer.Name, o.PrivacyOfficer.Email, o.PrivacyOfficer.Phone, o.PrivacyOfficer.Address
		for _, l := range []string{"fr", "en", "nl"} {
			v["officer_title_"+l] = o.PrivacyOfficer.Title.In(l)
		}
		if o.EURepresentative != nil {
			v["eurep_name"], v["eurep_email"], v["eurep_address"] = o.EURepresentative.Name, o.EURepresentative.Email, o.EURepresentative.Address
		}
		v["centre_url"], v["effective_date"], v["do_not_sell_url"] = o.PrivacyCentreURL, o.EffectiveDate, o.DoNotSellURL
		f.Picked = setOf(o.Jurisdictions)
		f.Picked["sells"] = o.SellsOrSharesData
	} else {
		f.Values["centre_url"] = strings.TrimRight(h.Config.PublicURL(), "/") + "/privacy"
	}
	p.Form = f
	h.renderQOrganisation(w, r, http.StatusOK, p)
}

func (h *handler) renderQOrganisation(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.V["Laws"] = qChoices("jurisdictions", inventory.Jurisdictions, func(v string) string { return p.T("inventory.law." + v) }, p.Form.Picked)
	p.V["Sells"] = p.Form.Picked["sells"]
	h.render(w, r, status, "inventory_q_organisation", p)
}

func (h *handler) qOrganisationSubmit(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		inv = &inventory.Inventory{}
	}
	p := h.qPage(w, r, "organisation", inv, base)
	f := newForm(r, qOrgFields...)
	f.Picked = pickedOf(r, "jurisdictions")
	f.Picked["sells"] = r.PostFormValue("sells") == "yes"
	p.Form = f
	v := f.Values
	v["country"] = strings.ToUpper(v["country"])
	requireFields(p, f, "q-legal_name", "inventory.q.org.legal_name", v["legal_name"],
		"q-officer_name", "inventory.q.org.officer_name", v["officer_name"])
	for _, c := range []struct{ id, key string }{{"q-email", "email"}, {"q-officer_email", "officer_email"}, {"q-eurep_email", "eurep_email"}} {
		if v[c.key] != "" && !qEmailOK(v[c.key]) {
			f.add(c.id, p.T("inventory.q.bad_email"))
		}
	}
	for _, c := range []struct{ id, key string }{{"q-website", "website"}, {"q-centre_url", "centre_url"}, {"q-do_not_sell_url", "do_not_sell_url"}} {
		if v[c.key] != "" && !qURLOK(v[c.key]) {
			f.add(c.id, p.T("inventory.q.bad_url"))
		}
	}
	if v["country"] != "" && !qCountry.MatchString(v["country"]) {
		f.add("q-country", p.T("inventory.q.bad_country"))
	}
	if v["neq"] != "" && !qNEQ.MatchString(v["neq"]) {
		f.add("q-neq", p.T("inventory.q.bad_neq"))
	}
	if v["effective_date"] != "" && !qDateOK(v["effective_date"]) {
		f.add("q-effective_date", p.T("inventory.q.bad_date"))
	}
	if f.ok() {
		o := &inv.Organisation
		o.LegalName, o.TradeName, o.Address, o.Country, o.Region = v["legal_name"], v["trade_name"], v["address"], v["country"], v["region"]
		o.Website, o.Email, o.Phone, o.QuebecEnterpriseNumber = v["website"], v["email"], v["phone"], v["neq"]
		o.PrivacyOfficer = inventory.Contact{Name: v["officer_name"], Title: qText(f, "officer_title"),
			Email: v["officer_email"], Phone: v["officer_phone"], Address: v["officer_address"]}
		o.EURepresentative = nil
		if v["eurep_name"] != "" {
			o.EURepresentative = &inventory.Contact{Name: v["eurep_name"], Email: v["eurep_email"], Address: v["eurep_address"]}
		}
		o.Jurisdictions = keep(inventory.Jurisdictions, f.Picked)
		o.PrivacyCentreURL, o.EffectiveDate, o.DoNotSellURL = v["centre_url"], v["effective_date"], v["do_not_sell_url"]
		o.SellsOrSharesData = f.Picked["sells"]
		if h.qSave(w, r, p, f, "q-legal_name", inv, "inventory.q.flash.saved", "/inventory/questionnaire/systems") {
			return
		}
	}
	h.renderQOrganisation(w, r, http.StatusUnprocessableEntity, p)
}
