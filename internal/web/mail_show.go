package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/mail"
)

// mailShow lists the outbox, optionally one status only, and the form that
// sends a test email.
func (h *handler) mailShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "mail")
	h.renderMail(w, r, http.StatusOK, p)
}

func (h *handler) renderMail(w http.ResponseWriter, r *http.Request, status int, p *page) {
	filter := r.URL.Query().Get("status")
	if filter != "" && !validMailStatus(filter) {
		h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "web.mail.status_invalid")
		return
	}
	items, err := h.Outbox.List(r.Context(), mail.ListFilter{Status: filter, Limit: 100})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	counts, err := h.Outbox.Counts(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Items"] = items
	p.V["Filter"] = filter
	p.V["Statuses"] = mail.Statuses
	p.V["Counts"] = mailCounts(counts)
	h.render(w, r, status, "mail", p)
}

func validMailStatus(s string) bool {
	for _, v := range mail.Statuses {
		if v == s {
			return true
		}
	}
	return false
}

type statusCount struct {
	Status string
	Count  int
}

// mailCounts orders the outbox counts by status, zeros included.
func mailCounts(counts map[string]int) []statusCount {
	out := make([]statusCount, 0, len(mail.Statuses))
	for _, s := range mail.Statuses {
		out = append(out, statusCount{Status: s, Count: counts[s]})
	}
	return out
}
