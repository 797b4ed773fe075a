package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemUpdate changes a system, or switches it off (inactive systems get
// no new tasks; their past tasks stay).
func (h *handler) systemUpdate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "systems")
	f, in := systemForm(r)
	p.Form = f
	_, err := h.Requests.UpdateSystem(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"), in)
	if err != nil {
		if h.systemFailed(w, r, p, f, err) {
			h.renderSystemEdit(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.systems.flash.updated")
	seeOther(w, r, "/systems")
}
