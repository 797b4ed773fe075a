package web

import (
	"context"
	"net/http"

	"github.com/garde-privacy/garde/internal/breach"
)

// breachRow is one incident of the register list.
type breachRow struct {
	ID, Reference, Title, State, StateLabel, Persons string
	Aware                                            string
	Overdue                                          int
	Next                                             *obligationView
	Open                                             bool
}

// breachListShow is the register: open incidents first with their next
// deadline and overdue notifications, then the closed ones.
func (h *handler) breachListShow(w http.ResponseWriter, r *http.Request) {
	state := breach.State(r.URL.Query().Get("state"))
	if state != breach.StateOpen && state != breach.StateClosed {
		state = ""
	}
	list, err := h.Breaches.List(r.Context(), state)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p := h.newPage(w, r, "breaches")
	rows := make([]breachRow, 0, len(list))
	overdue := 0
	for _, m := range list {
		inc := m.Incident
		row := breachRow{ID: inc.ID, Reference: inc.Reference, Title: inc.Facts.Title, State: string(inc.State),
			StateLabel: p.T("breach.state." + string(inc.State)), Persons: breach.FormatNumber(p.Lang, inc.Facts.Persons),
			Aware: p.Local(inc.Facts.AwareAt), Overdue: m.Overdue(), Open: inc.Open()}
		if next := m.Next(); next != nil {
			v := p.obligationViews([]breach.Obligation{*next})[0]
			row.Next = &v
		}
		overdue += row.Overdue
		rows = append(rows, row)
	}
	p.V["Rows"], p.V["State"], p.V["Overdue"] = rows, string(state), overdue
	h.render(w, r, http.StatusOK, "breach_list", p)
}

// breachFigures are the register's figures on the dashboard: open
// incidents, notification deadlines passed, and the next deadline.
type breachFigures struct {
	Open, Overdue int
	Next          string
}

func (h *handler) breachFigures(ctx context.Context, p *page) (*breachFigures, error) {
	list, err := h.Breaches.List(ctx, breach.StateOpen)
	if err != nil {
		return nil, err
	}
	f := &breachFigures{Open: len(list)}
	var next *breach.Obligation
	for _, m := range list {
		f.Overdue += m.Overdue()
		if o := m.Next(); o != nil && o.Clock.State == breach.ClockRunning && (next == nil || o.Clock.Due.Before(*next.Clock.Due)) {
			next = o
		}
	}
	if next != nil {
		v := p.obligationViews([]breach.Obligation{*next})[0]
		f.Next = v.Recipient + " — " + v.Due
	}
	return f, nil
}
