package web

import "net/http"

// auditVerify recomputes the hash chain and shows the result above the
// newest entries: how many entries were checked, or the first one that was
// changed, removed or reordered.
func (h *handler) auditVerify(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "audit")
	brk, checked, err := h.Audit.Verify(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Verified"] = true
	p.V["Checked"] = checked
	p.V["Break"] = brk
	h.renderAudit(w, r, http.StatusOK, p)
}
