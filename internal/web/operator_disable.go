package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// operatorDisable stops an account from signing in and ends its sessions.
func (h *handler) operatorDisable(w http.ResponseWriter, r *http.Request) {
	h.operatorSwitch(w, r, h.Operators.Disable, "web.flash.operator_disabled")
}

// operatorEnable lets a disabled account sign in again.
func (h *handler) operatorEnable(w http.ResponseWriter, r *http.Request) {
	h.operatorSwitch(w, r, h.Operators.Enable, "web.flash.operator_enabled")
}

func (h *handler) operatorSwitch(w http.ResponseWriter, r *http.Request,
	action func(ctx context.Context, actor, email string) error, doneID string) {
	st := h.stateOf(r)
	target, err := h.Operators.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		h.operatorMissing(w, r, err)
		return
	}
	if target.ID == st.op.ID {
		h.setFlash(w, "err", "web.operators.self")
		seeOther(w, r, "/operators")
		return
	}
	if !mayTouchOwner(st.op, target.Role) {
		h.setFlash(w, "err", "web.operators.owner_only")
		seeOther(w, r, "/operators")
		return
	}
	if err := action(r.Context(), actor(st.op), target.Email); err != nil {
		h.flashErr(w, r, err, "/operators")
		return
	}
	h.setFlash(w, "ok", doneID)
	seeOther(w, r, "/operators")
}

// operatorMissing answers an action on an operator that does not exist.
func (h *handler) operatorMissing(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, operator.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	h.serverError(w, r, err)
}
