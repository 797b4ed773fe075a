package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/webhooks"
)

// webhookForm reads the endpoint form. Events are passed on as ticked;
// the service refuses unknown ones.
func webhookForm(r *http.Request) (*form, webhooks.EndpointInput) {
	f := newForm(r, "url", "description", "active")
	f.Picked = map[string]bool{}
	var events []string
	for _, e := range r.PostForm["events"] {
		if !f.Picked[e] {
			f.Picked[e] = true
			events = append(events, e)
		}
	}
	in := webhooks.EndpointInput{
		URL:         f.Values["url"],
		Description: f.Values["description"],
		Events:      events,
		Active:      f.Values["active"] != "",
	}
	return f, in
}

// webhookFailed ties a service error to its input and says whether the
// form should be shown again (false: the answer was already written).
func (h *handler) webhookFailed(w http.ResponseWriter, r *http.Request, p *page, f *form, err error) bool {
	if errors.Is(err, webhooks.ErrNotFound) {
		h.notFound(w, r)
		return false
	}
	le, ok := asLocalized(err)
	if !ok {
		h.serverError(w, r, err)
		return false
	}
	field := "webhook-url"
	switch {
	case strings.Contains(le.ID, "description"):
		field = "webhook-description"
	case strings.Contains(le.ID, "event"):
		field = webhookEventsField()
	}
	f.add(field, p.Msg(err))
	return true
}
