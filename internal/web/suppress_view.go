package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// purposeChoice is one tickable purpose of a purposes fieldset.
type purposeChoice struct {
	Value, Label string
	Picked       bool
}

// purposesView is the purposes fieldset of a form: ID prefixes its inputs.
type purposesView struct {
	ID      string
	Legend  string
	Error   string
	Choices []purposeChoice
	Other   fieldView
}

// purposeLabel names a purpose in the page's language; a site's own
// purpose shows by its name.
func purposeLabel(p *page, name string) string {
	if name == suppress.AllPurposes {
		return p.T("suppress.purpose.all")
	}
	if id := "suppress.purpose." + name; p.h.Catalog.Has(p.Lang, id) {
		return p.T(id)
	}
	return name
}

func purposeLabels(p *page, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = purposeLabel(p, n)
	}
	return strings.Join(out, ", ")
}

// purposesField builds the fieldset for id, ticking current (or what was
// posted, when the form is shown again with errors).
func purposesField(p *page, id string, current []string) purposesView {
	picked := current
	other := ""
	if p.Form != nil && p.Form.Picked != nil {
		if _, shown := p.Form.Values[id+"-other"]; shown {
			picked, other = nil, p.Form.Values[id+"-other"]
			for k := range p.Form.Picked {
				if v, ok := strings.CutPrefix(k, id+":"); ok {
					picked = append(picked, v)
				}
			}
		}
	} else {
		var rest []string
		for _, c := range current {
			if c != suppress.AllPurposes && !slices.Contains(suppress.KnownPurposes, c) {
				rest = append(rest, c)
			}
		}
		other = strings.Join(rest, " ")
	}
	v := purposesView{ID: id, Legend: p.T("suppress.web.field.purposes"), Error: p.FormErr(id)}
	for _, name := range append([]string{suppress.AllPurposes}, suppress.KnownPurposes...) {
		v.Choices = append(v.Choices, purposeChoice{Value: name, Label: purposeLabel(p, name), Picked: slices.Contains(picked, name)})
	}
	v.Other = p.Field(id+"-other", "other_purposes", "text", "suppress.web.field.other", "hint=suppress.web.field.other_hint")
	v.Other.Value, v.Other.Error = other, p.FormErr(id+"-other")
	return v
}

// postedPurposes reads a purposes fieldset into f (for showing it again)
// and returns the names: the ticked ones and those typed.
func postedPurposes(r *http.Request, f *form, id string) []string {
	if f.Picked == nil {
		f.Picked = map[string]bool{}
	}
	names := slices.Clone(r.PostForm["purposes"])
	for _, n := range names {
		f.Picked[id+":"+n] = true
	}
	other := strings.TrimSpace(r.PostFormValue("other_purposes"))
	f.Values[id+"-other"] = other
	return append(names, strings.FieldsFunc(other, func(c rune) bool { return c == ',' || c == ' ' || c == ';' })...)
}

// entryRow is one entry as the pages show it.
type entryRow struct {
	ID        string
	Since     time.Time
	Reason    string
	Purposes  string
	Email     string // empty when the address is not kept
	RequestID string
	Reference string
	Note      string
	Active    bool
	LiftedAt  *time.Time
	Lifted    string // who lifted it and why
}

func (h *handler) entryRow(p *page, e *suppress.Entry, names *actorNames) entryRow {
	row := entryRow{ID: e.ID, Since: e.CreatedAt, Reason: p.T(e.Reason.LabelID()), Purposes: purposeLabels(p, e.Purposes),
		Email: e.RequestEmail, RequestID: e.RequestID, Reference: e.RequestReference, Note: e.Note, Active: e.Active(),
		LiftedAt: e.LiftedAt}
	if e.LiftedAt != nil {
		switch e.LiftCause {
		case suppress.LiftRequestClosed, suppress.LiftRequestRejected:
			row.Lifted = p.T("suppress.lift_cause." + e.LiftCause)
		default:
			row.Lifted = p.T("suppress.web.lifted_by", "Actor", names.of(e.LiftedBy), "Reason", e.LiftReason)
		}
	}
	return row
}

// suppressNames names the actors of entries and their history: operators
// and tokens by name.
func (h *handler) suppressNames(ctx context.Context, p *page, actors []string) (*actorNames, error) {
	names, err := h.actorNames(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range actors {
		if strings.HasPrefix(a, string(requests.ActorToken)+":") {
			toks, err := h.Operators.ListTokens(ctx)
			if err != nil {
				return nil, err
			}
			for _, t := range toks {
				names.tokens[t.ID] = t.Name
			}
			break
		}
	}
	return names, nil
}

// requestSuppression is the suppression section of a request page.
type requestSuppression struct {
	// Pending: the request puts its person on the list once verified,
	// with Defaults.
	Pending  bool
	Defaults string
	Entry    *entryRow
	History  []historyItem
	Edit     *purposesView // for agents, while the entry is in force
}

type historyItem struct {
	At                      time.Time
	Action, Actor, Purposes string
	Reason                  string
}

// suppressSection fills the request page's suppression section, for the
// request types that put people on the list.
func (h *handler) suppressSection(ctx context.Context, p *page, req *requests.Request) error {
	if h.Suppress == nil {
		return nil
	}
	defaults, ok := suppress.DefaultPurposes(req.Type)
	if !ok {
		return nil
	}
	e, changes, err := h.Suppress.ForRequest(ctx, req.ID)
	if errors.Is(err, suppress.ErrNotFound) {
		if req.State == requests.StateReceived {
			p.V["Suppress"] = &requestSuppression{Pending: true, Defaults: purposeLabels(p, defaults)}
		}
		return nil
	}
	if err != nil {
		return err
	}
	actors := []string{e.CreatedBy, e.LiftedBy}
	for _, c := range changes {
		actors = append(actors, c.Actor)
	}
	names, err := h.suppressNames(ctx, p, actors)
	if err != nil {
		return err
	}
	row := h.entryRow(p, e, names)
	s := &requestSuppression{Entry: &row}
	for _, c := range changes {
		s.History = append(s.History, historyItem{At: c.At, Action: p.T("suppress.action." + c.Action), Actor: names.of(c.Actor),
			Purposes: purposeLabels(p, c.Purposes), Reason: c.Reason})
	}
	if e.Active() && p.Can(operator.Agent) {
		v := purposesField(p, "suppress-purposes", e.Purposes)
		s.Edit = &v
	}
	p.V["Suppress"] = s
	return nil
}
