package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/docs"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// breachExport writes the register as CSV, one incident per line, with the
// facts the laws ask a register to hold (GDPR Art. 33(5), PIPEDA Regs s. 6,
// Quebec Reg. s. 7): dates, circumstances, information, persons, the
// assessment and its reasoning per law, the notices sent, the measures.
// Headers are in the page's language; values are as recorded.
func (h *handler) breachExport(w http.ResponseWriter, r *http.Request) {
	list, err := h.Breaches.List(r.Context(), "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pg := breachPage(h, r)
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cols := []string{"reference", "state", "title", "occurred_at", "occurred_until", "aware_at", "description", "cause",
		"categories", "persons", "records", "residents", "consequences", "measures", "assessments", "notifications",
		"closed_at", "retain_until"}
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = pg.T("breach.web.csv." + c)
	}
	_ = cw.Write(head)
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, m := range list {
		v, err := h.Breaches.Get(r.Context(), m.Incident.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		inc, fa := v.Incident, &v.Incident.Facts
		var res, assess, sent []string
		for reg, n := range fa.Residents {
			res = append(res, reg+"="+strconv.Itoa(n))
		}
		sort.Strings(res)
		for law, a := range inc.Assessments {
			assess = append(assess, law+"="+a.Level+" ("+a.Reasoning+")")
		}
		sort.Strings(assess)
		for _, n := range v.Notifications {
			s := n.Obligation + "@" + n.SentAt.UTC().Format(time.RFC3339)
			if n.Reference != "" {
				s += "#" + n.Reference
			}
			sent = append(sent, s)
		}
		_ = cw.Write(csvSafe([]string{inc.Reference, string(inc.State), fa.Title, stamp(&fa.OccurredAt), stamp(fa.OccurredUntil),
			stamp(&fa.AwareAt), fa.Description, fa.Cause, strings.Join(fa.Categories, " "), strconv.Itoa(fa.Persons),
			strconv.Itoa(fa.Records), strings.Join(res, " "), fa.Consequences, fa.Measures, strings.Join(assess, "; "),
			strings.Join(sent, " "), stamp(inc.ClosedAt), stamp(inc.RetainUntil)}))
	}
	cw.Flush()
	// The register holds personal data (contacts, circumstances): who
	// took a copy is on record.
	if _, err := h.Audit.RecordNow(r.Context(), breachActor(h.stateOf(r)), "breach.register_exported", "breach:register",
		map[string]any{"incidents": len(list), "format": "csv"}); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="breach-register.csv"`)
	_, _ = w.Write([]byte(b.String()))
}

// csvSafe keeps a spreadsheet from running a cell as a formula.
func csvSafe(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

// breachExportPDF prints the register to PDF with headless Chromium, in the
// page's language.
func (h *handler) breachExportPDF(w http.ResponseWriter, r *http.Request) {
	list, err := h.Breaches.List(r.Context(), "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	views := make([]*breach.View, 0, len(list))
	for _, m := range list {
		v, err := h.Breaches.Get(r.Context(), m.Incident.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		views = append(views, v)
	}
	st := h.stateOf(r)
	page, err := h.Breaches.RegisterHTML(st.lz, views)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pdf, err := docs.PDFFromHTML(r.Context(), page)
	if err != nil {
		if errors.Is(err, docs.ErrNoChromium) {
			h.renderProblem(w, r, http.StatusServiceUnavailable, "breach.web.pdf_unavailable.title", "breach.web.pdf_unavailable.text")
			return
		}
		h.serverError(w, r, err)
		return
	}
	if _, err := h.Audit.RecordNow(r.Context(), breachActor(st), "breach.register_exported", "breach:register",
		map[string]any{"incidents": len(list), "format": "pdf"}); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="breach-register.pdf"`)
	_, _ = w.Write(pdf)
}
