package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestExtend moves the due date to the latest the law allows, once;
// the person is told why by email.
func (h *handler) requestExtend(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "extend-reason", "reason")
	h.requestAction(w, r, f, "web.requests.flash.extended", "extend-reason", nil, func(a requests.Actor, id string) error {
		return h.Requests.Extend(r.Context(), a, id, f.Values["extend-reason"])
	})
}
