package web

import (
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/audit"
)

const auditPageSize = 50

// auditShow lists the newest audit entries, a page at a time going back
// with ?before=<seq>.
func (h *handler) auditShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "audit")
	h.renderAudit(w, r, http.StatusOK, p)
}

func (h *handler) renderAudit(w http.ResponseWriter, r *http.Request, status int, p *page) {
	var before int64
	if s := r.URL.Query().Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "web.audit.before_invalid")
			return
		}
		before = n
	}
	// One more than shown tells whether an older page exists.
	entries, err := h.Audit.List(r.Context(), audit.ListFilter{Limit: auditPageSize + 1, BeforeSeq: before})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		p.V["Older"] = entries[len(entries)-1].Seq
	}
	p.V["Entries"] = entries
	p.V["Before"] = before
	h.render(w, r, status, "audit", p)
}
