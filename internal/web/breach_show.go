package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
)

func (h *handler) breachShow(w http.ResponseWriter, r *http.Request) {
	h.renderBreach(w, r, http.StatusOK, nil)
}

// renderBreach shows an incident: facts, notifications with their clocks,
// the assessment per law, the forms to act, and the timeline. f is a form
// being shown again with its errors.
func (h *handler) renderBreach(w http.ResponseWriter, r *http.Request, status int, f *form) {
	v, err := h.Breaches.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.breachFailed(w, r, err)
		return
	}
	p := h.newPage(w, r, "breaches")
	p.Form = f
	inc := v.Incident
	fa := &inc.Facts
	var kinds, cats, res []string
	for _, k := range fa.Kinds {
		kinds = append(kinds, p.T("breach.kind."+string(k)))
	}
	for _, c := range fa.Categories {
		cats = append(cats, p.T("breach.category."+c))
	}
	regions := make([]string, 0, len(fa.Residents))
	for reg := range fa.Residents {
		regions = append(regions, reg)
	}
	sort.Strings(regions)
	for _, reg := range regions {
		res = append(res, reg+" "+breach.FormatNumber(p.Lang, fa.Residents[reg]))
	}
	obs := p.obligationViews(v.Obligations)
	var owed []bchoice
	for _, o := range obs {
		if o.Owed {
			owed = append(owed, bchoice{o.Key, o.Recipient + " — " + o.Law, f != nil && f.Values["n-obligation"] == o.Key})
		}
	}
	var persons []bchoice
	for _, o := range v.Obligations {
		if o.Notice.Audience == breach.ToPersons && o.Status.Owed() && o.Status != breach.StatusAwaitingAssessment {
			persons = append(persons, bchoice{o.Key, o.Law.Name(p.Lang), f != nil && f.Values["s-obligation"] == o.Key})
		}
	}
	emails, err := h.Breaches.NoticeEmails(r.Context(), inc.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sentBy := map[string]map[string]int{}
	for _, e := range emails {
		if sentBy[e.Obligation] == nil {
			sentBy[e.Obligation] = map[string]int{}
		}
		sentBy[e.Obligation][e.Status]++
	}
	var mailed []string
	for _, o := range obs {
		if c := sentBy[o.Key]; c != nil {
			mailed = append(mailed, p.T("breach.web.mailed", "Recipient", o.Law, "Sent", c["sent"],
				"Queued", c["queued"]+c["retrying"], "Failed", c["failed"]))
		}
	}
	p.V["Persons"], p.V["Mailed"] = persons, mailed
	var laws []string
	seen := map[string]bool{}
	for _, o := range v.Obligations {
		if !seen[o.Law.ID] {
			seen[o.Law.ID] = true
			laws = append(laws, o.Law.Name(p.Lang))
		}
	}
	p.V["Inc"], p.V["Open"] = inc, inc.Open()
	p.V["Kinds"], p.V["Categories"], p.V["Residents"] = strings.Join(kinds, ", "), strings.Join(cats, ", "), strings.Join(res, ", ")
	p.V["PersonsCount"] = breach.FormatNumber(p.Lang, fa.Persons)
	p.V["Records"] = breach.FormatNumber(p.Lang, fa.Records)
	p.V["Obligations"], p.V["Owed"], p.V["Laws"] = obs, owed, strings.Join(laws, ", ")
	p.V["Assess"] = p.assessViews(inc, v.Obligations)
	// Actors by name: operators, and API tokens when one acted.
	names, err := h.actorNames(r.Context(), p, nil)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, e := range v.Events {
		if strings.HasPrefix(e.Actor, "token:") {
			toks, err := h.Operators.ListTokens(r.Context())
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			for _, t := range toks {
				names.tokens[t.ID] = t.Name
			}
			break
		}
	}
	p.V["Timeline"] = p.eventViews(v.Events, names.of)
	p.V["Zone"] = h.Breaches.Location().String()
	p.V["Now"] = time.Now().In(h.Breaches.Location()).Format(localInput)
	if inc.RetainUntil != nil {
		p.V["Retain"] = p.Day(inc.RetainUntil)
	} else {
		p.V["Retain"] = ""
	}
	h.render(w, r, status, "breach_show", p)
}

// breachFormFailed shows the incident page again with the errors of one
// of its forms; prefix is the form's input id prefix (a-law-, n-, c-).
func (h *handler) breachFormFailed(w http.ResponseWriter, r *http.Request, f *form, prefix string, err error) {
	var fe breach.FieldErrors
	if !errors.As(err, &fe) {
		h.breachFailed(w, r, err)
		return
	}
	st := h.stateOf(r)
	for _, name := range fe.Ordered() {
		f.add(prefix+name, fe[name].Localize(st.lz))
	}
	h.renderBreach(w, r, http.StatusUnprocessableEntity, f)
}

// breachAssess records the assessment under the law named in the form.
func (h *handler) breachAssess(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	_ = r.ParseForm()
	law := strings.TrimSpace(r.PostFormValue("law"))
	prefix := "a-" + law + "-"
	f := &form{Values: map[string]string{prefix + "reasoning": r.PostFormValue("reasoning")}}
	in := breach.AssessInput{LawID: law, Level: r.PostFormValue("level"), Reasoning: r.PostFormValue("reasoning"),
		Consulted: r.PostFormValue("consulted") == "on", Exemptions: r.PostForm["exemptions"], Factors: map[string]string{}}
	for _, fac := range breach.Factors {
		if v := r.PostFormValue("factor-" + fac); v != "" {
			in.Factors[fac] = v
		}
	}
	if _, err := h.Breaches.Assess(r.Context(), breachActor(st), r.PathValue("id"), in); err != nil {
		h.breachFormFailed(w, r, f, prefix, err)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.assessed")
	seeOther(w, r, breachPath(r.PathValue("id")))
}

// breachNotify records a notice sent.
func (h *handler) breachNotify(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f := formByID(r, "n-obligation", "obligation", "n-sent_at", "sent_at", "n-reference", "reference", "n-note", "note")
	in := breach.NotifyInput{Obligation: f.Values["n-obligation"], Reference: f.Values["n-reference"], Note: f.Values["n-note"]}
	if s := strings.Replace(f.Values["n-sent_at"], " ", "T", 1); s != "" {
		t, err := time.ParseInLocation(localInput, s, h.Breaches.Location())
		if err != nil {
			h.breachFormFailed(w, r, f, "n-", breach.FieldErrors{"sent_at": breach.ErrDateInvalid})
			return
		}
		in.SentAt = t
	}
	if _, err := h.Breaches.RecordNotification(r.Context(), breachActor(st), r.PathValue("id"), in); err != nil {
		h.breachFormFailed(w, r, f, "n-", err)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.notified")
	seeOther(w, r, breachPath(r.PathValue("id")))
}

// breachClose ends the handling of an incident.
func (h *handler) breachClose(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f := formByID(r, "c-note", "note")
	if _, err := h.Breaches.Close(r.Context(), breachActor(st), r.PathValue("id"), f.Values["c-note"]); err != nil {
		if errors.Is(err, breach.ErrCloseUnassessed) || errors.Is(err, breach.ErrCloseUnsent) {
			f.add("c-note", breachPage(h, r).Msg(err))
			h.renderBreach(w, r, http.StatusConflict, f)
			return
		}
		h.breachFormFailed(w, r, f, "c-", err)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.closed")
	seeOther(w, r, breachPath(r.PathValue("id")))
}

// breachPage is a page-less localizer for messages built before the page.
func breachPage(h *handler, r *http.Request) *page {
	st := h.stateOf(r)
	return &page{Lang: st.lang, h: h, lz: st.lz}
}

// breachSend emails a notice to the persons listed, one per line: an
// address and, optionally, the language (en, fr or nl; English when absent).
func (h *handler) breachSend(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f := formByID(r, "s-obligation", "obligation", "s-recipients", "recipients")
	var to []breach.Recipient
	for _, line := range strings.Split(f.Values["s-recipients"], "\n") {
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' })
		switch len(parts) {
		case 0:
			continue
		case 1:
			to = append(to, breach.Recipient{Email: parts[0]})
		default:
			to = append(to, breach.Recipient{Email: parts[0], Lang: i18n.Lang(strings.ToLower(parts[1]))})
		}
	}
	if _, err := h.Breaches.SendNotices(r.Context(), breachActor(st), r.PathValue("id"), f.Values["s-obligation"], to); err != nil {
		if errors.Is(err, breach.ErrMailDisabled) {
			f.add("s-recipients", breachPage(h, r).Msg(err))
			h.renderBreach(w, r, http.StatusConflict, f)
			return
		}
		h.breachFormFailed(w, r, f, "s-", err)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.sent")
	seeOther(w, r, breachPath(r.PathValue("id")))
}
