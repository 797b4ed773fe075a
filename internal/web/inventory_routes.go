package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// registerInventory adds the data inventory pages: viewers read it, admins
// import it (an import rewrites what the documents say).
func (h *handler) registerInventory(mux *http.ServeMux) {
	if h.Inventory == nil {
		return
	}
	mux.Handle("GET /inventory", h.requireRole(operator.Viewer, h.inventoryShow))
	mux.Handle("POST /inventory/import", h.requireRole(operator.Admin, h.inventoryImport))
	mux.Handle("GET /inventory/export", h.requireRole(operator.Viewer, h.inventoryExport))
	h.registerQuestionnaire(mux)
}

// HasInventory reports whether the inventory and document pages are served.
func (p *page) HasInventory() bool { return p.h.Inventory != nil && p.h.Docs != nil }
