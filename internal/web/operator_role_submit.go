package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// operatorRoleSubmit changes an operator's role. The service refuses what
// would leave Garde without an owner or let an admin raise someone above
// themselves.
func (h *handler) operatorRoleSubmit(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	role := operator.Role(r.PostFormValue("role"))
	if !role.Valid() {
		h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "web.operators.role_invalid")
		return
	}
	// Changing one's own role from the list is refused: an owner demoting
	// themselves by mistake could lock themselves out of this page.
	if r.PathValue("id") == st.op.ID {
		h.setFlash(w, "err", "web.operators.self")
		seeOther(w, r, "/operators")
		return
	}
	target, err := h.Operators.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.flashErr(w, r, err, "/operators")
		return
	}
	if !mayTouchOwner(st.op, role, target.Role) {
		h.setFlash(w, "err", "web.operators.owner_only")
		seeOther(w, r, "/operators")
		return
	}
	if err := h.Operators.SetRole(r.Context(), actor(st.op), r.PathValue("id"), role); err != nil {
		h.flashErr(w, r, err, "/operators")
		return
	}
	h.setFlash(w, "ok", "web.flash.role_changed")
	seeOther(w, r, "/operators")
}
