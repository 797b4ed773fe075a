package web

import (
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestDeliver hands the chosen files to the person: they download them
// from their status page until the delivery ends, and are told by email.
func (h *handler) requestDeliver(w http.ResponseWriter, r *http.Request) {
	f := formByID(r, "deliver-message", "message", "deliver-days", "days")
	ids := r.PostForm["file"]
	f.Picked = map[string]bool{}
	for _, id := range ids {
		f.Picked[id] = true
	}
	pairs := []string{"days", "deliver-days", "body", "deliver-message"}
	h.requestAction(w, r, f, "web.requests.flash.delivered", "deliver-files", pairs, func(a requests.Actor, id string) error {
		days := 0
		if s := f.Values["deliver-days"]; s != "" {
			// Typed, the number must be one the service accepts; only
			// an empty field means the default.
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return requests.ErrDeliveryDays
			}
			days = n
		}
		return h.Requests.Deliver(r.Context(), a, id, requests.DeliverInput{
			AttachmentIDs: ids, Message: f.Values["deliver-message"], ValidDays: days,
		})
	})
}

// FormPicked reports whether the checkbox with that value was ticked when
// the page shows a form again.
func (p *page) FormPicked(value string) bool {
	return p.Form != nil && p.Form.Picked[value]
}
