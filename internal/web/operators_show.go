package web

import "net/http"

// operatorsShow lists the accounts with their actions, and the form that
// adds one.
func (h *handler) operatorsShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "operators")
	h.renderOperators(w, r, http.StatusOK, p)
}

func (h *handler) renderOperators(w http.ResponseWriter, r *http.Request, status int, p *page) {
	ops, err := h.Operators.List(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Operators"] = ops
	h.render(w, r, status, "operators", p)
}
