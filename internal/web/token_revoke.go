package web

import "net/http"

// tokenRevoke stops a token from working; it stays listed as revoked.
func (h *handler) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	if err := h.Operators.RevokeToken(r.Context(), actor(st.op), r.PathValue("id")); err != nil {
		h.flashErr(w, r, err, "/tokens")
		return
	}
	h.setFlash(w, "ok", "web.flash.token_revoked")
	seeOther(w, r, "/tokens")
}
