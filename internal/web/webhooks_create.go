package web

import "net/http"

// webhookCreate adds an endpoint and shows its signing secret, once: the
// response is not cached and only the sealed secret is stored.
func (h *handler) webhookCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "webhooks")
	f, in := webhookForm(r)
	in.Active = true
	p.Form = f
	ep, secret, err := h.Webhooks.Create(r.Context(), actor(st.op), in)
	if err != nil {
		if h.webhookFailed(w, r, p, f, err) {
			h.renderWebhooks(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	p.Form = nil
	p.V["Created"] = ep
	p.V["Secret"] = secret
	h.renderWebhooks(w, r, http.StatusOK, p)
}
