package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/webhooks"
)

// webhookRotate gives an endpoint a new signing secret and shows it, once.
func (h *handler) webhookRotate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "webhooks")
	secret, err := h.Webhooks.RotateSecret(r.Context(), actor(st.op), r.PathValue("id"))
	if errors.Is(err, webhooks.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Secret"] = secret
	h.renderWebhook(w, r, http.StatusOK, p)
}
