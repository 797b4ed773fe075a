package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// registerBreaches adds the pages of the breach register: viewers read it,
// agents record and handle incidents.
func (h *handler) registerBreaches(mux *http.ServeMux) {
	if h.Breaches == nil {
		return
	}
	mux.Handle("GET /breaches", h.requireRole(operator.Viewer, h.breachListShow))
	mux.Handle("GET /breaches/register.csv", h.requireRole(operator.Viewer, h.breachExport))
	mux.Handle("GET /breaches/register.pdf", h.requireRole(operator.Viewer, h.breachExportPDF))
	mux.Handle("GET /breaches/new", h.requireRole(operator.Agent, h.breachNewShow))
	mux.Handle("POST /breaches", h.requireRole(operator.Agent, h.breachCreate))
	mux.Handle("GET /breaches/{id}", h.requireRole(operator.Viewer, h.breachShow))
	mux.Handle("GET /breaches/{id}/edit", h.requireRole(operator.Agent, h.breachEditShow))
	mux.Handle("POST /breaches/{id}", h.requireRole(operator.Agent, h.breachUpdate))
	mux.Handle("POST /breaches/{id}/assess", h.requireRole(operator.Agent, h.breachAssess))
	mux.Handle("POST /breaches/{id}/notify", h.requireRole(operator.Agent, h.breachNotify))
	mux.Handle("POST /breaches/{id}/send", h.requireRole(operator.Agent, h.breachSend))
	mux.Handle("POST /breaches/{id}/close", h.requireRole(operator.Agent, h.breachClose))
	mux.Handle("GET /breaches/{id}/draft", h.requireRole(operator.Viewer, h.breachDraftShow))
	mux.Handle("POST /breaches/{id}/draft", h.requireRole(operator.Agent, h.breachDraftSave))
}

// HasBreaches reports whether this back office serves the breach register.
func (p *page) HasBreaches() bool { return p.h.Breaches != nil }
