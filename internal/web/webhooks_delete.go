package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/webhooks"
)

// webhookDelete removes an endpoint and the record of its deliveries.
func (h *handler) webhookDelete(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	if err := h.Webhooks.Delete(r.Context(), actor(st.op), r.PathValue("id")); err != nil {
		if errors.Is(err, webhooks.ErrNotFound) {
			h.notFound(w, r)
			return
		}
		h.flashErr(w, r, err, "/webhooks")
		return
	}
	h.setFlash(w, "ok", "web.webhooks.flash.deleted")
	seeOther(w, r, "/webhooks")
}
