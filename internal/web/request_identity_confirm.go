package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestIdentityConfirm records how the person's identity was confirmed
// and resumes the work.
func (h *handler) requestIdentityConfirm(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "confirm-method", "method", "confirm-note", "note")
	pairs := []string{"method", "confirm-method", "reason", "confirm-note"}
	h.requestAction(w, r, f, "web.requests.flash.confirmed", "confirm-method", pairs, func(a requests.Actor, id string) error {
		m := requests.IdentityMethod(f.Values["confirm-method"])
		return h.Requests.ConfirmIdentity(r.Context(), a, id, m, f.Values["confirm-note"])
	})
}
