package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/webhooks"
)

// deliveriesShown is how many recent deliveries the endpoint page lists.
const deliveriesShown = 50

// webhookShow shows an endpoint: its settings, its secret's rotation, its
// deletion and its recent deliveries.
func (h *handler) webhookShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "webhooks")
	h.renderWebhook(w, r, http.StatusOK, p)
}

func (h *handler) renderWebhook(w http.ResponseWriter, r *http.Request, status int, p *page) {
	ep, err := h.Webhooks.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, webhooks.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	deliveries, err := h.Webhooks.Deliveries(r.Context(), ep.ID, deliveriesShown)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = &form{Values: map[string]string{"url": ep.URL, "description": ep.Description}, Picked: map[string]bool{}}
		if ep.Active {
			p.Form.Values["active"] = "on"
		}
		for _, e := range ep.Events {
			p.Form.Picked[e] = true
		}
	}
	p.Path = "/webhooks/" + ep.ID
	p.V["Endpoint"] = ep
	p.V["Deliveries"] = deliveries
	p.V["Events"] = webhookEventChoices(p)
	p.V["EventsField"] = webhookEventsField()
	p.V["Active"] = p.Form.Values["active"] != ""
	h.render(w, r, status, "webhooks_endpoint", p)
}
