package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestAttachmentKeep sets whether a file survives the request's
// closure; admins and owners decide.
func (h *handler) requestAttachmentKeep(w http.ResponseWriter, r *http.Request) {
	keep := r.PostFormValue("keep") != ""
	done := "web.requests.flash.attachment_released"
	if keep {
		done = "web.requests.flash.attachment_kept"
	}
	h.requestAction(w, r, nil, done, "attachments-title", nil, func(a requests.Actor, id string) error {
		return h.Requests.SetAttachmentKeep(r.Context(), a, id, r.PathValue("att"), keep)
	})
}
