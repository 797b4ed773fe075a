package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemsShow lists the connected systems and, for admins, the form that
// adds one.
func (h *handler) systemsShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "systems")
	h.renderSystems(w, r, http.StatusOK, p)
}

func (h *handler) renderSystems(w http.ResponseWriter, r *http.Request, status int, p *page) {
	systems, err := h.Requests.Systems(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Systems"] = systems
	p.V["Kinds"] = systemKinds(p)
	h.render(w, r, status, "systems_page", p)
}

// systemKinds are the kinds of system with their names and explanations.
func systemKinds(p *page) []systemKind {
	out := make([]systemKind, 0, len(requests.SystemKinds))
	for _, k := range requests.SystemKinds {
		out = append(out, systemKind{
			Value: string(k), Label: p.T("web.systems.kind." + string(k)), Hint: p.T("web.systems.kind_hint." + string(k)),
		})
	}
	return out
}

type systemKind struct {
	Value, Label, Hint string
}
