package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestNote adds an internal note to the timeline; the person never
// sees it.
func (h *handler) requestNote(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "note-body", "body")
	h.requestAction(w, r, f, "web.requests.flash.noted", "note-body", nil, func(a requests.Actor, id string) error {
		_, err := h.Requests.AddNote(r.Context(), a, id, f.Values["note-body"])
		return err
	})
}
