package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestReject refuses the request; the email gives the reason and the
// authority the person may complain to.
func (h *handler) requestReject(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "reject-reason", "reason")
	h.requestAction(w, r, f, "web.requests.flash.rejected", "reject-reason", nil, func(a requests.Actor, id string) error {
		return h.Requests.Reject(r.Context(), a, id, f.Values["reject-reason"])
	})
}
