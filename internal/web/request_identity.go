package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestIdentity holds the request until an agent confirms who the
// person is; the reason says what does not match.
func (h *handler) requestIdentity(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "identity-reason", "reason")
	h.requestAction(w, r, f, "web.requests.flash.identity", "identity-reason", nil, func(a requests.Actor, id string) error {
		return h.Requests.StartIdentityCheck(r.Context(), a, id, f.Values["identity-reason"])
	})
}
