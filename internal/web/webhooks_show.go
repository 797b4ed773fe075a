package web

import "net/http"

// webhooksShow lists the endpoints and the form that adds one.
func (h *handler) webhooksShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "webhooks")
	h.renderWebhooks(w, r, http.StatusOK, p)
}

func (h *handler) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, p *page) {
	list, err := h.Webhooks.List(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Endpoints"] = list
	p.V["Events"] = webhookEventChoices(p)
	p.V["EventsField"] = webhookEventsField()
	h.render(w, r, status, "webhooks_list", p)
}
