package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestPause stops the clock while the person clarifies their request
// (laws that allow it); the question is emailed to them.
func (h *handler) requestPause(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "pause-question", "question")
	h.requestAction(w, r, f, "web.requests.flash.paused", "pause-question", nil, func(a requests.Actor, id string) error {
		return h.Requests.PauseForClarification(r.Context(), a, id, f.Values["pause-question"])
	})
}
