package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestComplete ends an answered request with its outcome; the note, if
// any, goes to the person.
func (h *handler) requestComplete(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "complete-outcome", "outcome", "complete-note", "note")
	pairs := []string{"outcome", "complete-outcome", "reason", "complete-note"}
	h.requestAction(w, r, f, "web.requests.flash.completed", "complete-outcome", pairs, func(a requests.Actor, id string) error {
		o := requests.Outcome(f.Values["complete-outcome"])
		return h.Requests.Complete(r.Context(), a, id, o, f.Values["complete-note"])
	})
}
