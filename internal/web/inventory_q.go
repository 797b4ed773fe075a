package web

import (
	"errors"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

// The questionnaire fills the inventory step by step, in the spirit of the
// OPC's privacy-plan tool: the organisation and its person in charge, the
// systems and third parties with their contracts, the information collected
// for each activity (with whether it is needed and the form of consent),
// and the security plan. Every step saves a new inventory revision and
// shows the gaps left. The cookies step lists the website's cookies for the
// policy.

func (h *handler) registerQuestionnaire(mux *http.ServeMux) {
	mux.Handle("GET /inventory/questionnaire", h.requireRole(operator.Admin, h.questionnaireShow))
	mux.Handle("GET /inventory/questionnaire/organisation", h.requireRole(operator.Admin, h.qOrganisationShow))
	mux.Handle("POST /inventory/questionnaire/organisation", h.requireRole(operator.Admin, h.qOrganisationSubmit))
	mux.Handle("GET /inventory/questionnaire/systems", h.requireRole(operator.Admin, h.qSystemsShow))
	mux.Handle("POST /inventory/questionnaire/systems", h.requireRole(operator.Admin, h.qSystemAdd))
	mux.Handle("POST /inventory/questionnaire/systems/{key}/delete", h.requireRole(operator.Admin, h.qSystemDelete))
	mux.Handle("GET /inventory/questionnaire/activities", h.requireRole(operator.Admin, h.qActivitiesShow))
	mux.Handle("POST /inventory/questionnaire/activities", h.requireRole(operator.Admin, h.qActivityAdd))
	mux.Handle("POST /inventory/questionnaire/activities/{key}/delete", h.requireRole(operator.Admin, h.qActivityDelete))
	mux.Handle("GET /inventory/questionnaire/cookies", h.requireRole(operator.Admin, h.qCookiesShow))
	mux.Handle("POST /inventory/questionnaire/cookies", h.requireRole(operator.Admin, h.qCookieAdd))
	mux.Handle("POST /inventory/questionnaire/cookies/{index}/delete", h.requireRole(operator.Admin, h.qCookieDelete))
	mux.Handle("GET /inventory/questionnaire/security", h.requireRole(operator.Admin, h.qSecurityShow))
	mux.Handle("POST /inventory/questionnaire/security", h.requireRole(operator.Admin, h.qSecuritySubmit))
}

// qStep is one step of the questionnaire, for the step list.
type qStep struct {
	Path, LabelID string
	Done          bool
	Current       bool
}

var qPaths = []struct{ key, path, label string }{
	{"organisation", "/inventory/questionnaire/organisation", "inventory.q.step.organisation"},
	{"systems", "/inventory/questionnaire/systems", "inventory.q.step.systems"},
	{"activities", "/inventory/questionnaire/activities", "inventory.q.step.activities"},
	{"cookies", "/inventory/questionnaire/cookies", "inventory.q.step.cookies"},
	{"security", "/inventory/questionnaire/security", "inventory.q.step.security"},
}

// qLoad returns the current inventory and its revision, or nil and 0 when
// there is none yet.
func (h *handler) qLoad(r *http.Request) (*inventory.Inventory, int64, error) {
	inv, rev, err := h.Inventory.Current(r.Context())
	if errors.Is(err, inventory.ErrNoInventory) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return inv, rev.Number, nil
}

// qPage prepares a step's page: the steps, the gaps of inv.
func (h *handler) qPage(w http.ResponseWriter, r *http.Request, step string, inv *inventory.Inventory, base int64) *page {
	p := h.newPage(w, r, "inventory")
	p.Path = r.URL.Path
	// Every form carries the revision it was filled from (see qSave).
	p.V["Base"] = base
	var steps []qStep
	for _, s := range qPaths {
		st := qStep{Path: s.path, LabelID: s.label, Current: s.key == step}
		if inv != nil {
			switch s.key {
			case "organisation":
				st.Done = inv.Organisation.LegalName != ""
			case "systems":
				st.Done = len(inv.Systems) > 0
			case "activities":
				st.Done = len(inv.Activities) > 0
			case "cookies":
				st.Done = len(inv.Cookies) > 0
			case "security":
				st.Done = len(inv.Security.Electronic)+len(inv.Security.Paper) > 0
			}
		}
		steps = append(steps, st)
	}
	p.V["Steps"] = steps
	var gaps []string
	if inv != nil {
		for _, g := range inv.Gaps(string(p.Lang)) {
			gaps = append(gaps, p.lz.T(g.ID, g.Data))
		}
	}
	p.V["Gaps"] = gaps
	p.V["Inv"] = inv
	return p
}

// qSave saves the edited inventory as the revision after the one the form
// was filled from, then shows flashID and goes to next; it returns true
// when it answered. When someone saved in between, nothing is saved and the
// step is shown again, current, with a message. Problems the forms did not
// catch are added to f (false: the caller shows the form again).
func (h *handler) qSave(w http.ResponseWriter, r *http.Request, p *page, f *form, field string, inv *inventory.Inventory, flashID, next string) bool {
	if ps := inv.Validate(); len(ps) > 0 {
		for _, pr := range ps {
			f.add(field, p.T("inventory.q.invalid", "Path", pr.Path, "Reason", p.lz.T(pr.ID, pr.Data)))
		}
		return false
	}
	// A form without its revision is treated as stale: nothing is saved.
	var err error = inventory.ErrConflict
	if base, perr := strconv.ParseInt(r.PostFormValue("revision"), 10, 64); perr == nil && base >= 0 {
		st := h.stateOf(r)
		_, err = h.Inventory.Save(r.Context(), "operator:"+st.op.ID, "questionnaire", inv, base)
	}
	switch {
	case errors.Is(err, inventory.ErrConflict):
		h.setFlash(w, "err", "inventory.error.conflict")
		seeOther(w, r, "/inventory/questionnaire/"+qStepOf(r.URL.Path))
		return true
	case err != nil:
		f.add(field, p.Msg(err))
		return false
	}
	h.setFlash(w, "ok", flashID)
	seeOther(w, r, next)
	return true
}

// qStepOf is the step of a questionnaire path ("systems" for
// /inventory/questionnaire/systems/x/delete).
func qStepOf(path string) string {
	rest := path[strings.LastIndex(path, "/questionnaire/")+len("/questionnaire/"):]
	step, _, _ := strings.Cut(rest, "/")
	return step
}

func (h *handler) questionnaireShow(w http.ResponseWriter, r *http.Request) {
	seeOther(w, r, qPaths[0].path)
}

// qChoice is one checkbox or option.
type qChoice struct {
	Name, Value, ID, Label string
	Checked                bool
}

func qChoices(name string, values []string, label func(string) string, picked map[string]bool) []qChoice {
	out := make([]qChoice, len(values))
	for i, v := range values {
		out[i] = qChoice{Name: name, Value: v, ID: "q-" + name + "-" + strings.ReplaceAll(v, ".", "_"), Label: label(v), Checked: picked[v]}
	}
	return out
}

func pickedOf(r *http.Request, name string) map[string]bool {
	m := map[string]bool{}
	for _, v := range r.PostForm[name] {
		m[v] = true
	}
	return m
}

func setOf(list []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range list {
		m[v] = true
	}
	return m
}

// keep returns the values of list that picked holds, in list's order, so
// a posted value outside the offered choices is ignored.
func keep(list []string, picked map[string]bool) []string {
	var out []string
	for _, v := range list {
		if picked[v] {
			out = append(out, v)
		}
	}
	return out
}

var (
	qCountry = regexp.MustCompile(`^[A-Z]{2}$`)
	qNEQ     = regexp.MustCompile(`^[0-9]{10}$`)
	qSlugBad = regexp.MustCompile(`[^a-z0-9]+`)
)

func qEmailOK(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func qURLOK(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

func qDateOK(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// qText builds a per-language text from the fields name_fr, name_en,
// name_nl of the form.
func qText(f *form, name string) inventory.Text {
	t := inventory.Text{}
	for _, l := range []string{"fr", "en", "nl"} {
		if v := f.Values[name+"_"+l]; v != "" {
			t[l] = v
		}
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

// qKey makes a key from a name, unique among taken.
func qKey(name string, taken func(string) bool) string {
	base := strings.Trim(qSlugBad.ReplaceAllString(strings.ToLower(name), "_"), "_")
	if base == "" {
		base = "item"
	}
	if len(base) > 40 {
		base = base[:40]
	}
	key := base
	for i := 2; taken(key); i++ {
		key = base + "_" + strconv.Itoa(i)
	}
	return key
}

// qCategories are the data categories the questionnaire offers: those a
// small business most often holds, the sensitive ones it must notice.
var qCategories = []string{
	"user.name", "user.contact.email", "user.contact.phone_number", "user.contact.address",
	"user.account.username", "user.payment", "user.financial.credit_card", "user.financial.bank_account",
	"user.behavior.purchase_history", "user.behavior.browsing_history", "user.device.ip_address", "user.device.cookie_id",
	"user.demographic.date_of_birth", "user.demographic.language", "user.content.private", "user.content.self_image",
	"user.professional_information", "user.location.precise", "user.government_id", "user.health", "user.criminal_history",
}

// qPurposes are the data uses the questionnaire offers.
var qPurposes = []string{
	"essential.service", "essential.service.payment_processing", "essential.service.operations.support",
	"essential.fraud_detection", "essential.service.security", "essential.legal_obligation", "finance",
	"marketing.communications.email", "marketing.advertising", "analytics.reporting", "personalize.content",
	"employment.recruitment", "operations",
}

func taxonomyLabel(get func(string) (taxonomy.Item, bool), lang string) func(string) string {
	return func(k string) string {
		it, _ := get(k)
		return it.Label(lang)
	}
}
