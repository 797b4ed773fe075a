package web

import "net/http"

// webhookUpdate changes an endpoint, or switches it off.
func (h *handler) webhookUpdate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "webhooks")
	f, in := webhookForm(r)
	p.Form = f
	ep, err := h.Webhooks.Update(r.Context(), actor(st.op), r.PathValue("id"), in)
	if err != nil {
		if h.webhookFailed(w, r, p, f, err) {
			h.renderWebhook(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.webhooks.flash.updated")
	seeOther(w, r, "/webhooks/"+ep.ID)
}
