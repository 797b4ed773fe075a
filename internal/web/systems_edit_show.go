package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemEditShow shows a system's form, filled in, and the button that
// deletes it.
func (h *handler) systemEditShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "systems")
	h.renderSystemEdit(w, r, http.StatusOK, p)
}

func (h *handler) renderSystemEdit(w http.ResponseWriter, r *http.Request, status int, p *page) {
	sys, err := h.Requests.GetSystem(r.Context(), r.PathValue("id"))
	if errors.Is(err, requests.ErrSystemNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		active := ""
		if sys.Active {
			active = "on"
		}
		p.Form = &form{Values: map[string]string{
			"system-name": sys.Name, "system-owner": sys.OwnerEmail, "system-kind": string(sys.Kind),
			"system-description": sys.Description, "system-active": active,
		}}
	}
	p.Path = "/systems/" + sys.ID
	p.V["System"] = sys
	p.V["Kinds"] = systemKinds(p)
	h.render(w, r, status, "systems_page", p)
}
