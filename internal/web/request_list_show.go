package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
)

const requestPageSize = 50

// requestFilter is the queue's GET form as sent, so the page shows it back.
type requestFilter struct {
	State    string // "open" (the default), "all" or a state
	Type     string
	Law      string
	Due      string // "", "soon" or "overdue"
	Assignee string // "", "me", requests.Unassigned or an operator ID
	Q        string // a reference or an email address
}

// query is the filter as URL parameters, empty ones left out.
func (f requestFilter) query() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"state": f.State, "type": f.Type, "law": f.Law, "due": f.Due, "assignee": f.Assignee, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

type requestRow struct {
	ID         string
	Reference  string
	Type       string
	State      requests.State
	StateLabel string
	Name       string
	Law        string
	Received   time.Time
	Due        time.Time
	Overdue    bool
	DueSoon    bool
	Extended   bool
	Assignee   string
}

type stateCount struct {
	State requests.State
	Label string
	Count int
}

// requestListShow shows the queue, soonest due first, with its filters
// (a GET form, so a filtered view can be bookmarked) and the counts.
func (h *handler) requestListShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := h.stateOf(r)
	p := h.newPage(w, r, "requests")
	q := r.URL.Query()
	in := requestFilter{
		State: q.Get("state"), Type: q.Get("type"), Law: q.Get("law"), Due: q.Get("due"),
		Assignee: q.Get("assignee"), Q: strings.TrimSpace(q.Get("q")),
	}
	f := requests.Filter{Limit: requestPageSize, Cursor: q.Get("cursor"), Search: in.Q, LawID: in.Law}
	switch in.State {
	case "", "open":
		in.State, f.Open = "open", true
	case "all":
	default:
		f.State = requests.State(in.State)
	}
	f.Type = requests.Type(in.Type)
	switch in.Due {
	case "":
	case "soon":
		f.DueWithinDays = requests.DueSoonDays
	case "overdue":
		f.Overdue = true
	default:
		h.badFilter(w, r)
		return
	}
	switch in.Assignee {
	case "":
	case "me":
		f.Assignee = st.op.ID
	default:
		f.Assignee = in.Assignee // an ID or requests.Unassigned; the service checks it
	}
	laws := h.lawChoices(p)
	if in.Law != "" && !hasChoice(laws, in.Law) {
		h.badFilter(w, r)
		return
	}
	page, err := h.Requests.List(ctx, f)
	if errors.Is(err, requests.ErrFilterInvalid) {
		h.badFilter(w, r)
		return
	}
	if errors.Is(err, requests.ErrCursorInvalid) {
		h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "requests.error.cursor_invalid")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	counts, err := h.Requests.Counts(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ops, err := h.Operators.List(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	byID := map[string]*operator.Operator{}
	var agents []choice
	for i := range ops {
		o := &ops[i]
		byID[o.ID] = o
		if o.Role.AtLeast(operator.Agent) && !o.Disabled() && o.ID != st.op.ID {
			agents = append(agents, choice{o.ID, operatorName(o)})
		}
	}

	today := h.Requests.Today()
	soon := today.AddDate(0, 0, requests.DueSoonDays)
	lawNames := map[string]string{}
	for _, c := range laws {
		lawNames[c.Value] = c.Label
	}
	rows := make([]requestRow, 0, len(page.Requests))
	for i := range page.Requests {
		rq := &page.Requests[i]
		row := requestRow{
			ID: rq.ID, Reference: rq.Reference, Type: p.T(rq.Type.LabelID()), State: rq.State,
			StateLabel: p.T(rq.State.LabelID()), Name: rq.Name, Law: lawNames[rq.LawID], Received: rq.ReceivedAt,
			Due: rq.DueDate, Overdue: rq.Overdue(today), Extended: rq.Extended(),
		}
		if row.Law == "" {
			row.Law = rq.LawID
		}
		row.DueSoon = !row.Overdue && rq.Open() && !rq.DueDate.After(soon)
		if rq.AssigneeID != "" {
			if o := byID[rq.AssigneeID]; o != nil {
				row.Assignee = operatorName(o)
			} else {
				row.Assignee = p.T("web.requests.actor.former_operator")
			}
		}
		rows = append(rows, row)
	}

	var byState []stateCount
	for _, s := range requests.States {
		byState = append(byState, stateCount{State: s, Label: p.T(s.LabelID()), Count: counts.ByState[s]})
	}
	var types []choice
	for _, t := range requests.Types {
		types = append(types, choice{string(t), p.T(t.LabelID())})
	}

	p.V["Filter"] = in
	p.V["Rows"] = rows
	p.V["Counts"] = counts
	p.V["ByState"] = byState
	p.V["Types"] = types
	p.V["Laws"] = laws
	p.V["Agents"] = agents
	p.V["SoonDays"] = requests.DueSoonDays
	p.V["Filtered"] = len(in.query()) > 1 || in.State != "open"
	if page.NextCursor != "" {
		next := in.query()
		next.Set("cursor", page.NextCursor)
		p.V["Next"] = "/requests?" + next.Encode()
	}
	if f.Cursor != "" {
		p.V["First"] = "/requests?" + in.query().Encode()
	}
	h.render(w, r, http.StatusOK, "request_list", p)
}

func (h *handler) badFilter(w http.ResponseWriter, r *http.Request) {
	h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "requests.error.filter_invalid")
}

// lawChoices lists the laws requests may fall under, by name in the page's
// language; the names come through the service, so replaced rules show.
func (h *handler) lawChoices(p *page) []choice {
	var out []choice
	for _, l := range rules.Embedded().Laws() {
		name := l.ID
		if law, ok := h.Requests.Law(&requests.Request{LawID: l.ID}); ok {
			name = law.Name(p.Lang)
		}
		out = append(out, choice{l.ID, name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func hasChoice(cs []choice, v string) bool {
	for _, c := range cs {
		if c.Value == v {
			return true
		}
	}
	return false
}
