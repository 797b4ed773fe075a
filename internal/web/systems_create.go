package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemCreate adds a connected system; verified requests get a task for
// it from then on.
func (h *handler) systemCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "systems")
	p.Path = "/systems"
	f, in := systemForm(r)
	p.Form = f
	_, err := h.Requests.CreateSystem(r.Context(), requests.OperatorActor(st.op), in)
	if err != nil {
		if h.systemFailed(w, r, p, f, err) {
			h.renderSystems(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.systems.flash.created")
	seeOther(w, r, "/systems")
}
