package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
)

// breachTextFields are the text inputs of the incident form, in order:
// name, label message ID, rows (0 for a one-line input).
var breachTextFields = []struct {
	Name, Label string
	Rows        int
}{
	{"title", "breach.web.field.title", 0},
	{"description", "breach.web.field.description", 4},
	{"cause", "breach.web.field.cause", 2},
}

// breachFormNames are every posted field of the incident form.
var breachFormNames = []string{
	"title", "description", "cause", "occurred_at", "occurred_until", "aware_at", "aware_how", "persons", "records",
	"residents", "systems", "processors", "prior_measures", "consequences", "measures", "advice", "contact_name",
	"contact_email", "contact_phone", "enterprise_number", "delay_reason", "change_reason",
}

// localInput is the layout of a datetime-local input.
const localInput = "2006-01-02T15:04"

// readFacts reads the incident form: what was typed (for a redisplay) and
// the facts, or the errors of what cannot be read.
func (h *handler) readFacts(r *http.Request) (*form, breach.Facts, breach.FieldErrors) {
	_ = r.ParseForm()
	f := newForm(r, breachFormNames...)
	f.Picked = map[string]bool{}
	for _, name := range []string{"kinds", "categories"} {
		for _, v := range r.PostForm[name] {
			f.Picked[name+":"+v] = true
		}
	}
	for _, name := range []string{"occurred_approx", "persons_approx", "records_approx", "law_enforcement_delay"} {
		f.Picked[name] = r.PostFormValue(name) == "on"
	}
	v := f.Values
	facts := breach.Facts{
		Title: v["title"], Description: v["description"], Cause: v["cause"], AwareHow: v["aware_how"],
		Systems: v["systems"], Processors: v["processors"], PriorMeasures: v["prior_measures"],
		Consequences: v["consequences"], Measures: v["measures"], Advice: v["advice"],
		ContactName: v["contact_name"], ContactEmail: v["contact_email"], ContactPhone: v["contact_phone"],
		EnterpriseNumber: v["enterprise_number"], DelayReason: v["delay_reason"],
		OccurredApprox: f.Picked["occurred_approx"], PersonsApprox: f.Picked["persons_approx"], RecordsApprox: f.Picked["records_approx"],
		LawEnforcementDelay: f.Picked["law_enforcement_delay"],
		Categories:          r.PostForm["categories"],
	}
	for _, k := range r.PostForm["kinds"] {
		facts.Kinds = append(facts.Kinds, breach.Kind(k))
	}
	errs := breach.FieldErrors{}
	loc := h.Breaches.Location()
	readTime := func(name string) *time.Time {
		s := strings.Replace(v[name], " ", "T", 1)
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation(localInput, s, loc)
		if err != nil {
			errs[name] = breach.ErrDateInvalid
			return nil
		}
		return &t
	}
	if t := readTime("occurred_at"); t != nil {
		facts.OccurredAt = *t
	}
	facts.OccurredUntil = readTime("occurred_until")
	if t := readTime("aware_at"); t != nil {
		facts.AwareAt = *t
	}
	readInt := func(name string) int {
		if v[name] == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.ReplaceAll(v[name], " ", ""))
		if err != nil || n < 0 {
			errs[name] = breach.ErrNumberInvalid
			return 0
		}
		return n
	}
	facts.Persons, facts.Records = readInt("persons"), readInt("records")
	facts.Residents = map[string]int{}
	for _, line := range strings.FieldsFunc(v["residents"], func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		line = strings.NewReplacer(":", " ", "=", " ").Replace(line)
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		if len(parts) != 2 {
			errs["residents"] = breach.ErrRegionInvalid
			continue
		}
		n, err := strconv.Atoi(parts[1])
		if err != nil || n < 0 {
			errs["residents"] = breach.ErrNumberInvalid
			continue
		}
		facts.Residents[strings.ToUpper(parts[0])] += n
	}
	return f, facts, errs
}

// factsForm fills a form from stored facts, for the edit page.
func (h *handler) factsForm(fa *breach.Facts) *form {
	loc := h.Breaches.Location()
	local := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format(localInput)
	}
	regions := make([]string, 0, len(fa.Residents))
	for r := range fa.Residents {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	var res []string
	for _, r := range regions {
		res = append(res, r+" "+strconv.Itoa(fa.Residents[r]))
	}
	f := &form{Values: map[string]string{
		"title": fa.Title, "description": fa.Description, "cause": fa.Cause, "occurred_at": local(&fa.OccurredAt),
		"occurred_until": local(fa.OccurredUntil), "aware_at": local(&fa.AwareAt), "aware_how": fa.AwareHow,
		"persons": strconv.Itoa(fa.Persons), "records": strconv.Itoa(fa.Records), "residents": strings.Join(res, "\n"),
		"systems": fa.Systems, "processors": fa.Processors, "prior_measures": fa.PriorMeasures,
		"consequences": fa.Consequences, "measures": fa.Measures, "advice": fa.Advice, "contact_name": fa.ContactName,
		"contact_email": fa.ContactEmail, "contact_phone": fa.ContactPhone, "enterprise_number": fa.EnterpriseNumber,
		"delay_reason": fa.DelayReason,
	}, Picked: map[string]bool{
		"occurred_approx": fa.OccurredApprox, "persons_approx": fa.PersonsApprox, "records_approx": fa.RecordsApprox,
		"law_enforcement_delay": fa.LawEnforcementDelay,
	}}
	for _, k := range fa.Kinds {
		f.Picked["kinds:"+string(k)] = true
	}
	for _, c := range fa.Categories {
		f.Picked["categories:"+c] = true
	}
	return f
}

// renderBreachForm shows the incident form (new when id is "").
func (h *handler) renderBreachForm(w http.ResponseWriter, r *http.Request, status int, f *form, id, ref string) {
	p := h.newPage(w, r, "breaches")
	p.Form = f
	p.V["ID"], p.V["Reference"] = id, ref
	p.V["Zone"] = h.Breaches.Location().String()
	var kinds, cats []bchoice
	for _, k := range breach.Kinds {
		kinds = append(kinds, bchoice{string(k), p.T("breach.kind." + string(k)), f.Picked["kinds:"+string(k)]})
	}
	for _, c := range breach.Categories {
		cats = append(cats, bchoice{c, p.T("breach.category." + c), f.Picked["categories:"+c]})
	}
	p.V["Kinds"], p.V["Categories"] = kinds, cats
	h.render(w, r, status, "breach_form", p)
}

func (h *handler) breachNewShow(w http.ResponseWriter, r *http.Request) {
	h.renderBreachForm(w, r, http.StatusOK, &form{Values: map[string]string{}, Picked: map[string]bool{}}, "", "")
}

func (h *handler) breachCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f, facts, errs := h.readFacts(r)
	var inc *breach.Incident
	var err error
	if len(errs) == 0 {
		inc, err = h.Breaches.Open(r.Context(), breachActor(st), facts)
	}
	if len(errs) > 0 || err != nil {
		if !h.addBreachErrors(w, r, f, facts, errs, err) {
			return
		}
		h.renderBreachForm(w, r, http.StatusUnprocessableEntity, f, "", "")
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.opened")
	seeOther(w, r, breachPath(inc.ID))
}

func (h *handler) breachEditShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.Breaches.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.breachFailed(w, r, err)
		return
	}
	if !v.Incident.Open() {
		h.setFlash(w, "err", breach.ErrClosed.ID)
		seeOther(w, r, breachPath(v.Incident.ID))
		return
	}
	h.renderBreachForm(w, r, http.StatusOK, h.factsForm(&v.Incident.Facts), v.Incident.ID, v.Incident.Reference)
}

func (h *handler) breachUpdate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	v, err := h.Breaches.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.breachFailed(w, r, err)
		return
	}
	f, facts, errs := h.readFacts(r)
	if len(errs) == 0 {
		_, err = h.Breaches.Edit(r.Context(), breachActor(st), v.Incident.ID, facts, f.Values["change_reason"])
		if breach.IsNoChange(err) {
			seeOther(w, r, breachPath(v.Incident.ID))
			return
		}
	}
	if len(errs) > 0 || err != nil {
		if !h.addBreachErrors(w, r, f, facts, errs, err) {
			return
		}
		h.renderBreachForm(w, r, http.StatusUnprocessableEntity, f, v.Incident.ID, v.Incident.Reference)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.edited")
	seeOther(w, r, breachPath(v.Incident.ID))
}

// addBreachErrors puts the read and service errors on the form, each tied
// to its input (b-<field>). It answers the request itself, and returns
// false, for an error that is not about the input.
func (h *handler) addBreachErrors(w http.ResponseWriter, r *http.Request, f *form, facts breach.Facts, errs breach.FieldErrors, err error) bool {
	st := h.stateOf(r)
	var fe breach.FieldErrors
	if err == nil && len(errs) > 0 {
		// What could be read is checked too, so every error shows at once.
		fe = h.Breaches.Check(facts)
		for k := range errs {
			delete(fe, k)
		}
		err = fe
	}
	if errors.As(err, &fe) {
		for k, e := range fe {
			if errs[k] == nil {
				errs[k] = e
			}
		}
	} else if err != nil {
		h.breachFailed(w, r, err)
		return false
	}
	for _, name := range errs.Ordered() {
		f.add("b-"+name, errs[name].Localize(st.lz))
	}
	return true
}

// breachFailed answers an error that is not about a form's input: a
// missing incident is a 404, a closed one or a conflict a 409.
func (h *handler) breachFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, breach.ErrNotFound):
		h.notFound(w, r)
	case errors.Is(err, breach.ErrClosed), errors.Is(err, breach.ErrConflict),
		errors.Is(err, breach.ErrCloseUnassessed), errors.Is(err, breach.ErrCloseUnsent):
		var le *i18n.Error
		errors.As(err, &le)
		h.setFlash(w, "err", le.ID)
		if id := r.PathValue("id"); id != "" && r.Method == http.MethodPost {
			seeOther(w, r, breachPath(id))
			return
		}
		h.renderProblem(w, r, http.StatusConflict, "web.problem.server.title", le.ID)
	default:
		h.serverError(w, r, err)
	}
}
