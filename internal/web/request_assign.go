package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestAssign gives the request to the agent who pressed "Assign to me",
// to the operator chosen in the list, or to nobody (an empty choice).
func (h *handler) requestAssign(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	f := formByID(r, "assign-operator", "operator")
	to := f.Values["assign-operator"]
	if r.PostFormValue("me") != "" {
		to = st.op.ID
	}
	done := "web.requests.flash.assigned"
	if to == "" {
		done = "web.requests.flash.unassigned"
	}
	h.requestAction(w, r, f, done, "assign-operator", nil, func(a requests.Actor, id string) error {
		return h.Requests.Assign(r.Context(), a, id, to)
	})
}
