package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestResume restarts the clock once the clarification arrived; the
// due date moves by the days it stood still.
func (h *handler) requestResume(w http.ResponseWriter, r *http.Request) {
	h.requestAction(w, r, nil, "web.requests.flash.resumed", "resume-title", nil, func(a requests.Actor, id string) error {
		return h.Requests.ResumeAfterClarification(r.Context(), a, id)
	})
}
