package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// registerWebhooks adds the pages of outgoing webhooks, for admins: they
// decide where data about requests goes.
func (h *handler) registerWebhooks(mux *http.ServeMux) {
	if h.Webhooks == nil {
		return
	}
	mux.Handle("GET /webhooks", h.requireRole(operator.Admin, h.webhooksShow))
	mux.Handle("POST /webhooks", h.requireRole(operator.Admin, h.webhookCreate))
	mux.Handle("GET /webhooks/{id}", h.requireRole(operator.Admin, h.webhookShow))
	mux.Handle("POST /webhooks/{id}", h.requireRole(operator.Admin, h.webhookUpdate))
	mux.Handle("POST /webhooks/{id}/rotate", h.requireRole(operator.Admin, h.webhookRotate))
	mux.Handle("POST /webhooks/{id}/delete", h.requireRole(operator.Admin, h.webhookDelete))
	mux.Handle("POST /webhooks/{id}/deliveries/{delivery}/redeliver", h.requireRole(operator.Admin, h.webhookRedeliver))
}

// HasWebhooks says whether the webhook pages are served (for the navigation).
func (p *page) HasWebhooks() bool { return p.h.Webhooks != nil }

// webhookEventChoice is one checkbox of the events fieldset.
type webhookEventChoice struct {
	Name, ID, Label string
	Checked         bool
}

// webhookEventsField is the input the events' errors link to: the first
// checkbox.
func webhookEventsField() string {
	if ev := webhooks.Events(); len(ev) > 0 {
		return webhookEventID(ev[0].Name)
	}
	return "webhook-url"
}

// webhookEventID turns "request.created" into an element id.
func webhookEventID(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return "event-" + string(b)
}

// webhookEventChoices are the registered events, ticked as in the form.
func webhookEventChoices(p *page) []webhookEventChoice {
	var picked map[string]bool
	if p.Form != nil {
		picked = p.Form.Picked
	}
	events := webhooks.Events()
	out := make([]webhookEventChoice, 0, len(events))
	for _, e := range events {
		out = append(out, webhookEventChoice{Name: e.Name, ID: webhookEventID(e.Name), Label: p.T(e.LabelID), Checked: picked[e.Name]})
	}
	return out
}

// webhookBadge is the badge class of a delivery status, from the ones the
// stylesheet has.
func webhookBadge(status string) string {
	switch status {
	case webhooks.StatusDelivered:
		return "on"
	case webhooks.StatusFailed:
		return "failed"
	case webhooks.StatusRetrying:
		return "retrying"
	}
	return "queued"
}

// EventLabel names an event in the page's language (its name when it is
// no longer registered).
func (p *page) EventLabel(name string) string {
	for _, e := range webhooks.Events() {
		if e.Name == name {
			return p.T(e.LabelID)
		}
	}
	return name
}

// DeliveryBadge is the badge class of a delivery status.
func (p *page) DeliveryBadge(status string) string { return webhookBadge(status) }
