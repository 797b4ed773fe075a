package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

var qActivityFields = []string{"name_fr", "name_en", "name_nl", "legal_basis", "legitimate_interest", "consent",
	"collected_by", "used_by", "retention_months", "retention_note", "transfer_country", "transfer_recipient", "transfer_safeguard"}

// qCategoryRow is one data category of the activity form: collected, and
// needed for the purpose.
type qCategoryRow struct {
	Key, Label, ID string
	Sensitive      bool
	Collected      bool
	Needed         bool
}

// qActivityRow is an activity as the step lists it.
type qActivityRow struct {
	Key, Name, Consent, Categories string
}

func (h *handler) qActivitiesShow(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "activities", inv, base)
	p.Form = &form{Values: map[string]string{}, Picked: map[string]bool{}}
	h.renderQActivities(w, r, http.StatusOK, p, inv)
}

func (h *handler) renderQActivities(w http.ResponseWriter, r *http.Request, status int, p *page, inv *inventory.Inventory) {
	lang := string(p.Lang)
	f := p.Form
	var rows []qActivityRow
	for _, a := range inv.Activities {
		row := qActivityRow{Key: a.Key, Name: a.Name.In(lang)}
		if a.Consent != "" {
			row.Consent = p.T("inventory.consent." + a.Consent)
		}
		var cats []string
		for _, c := range a.DataCategories {
			it, _ := taxonomy.DataCategory(c.Category)
			cats = append(cats, it.Label(lang))
		}
		row.Categories = strings.Join(cats, ", ")
		rows = append(rows, row)
	}
	p.V["Activities"] = rows
	p.V["Purposes"] = qChoices("purposes", qPurposes, taxonomyLabel(taxonomy.DataUse, lang), f.Picked)
	subjects := make([]string, 0, 15)
	for _, s := range taxonomy.DataSubjects() {
		subjects = append(subjects, s.Key)
	}
	p.V["Subjects"] = qChoices("subjects", subjects, taxonomyLabel(taxonomy.DataSubject, lang), f.Picked)
	var cats []qCategoryRow
	for _, k := range qCategories {
		it, _ := taxonomy.DataCategory(k)
		id := strings.ReplaceAll(k, ".", "_")
		cats = append(cats, qCategoryRow{Key: k, Label: it.Label(lang), ID: id, Sensitive: taxonomy.IsSensitive(k),
			Collected: f.Picked["cat:"+k], Needed: f.Picked["need:"+k]})
	}
	p.V["Categories"] = cats
	p.V["Points"] = qChoices("points", inventory.CollectionPoints, func(v string) string { return p.T("inventory.collection." + v) }, f.Picked)
	p.V["Sources"] = qChoices("sources", inventory.DataSources, func(v string) string { return p.T("inventory.source." + v) }, f.Picked)
	var keys []string
	names := map[string]string{}
	for _, s := range inv.Systems {
		keys = append(keys, s.Key)
		names[s.Key] = s.Name.In(lang)
	}
	p.V["SystemChoices"] = qChoices("systems", keys, func(k string) string { return names[k] }, f.Picked)
	p.V["RecipientChoices"] = qChoices("recipients", keys, func(k string) string { return names[k] }, pickedPrefixed(f.Picked, "rcpt:"))
	p.V["Bases"] = qChoices("legal_basis", append([]string{""}, inventory.LegalBases...), func(v string) string {
		if v == "" {
			return p.T("inventory.q.choose")
		}
		return p.T("inventory.basis." + v)
	}, map[string]bool{f.Values["legal_basis"]: true})
	p.V["Consents"] = qChoices("consent", inventory.ConsentForms, func(v string) string { return p.T("inventory.consent." + v) }, map[string]bool{f.Values["consent"]: true})
	p.V["Safeguards"] = qChoices("transfer_safeguard", append([]string{""}, inventory.Safeguards...), func(v string) string {
		if v == "" {
			return p.T("inventory.q.choose")
		}
		return p.T("inventory.safeguard." + v)
	}, map[string]bool{f.Values["transfer_safeguard"]: true})
	p.V["TransferRecipients"] = qChoices("transfer_recipient", append([]string{""}, keys...), func(k string) string {
		if k == "" {
			return p.T("inventory.q.choose")
		}
		return names[k]
	}, map[string]bool{f.Values["transfer_recipient"]: true})
	p.V["Disclosed"] = f.Picked["disclosed"]
	h.render(w, r, status, "inventory_q_activities", p)
}

// pickedPrefixed returns the picked values that carry prefix, without it.
func pickedPrefixed(picked map[string]bool, prefix string) map[string]bool {
	out := map[string]bool{}
	for k, v := range picked {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

func (h *handler) qActivityAdd(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "activities", inv, base)
	f := newForm(r, qActivityFields...)
	f.Picked = map[string]bool{}
	for _, name := range []string{"purposes", "subjects", "points", "sources", "systems"} {
		for k := range pickedOf(r, name) {
			f.Picked[k] = true
		}
	}
	for k := range pickedOf(r, "recipients") {
		f.Picked["rcpt:"+k] = true
	}
	for k := range pickedOf(r, "collected") {
		f.Picked["cat:"+k] = true
	}
	for k := range pickedOf(r, "needed") {
		f.Picked["need:"+k] = true
	}
	f.Picked["disclosed"] = r.PostFormValue("disclosed") == "yes"
	p.Form = f
	v := f.Values
	v["transfer_country"] = strings.ToUpper(v["transfer_country"])
	a := inventory.Activity{Name: qText(f, "name"), LegalBasis: v["legal_basis"], Consent: v["consent"]}
	if a.Name == nil {
		f.add("q-name_fr", p.T("inventory.q.name_required"))
	}
	a.Purposes = keep(qPurposes, f.Picked)
	if len(a.Purposes) == 0 {
		f.add("q-purposes-"+strings.ReplaceAll(qPurposes[0], ".", "_"), p.T("inventory.q.purposes_required"))
	}
	for _, s := range taxonomy.DataSubjects() {
		if f.Picked[s.Key] {
			a.DataSubjects = append(a.DataSubjects, s.Key)
		}
	}
	if len(a.DataSubjects) == 0 {
		f.add("q-subjects-"+taxonomy.DataSubjects()[0].Key, p.T("inventory.q.subjects_required"))
	}
	for _, k := range qCategories {
		if f.Picked["cat:"+k] {
			a.DataCategories = append(a.DataCategories, inventory.CategoryEntry{Category: k, Needed: f.Picked["need:"+k]})
		}
	}
	if len(a.DataCategories) == 0 {
		f.add("q-cat-"+strings.ReplaceAll(qCategories[0], ".", "_"), p.T("inventory.q.categories_required"))
	}
	if a.Consent == "" {
		f.add("q-consent-"+inventory.ConsentForms[0], p.T("inventory.q.consent_required"))
	} else if !containsStr(inventory.ConsentForms, a.Consent) {
		a.Consent = ""
		f.add("q-consent-"+inventory.ConsentForms[0], p.T("inventory.q.consent_required"))
	}
	if a.LegalBasis != "" && !containsStr(inventory.LegalBases, a.LegalBasis) {
		a.LegalBasis = ""
	}
	if v["legitimate_interest"] != "" {
		a.LegitimateInterest = inventory.Text{"*": v["legitimate_interest"]}
	}
	a.CollectionPoints = keep(inventory.CollectionPoints, f.Picked)
	a.Sources = keep(inventory.DataSources, f.Picked)
	var keys []string
	for _, s := range inv.Systems {
		keys = append(keys, s.Key)
	}
	a.Systems = keep(keys, f.Picked)
	a.Recipients = keep(keys, pickedPrefixed(f.Picked, "rcpt:"))
	if v["collected_by"] != "" {
		a.CollectedBy = inventory.Text{"*": v["collected_by"]}
	}
	if v["used_by"] != "" {
		a.UsedBy = inventory.Text{"*": v["used_by"]}
	}
	if v["retention_months"] != "" {
		n, err := strconv.Atoi(v["retention_months"])
		if err != nil || n < 0 || n > 1200 {
			f.add("q-retention_months", p.T("inventory.q.bad_months"))
		}
		a.Retention.Months = n
	}
	if v["retention_note"] != "" {
		a.Retention.Note = inventory.Text{"*": v["retention_note"]}
	}
	if c := v["transfer_country"]; c != "" {
		if !qCountry.MatchString(c) {
			f.add("q-transfer_country", p.T("inventory.q.bad_country"))
		}
		t := inventory.Transfer{Country: c, Disclosed: f.Picked["disclosed"]}
		if containsStr(keys, v["transfer_recipient"]) {
			t.Recipient = v["transfer_recipient"]
		}
		if containsStr(inventory.Safeguards, v["transfer_safeguard"]) {
			t.Safeguard = v["transfer_safeguard"]
		}
		a.Transfers = []inventory.Transfer{t}
	}
	if f.ok() {
		first := a.Name.In("fr")
		if first == "" {
			first = a.Name.In("en") + a.Name.In("nl")
		}
		taken := map[string]bool{}
		for _, x := range inv.Activities {
			taken[x.Key] = true
		}
		a.Key = qKey(first, func(k string) bool { return taken[k] })
		inv.Activities = append(inv.Activities, a)
		if h.qSave(w, r, p, f, "q-name_fr", inv, "inventory.q.flash.saved", "/inventory/questionnaire/activities") {
			return
		}
		inv.Activities = inv.Activities[:len(inv.Activities)-1]
	}
	h.renderQActivities(w, r, http.StatusUnprocessableEntity, p, inv)
}

func (h *handler) qActivityDelete(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		h.notFound(w, r)
		return
	}
	key := r.PathValue("key")
	var kept []inventory.Activity
	for _, a := range inv.Activities {
		if a.Key != key {
			kept = append(kept, a)
		}
	}
	if len(kept) == len(inv.Activities) {
		h.notFound(w, r)
		return
	}
	inv.Activities = kept
	p := h.qPage(w, r, "activities", inv, base)
	f := &form{Values: map[string]string{}, Picked: map[string]bool{}}
	p.Form = f
	if !h.qSave(w, r, p, f, "q-name_fr", inv, "inventory.q.flash.deleted", "/inventory/questionnaire/activities") {
		h.renderQActivities(w, r, http.StatusUnprocessableEntity, p, inv)
	}
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
