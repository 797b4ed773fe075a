package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/requests"
)

// dashboardShow greets the operator and gives the figures of each section.
func (h *handler) dashboardShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := h.newPage(w, r, "dashboard")
	ops, err := h.Operators.List(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	active := 0
	for _, o := range ops {
		if !o.Disabled() {
			active++
		}
	}
	counts, err := h.Outbox.Counts(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// The log is append-only and numbered from 1, so the newest entry's
	// number is the count (verification catches a removed entry).
	var entries int64
	latest, err := h.Audit.List(ctx, audit.ListFilter{Limit: 1})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(latest) > 0 {
		entries = latest[0].Seq
	}
	if h.Requests != nil {
		rc, err := h.Requests.Counts(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		p.V["Requests"] = &rc
		p.V["SoonDays"] = requests.DueSoonDays
	}
	if h.Breaches != nil {
		if p.V["Breaches"], err = h.breachFigures(ctx, p); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	p.V["Operators"] = len(ops)
	p.V["ActiveOperators"] = active
	p.V["Mail"] = mailCounts(counts)
	p.V["AuditEntries"] = entries
	h.render(w, r, http.StatusOK, "dashboard", p)
}
