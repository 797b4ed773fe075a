package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/requests"
)

// suppressTarget reads the entry a change is about and where its form
// was: the request page (from=request) or the list.
func (h *handler) suppressTarget(w http.ResponseWriter, r *http.Request) (*suppress.Entry, bool, bool) {
	e, _, err := h.Suppress.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, suppress.ErrNotFound) {
		h.notFound(w, r)
		return nil, false, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false, false
	}
	return e, r.PostFormValue("from") == "request" && e.RequestID != "", true
}

// suppressBack ends a change: a redirect with a flash when it worked, the
// page of the form again with the error otherwise.
func (h *handler) suppressBack(w http.ResponseWriter, r *http.Request, p *page, e *suppress.Entry, onRequest bool,
	err error, flashID, field string) {
	if err == nil {
		h.setFlash(w, "ok", flashID)
		if onRequest {
			seeOther(w, r, requests.PathRequest+e.RequestID)
		} else {
			seeOther(w, r, "/suppressions")
		}
		return
	}
	if errEntryGone(err) {
		h.notFound(w, r)
		return
	}
	if _, ok := asLocalized(err); !ok {
		h.serverError(w, r, err)
		return
	}
	p.Form.add(field, p.Msg(err))
	if onRequest {
		p.Nav = "requests"
		h.renderRequest(w, r, http.StatusUnprocessableEntity, p, e.RequestID)
		return
	}
	h.renderSuppressList(w, r, http.StatusUnprocessableEntity, p)
}

// suppressPurposes changes what an entry stops (from the request page).
func (h *handler) suppressPurposes(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	e, onRequest, ok := h.suppressTarget(w, r)
	if !ok {
		return
	}
	p := h.newPage(w, r, "suppressions")
	p.Form = &form{Values: map[string]string{}}
	purposes := postedPurposes(r, p.Form, "suppress-purposes")
	_, err := h.Suppress.SetPurposes(r.Context(), requests.OperatorActor(st.op).String(), e.ID, purposes)
	field := suppressField(err, "suppress")
	if errors.Is(err, suppress.ErrLifted) {
		field = "suppress-title"
	}
	h.suppressBack(w, r, p, e, onRequest, err, "suppress.web.purposes_saved", field)
}

// suppressLift lifts an entry with the agent's reason.
func (h *handler) suppressLift(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	e, onRequest, ok := h.suppressTarget(w, r)
	if !ok {
		return
	}
	p := h.newPage(w, r, "suppressions")
	field := "lift-" + e.ID + "-reason"
	if onRequest {
		field = "suppress-lift-reason"
	}
	p.Form = formByID(r, field, "reason")
	_, err := h.Suppress.Lift(r.Context(), requests.OperatorActor(st.op).String(), e.ID, p.Form.Values[field])
	if errors.Is(err, suppress.ErrLifted) {
		field = "list-title"
		if onRequest {
			field = "suppress-title"
		}
	}
	h.suppressBack(w, r, p, e, onRequest, err, "suppress.web.lifted", field)
}
