package web

import "net/http"

// accountShow shows the operator's own account and the password form.
func (h *handler) accountShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "account")
	h.render(w, r, http.StatusOK, "account", p)
}
