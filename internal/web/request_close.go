package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestClose ends a request without an answer (withdrawn, duplicate, no
// reply…); the note, if any, goes to the person.
func (h *handler) requestClose(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "close-outcome", "outcome", "close-note", "note")
	pairs := []string{"outcome", "close-outcome", "reason", "close-note"}
	h.requestAction(w, r, f, "web.requests.flash.closed", "close-outcome", pairs, func(a requests.Actor, id string) error {
		o := requests.Outcome(f.Values["close-outcome"])
		return h.Requests.Close(r.Context(), a, id, o, f.Values["close-note"])
	})
}
