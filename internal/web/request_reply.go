package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestReply writes to the person: the message shows on their status
// page and goes out by email in their language.
func (h *handler) requestReply(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "reply-body", "body")
	h.requestAction(w, r, f, "web.requests.flash.replied", "reply-body", nil, func(a requests.Actor, id string) error {
		_, err := h.Requests.Reply(r.Context(), a, id, f.Values["reply-body"])
		return err
	})
}
