package web

import "net/http"

// logoutSubmit ends the session on the server and in the browser.
func (h *handler) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	if st := h.stateOf(r); st.token != "" {
		if err := h.Operators.Logout(r.Context(), st.token); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.clearSession(w)
	h.setFlash(w, "ok", "web.flash.logged_out")
	seeOther(w, r, "/login")
}
