package web

import "net/http"

// loginShow shows the sign-in form; a signed-in operator goes on directly.
func (h *handler) loginShow(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if h.stateOf(r).op != nil {
		seeOther(w, r, orHome(next))
		return
	}
	p := h.newPage(w, r, "")
	p.V["Next"] = next
	h.render(w, r, http.StatusOK, "login", p)
}

func orHome(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
