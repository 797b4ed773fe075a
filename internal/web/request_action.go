package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// requestAction runs one agent action on the request named in the URL.
// Done, it goes back to the request's page with a flash; refused, it shows
// the page again with the error (localized, tied to its input) and what
// was typed. def is the input an error concerns when nothing better is
// known; pairs map a word of an error's ID to an input id ("outcome",
// "close-outcome").
func (h *handler) requestAction(w http.ResponseWriter, r *http.Request, f *form, okID, def string, pairs []string,
	act func(actor requests.Actor, id string) error) {
	st := h.stateOf(r)
	id := r.PathValue("id")
	if err := act(requests.OperatorActor(st.op), id); err != nil {
		h.requestFailed(w, r, f, errField(err, def, pairs...), err)
		return
	}
	h.setFlash(w, "ok", okID)
	seeOther(w, r, requestPath(id))
}

// requestPath is the back-office page of a request.
func requestPath(id string) string { return requests.PathRequest + url.PathEscape(id) }

// requestFailed shows the request's page again with the error of an
// action. A request that does not exist is a 404 page; anything but a
// localized error is a server error.
func (h *handler) requestFailed(w http.ResponseWriter, r *http.Request, f *form, field string, err error) {
	switch {
	case errors.Is(err, requests.ErrNotFound), errors.Is(err, requests.ErrAttachmentNotFound):
		h.notFound(w, r)
		return
	case errors.Is(err, requests.ErrForbidden):
		h.forbidden(w, r)
		return
	}
	le, ok := asLocalized(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	id := r.PathValue("id")
	p := h.newPage(w, r, "requests")
	p.Path = requestPath(id)
	if f == nil {
		f = &form{Values: map[string]string{}}
	}
	f.add(field, requestMsg(p, le))
	p.Form = f
	h.renderRequest(w, r, requestErrStatus(le), p, id)
}

// conflictIDs are the errors of an action the request's state does not
// allow (409), as opposed to input to correct (422).
var conflictIDs = map[string]bool{
	"requests.error.transition_not_allowed": true,
	"requests.error.closed":                 true,
	"requests.error.conflict":               true,
	"requests.error.extension_none":         true,
	"requests.error.extension_done":         true,
	"requests.error.extension_late":         true,
	"requests.error.task_done":              true,
	"requests.error.delivery_state":         true,
}

func requestErrStatus(le *i18n.Error) int {
	if conflictIDs[le.ID] {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// requestMsg localizes a service error, naming states in the page's
// language rather than by their codes.
func requestMsg(p *page, le *i18n.Error) string {
	args := make([]any, 0, 2*len(le.Data))
	for k, v := range le.Data {
		if s, ok := v.(string); ok && (k == "From" || k == "To") {
			if st := requests.State(s); st.Valid() {
				v = p.T(st.LabelID())
			}
		}
		args = append(args, k, v)
	}
	return p.T(le.ID, args...)
}

// errField picks the input an error concerns: the input paired with the
// first word found in the error's ID, else def.
func errField(err error, def string, pairs ...string) string {
	le, ok := asLocalized(err)
	if !ok {
		return def
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.Contains(le.ID, pairs[i]) {
			return pairs[i+1]
		}
	}
	return def
}
