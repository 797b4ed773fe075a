package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/webhooks"
)

// webhookRedeliver sends a delivery's event again, as a new delivery.
func (h *handler) webhookRedeliver(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	ep, err := h.Webhooks.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, webhooks.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// The delivery must be one of this endpoint's: the path says so.
	d, err := h.Webhooks.Delivery(r.Context(), r.PathValue("delivery"))
	if errors.Is(err, webhooks.ErrDeliveryNotFound) || (err == nil && d.EndpointID != ep.ID) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	back := "/webhooks/" + ep.ID
	if _, err := h.Webhooks.Redeliver(r.Context(), actor(st.op), d.ID); err != nil {
		h.flashErr(w, r, err, back)
		return
	}
	h.setFlash(w, "ok", "web.webhooks.flash.redelivered")
	seeOther(w, r, back)
}
