package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestVerify confirms by hand a request whose person proved their
// address another way (phone, in person); the reason says how.
func (h *handler) requestVerify(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "verify-reason", "reason")
	h.requestAction(w, r, f, "web.requests.flash.verified", "verify-reason", nil, func(a requests.Actor, id string) error {
		return h.Requests.VerifyManually(r.Context(), a, id, f.Values["verify-reason"])
	})
}
