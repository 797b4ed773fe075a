package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemDelete removes a system; the tasks it had keep its name.
func (h *handler) systemDelete(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "systems")
	f := &form{Values: map[string]string{}}
	err := h.Requests.DeleteSystem(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"))
	if err != nil {
		if h.systemFailed(w, r, p, f, err) {
			p.Form = f
			h.renderSystems(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.systems.flash.deleted")
	seeOther(w, r, "/systems")
}
