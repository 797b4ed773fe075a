package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/garde-privacy/garde/internal/inventory"
)

// inventoryExport downloads the current inventory as YAML, the file the
// import and the docs commands read.
func (h *handler) inventoryExport(w http.ResponseWriter, r *http.Request) {
	_, rev, err := h.Inventory.Current(r.Context())
	if errors.Is(err, inventory.ErrNoInventory) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="inventory-%d.yaml"`, rev.Number))
	_, _ = w.Write(rev.Body)
}
