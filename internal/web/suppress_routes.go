package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// registerSuppress serves the suppression list: viewers read it and check
// an address, agents add addresses, change what an entry stops and lift
// entries (from the list or from the request page).
func (h *handler) registerSuppress(mux *http.ServeMux) {
	if h.Suppress == nil || h.Requests == nil {
		return
	}
	mux.Handle("GET /suppressions", h.requireRole(operator.Viewer, h.suppressListShow))
	// The address to check is posted, so it stays out of URLs and logs.
	mux.Handle("POST /suppressions/check", h.requireRole(operator.Viewer, h.suppressCheck))
	mux.Handle("POST /suppressions", h.requireRole(operator.Agent, h.suppressAdd))
	mux.Handle("POST /suppressions/{id}/purposes", h.requireRole(operator.Agent, h.suppressPurposes))
	mux.Handle("POST /suppressions/{id}/lift", h.requireRole(operator.Agent, h.suppressLift))
}

// HasSuppress reports whether this back office serves the suppression list.
func (p *page) HasSuppress() bool { return p.h.Suppress != nil && p.h.Requests != nil }
