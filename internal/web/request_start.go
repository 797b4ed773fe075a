package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestStart marks a confirmed request as being worked on.
func (h *handler) requestStart(w http.ResponseWriter, r *http.Request) {
	h.requestAction(w, r, nil, "web.requests.flash.started", "actions-title", nil, func(a requests.Actor, id string) error {
		return h.Requests.Start(r.Context(), a, id)
	})
}
