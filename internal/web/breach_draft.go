package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
)

// breachDraftShow shows the draft of one notice in one language: the
// newest saved version, or the text written from the facts, to edit, with
// the earlier versions.
func (h *handler) breachDraftShow(w http.ResponseWriter, r *http.Request) {
	h.renderDraft(w, r, http.StatusOK, nil)
}

func (h *handler) renderDraft(w http.ResponseWriter, r *http.Request, status int, f *form) {
	q := r.URL.Query()
	key, lang := q.Get("obligation"), i18n.Lang(q.Get("lang"))
	if r.Method == http.MethodPost {
		key, lang = r.PostFormValue("obligation"), i18n.Lang(r.PostFormValue("lang"))
	}
	v, err := h.Breaches.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.breachFailed(w, r, err)
		return
	}
	d, err := h.Breaches.Draft(r.Context(), v.Incident.ID, key, lang)
	if err != nil {
		if errors.As(err, new(breach.FieldErrors)) {
			h.notFound(w, r)
			return
		}
		h.breachFailed(w, r, err)
		return
	}
	p := h.newPage(w, r, "breaches")
	if f == nil {
		f = &form{Values: map[string]string{"d-body": d.Body}}
	}
	p.Form = f
	var ob obligationView
	for _, o := range p.obligationViews(v.Obligations) {
		if o.Key == key {
			ob = o
		}
	}
	versions := v.Versions(key, lang)
	if n, err := strconv.Atoi(q.Get("version")); err == nil && r.Method == http.MethodGet {
		for _, old := range versions {
			if old.Version == n {
				f.Values["d-body"] = old.Body
				p.V["Viewing"] = n
			}
		}
	}
	names, err := h.actorNames(r.Context(), p, nil)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	type version struct {
		breach.Draft
		By string
	}
	listed := make([]version, 0, len(versions))
	for _, old := range versions {
		listed = append(listed, version{old, names.of(old.CreatedBy)})
	}
	p.V["Inc"], p.V["Draft"], p.V["Ob"], p.V["Versions"] = v.Incident, d, ob, listed
	p.V["Key"], p.V["DraftLang"], p.V["Links"] = key, string(lang), draftLinks(v.Incident.ID, key)
	p.V["Open"] = v.Incident.Open()
	h.render(w, r, status, "breach_draft", p)
}

// breachDraftSave stores the edited text as the next version.
func (h *handler) breachDraftSave(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f := formByID(r, "d-body", "body")
	key, lang := r.PostFormValue("obligation"), i18n.Lang(r.PostFormValue("lang"))
	id := r.PathValue("id")
	if _, err := h.Breaches.SaveDraft(r.Context(), breachActor(st), id, key, lang, f.Values["d-body"]); err != nil {
		var fe breach.FieldErrors
		if errors.As(err, &fe) && fe["body"] != nil {
			f.add("d-body", fe["body"].Localize(st.lz))
			h.renderDraft(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		if errors.As(err, &fe) {
			h.notFound(w, r)
			return
		}
		h.breachFailed(w, r, err)
		return
	}
	h.setFlash(w, "ok", "breach.web.flash.draft_saved")
	seeOther(w, r, breachPath(id)+"/draft?obligation="+urlQuery(key)+"&lang="+string(lang))
}
