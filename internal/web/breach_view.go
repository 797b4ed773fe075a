package web

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Helpers the breach templates share.

func breachPath(id string) string { return "/breaches/" + url.PathEscape(id) }

// breachActor is the timeline and audit actor of the signed-in operator.
func breachActor(st *state) string { return "operator:" + st.op.ID }

// Local shows an instant on the business's clock, with its zone.
func (p *page) Local(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		t = *x
	}
	if t.IsZero() {
		return "—"
	}
	return t.In(p.h.Breaches.Location()).Format("2006-01-02 15:04 MST")
}

// Span writes a duration in days, hours and minutes, without its sign.
func (p *page) Span(d time.Duration) string {
	d = d.Abs().Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	return p.T("breach.web.span", "D", days, "H", hours, "M", mins)
}

// obligationView is one row of an incident's notifications.
type obligationView struct {
	Key, Law, Audience, Recipient, Status, StatusLabel, Deadline, Basis string
	Residents                                                           string
	Clock                                                               breach.ClockState
	ClockLabel, Due, Left                                               string
	Sent                                                                []breach.Notification
	Owed                                                                bool
	// Draftable: a notice that is or may be owed, to prepare while the
	// clock runs.
	Draftable bool
}

func (p *page) obligationViews(obs []breach.Obligation) []obligationView {
	out := make([]obligationView, 0, len(obs))
	for _, o := range obs {
		v := obligationView{
			Key: o.Key, Law: o.Law.Name(p.Lang), Audience: p.T("breach.audience." + string(o.Notice.Audience)),
			Status: string(o.Status), StatusLabel: p.T("breach.status." + string(o.Status)),
			Basis: o.Notice.Basis, Residents: breach.FormatNumber(p.Lang, o.Residents), Clock: o.Clock.State,
			Sent: o.Sent, Owed: o.Status.Owed() && o.Status != breach.StatusAwaitingAssessment, Draftable: o.Status.Owed(),
		}
		v.Recipient = o.Authority.Name
		if o.Notice.Audience == breach.ToPersons {
			v.Recipient = p.T("breach.web.persons_in", "Regions", strings.Join(o.Regions, ", "))
		}
		v.Deadline = p.deadlineText(o.Notice.Deadline)
		if o.Clock.State != "" {
			v.ClockLabel = p.T("breach.clock." + string(o.Clock.State))
			if o.Clock.Due != nil {
				v.Due = p.Local(o.Clock.Due)
			}
			switch {
			case o.Clock.State == breach.ClockRunning && o.Clock.Due != nil:
				v.Left = p.T("breach.web.left", "Span", p.Span(o.Clock.Left))
			case o.Clock.State == breach.ClockRunning:
				v.Left = p.T("breach.web.elapsed", "Span", p.Span(o.Clock.Left))
			case o.Clock.State == breach.ClockOverdue:
				v.Left = p.T("breach.web.overdue_by", "Span", p.Span(o.Clock.Left))
			}
		}
		out = append(out, v)
	}
	return out
}

func (p *page) deadlineText(d breach.Deadline) string {
	s := p.T("breach.deadline."+string(d.Kind), "N", d.Amount)
	if d.From == breach.FromPersonsNotified {
		s += " " + p.T("breach.deadline.after_persons")
	}
	return s
}

// bchoice is an option of a select or a checkbox.
type bchoice struct {
	Value, Label string
	Picked       bool
}

// assessView is the assessment form and record of one law.
type assessView struct {
	LawID, Law, Question string
	Levels               []bchoice
	Factors              []factorView
	Exemptions           []bchoice
	ConsultRequired      bool
	Current              *breach.Assessment
	CurrentLevel         string
	Reasoning            string
	Consulted            bool
}

type factorView struct {
	ID, Label string
	Ratings   []bchoice
}

func (p *page) assessViews(inc *breach.Incident, obs []breach.Obligation) []assessView {
	var out []assessView
	seen := map[string]bool{}
	for _, o := range obs {
		law := o.Law
		if seen[law.ID] {
			continue
		}
		seen[law.ID] = true
		v := assessView{LawID: law.ID, Law: law.Name(p.Lang), Question: p.T("breach.question." + law.Assessment.Question),
			ConsultRequired: law.Assessment.ConsultRequired}
		cur, ok := inc.Assessments[law.ID]
		if ok {
			v.Current, v.CurrentLevel, v.Reasoning, v.Consulted = &cur, p.T("breach.level."+cur.Level), cur.Reasoning, cur.Consulted
		}
		for _, l := range law.Assessment.Levels {
			v.Levels = append(v.Levels, bchoice{l, p.T("breach.level." + l), ok && cur.Level == l})
		}
		for _, f := range law.Assessment.Factors {
			fv := factorView{ID: f, Label: p.T("breach.factor." + f)}
			for _, r := range breach.Ratings {
				fv.Ratings = append(fv.Ratings, bchoice{r, p.T("breach.rating." + r), ok && cur.Factors[f] == r})
			}
			v.Factors = append(v.Factors, fv)
		}
		for _, e := range law.Assessment.Exemptions {
			v.Exemptions = append(v.Exemptions, bchoice{e, p.T("breach.exemption." + e), ok && slices.Contains(cur.Exemptions, e)})
		}
		out = append(out, v)
	}
	return out
}

// eventView is one entry of the timeline.
type eventView struct {
	Label, Actor, Body string
	At                 time.Time
	Facts              []string
}

func (p *page) eventViews(evs []breach.Event, who func(actor string) string) []eventView {
	out := make([]eventView, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		v := eventView{Label: p.T("breach.event." + string(e.Kind)), Actor: who(e.Actor), Body: e.Body, At: e.At}
		str := func(k string) string { s, _ := e.Data[k].(string); return s }
		switch e.Kind {
		case breach.EventFactsEdited:
			if fields, ok := e.Data["fields"].([]any); ok {
				names := make([]string, len(fields))
				for i, f := range fields {
					names[i] = fmt.Sprint(f)
				}
				v.Facts = append(v.Facts, p.T("breach.web.tl.fields", "List", strings.Join(names, ", ")))
			}
			if b, a := str("aware_at_before"), str("aware_at_after"); b != a {
				v.Facts = append(v.Facts, p.T("breach.web.tl.aware_moved", "Before", p.localRFC(b), "After", p.localRFC(a)))
			}
			if b, a := str("occurred_at_before"), str("occurred_at_after"); b != a {
				v.Facts = append(v.Facts, p.T("breach.web.tl.occurred_moved", "Before", p.localRFC(b), "After", p.localRFC(a)))
			}
		case breach.EventAssessed:
			if law, ok := p.h.Breaches.Laws().Law(str("law")); ok {
				v.Facts = append(v.Facts, p.T("breach.draft.factor", "Factor", law.Name(p.Lang), "Rating", p.T("breach.level."+str("level"))))
			}
		case breach.EventNotified:
			v.Facts = append(v.Facts, p.T("breach.web.tl.notified", "Key", str("obligation"), "When", p.localRFC(str("sent_at"))))
			if ref := str("reference"); ref != "" {
				v.Facts = append(v.Facts, p.T("breach.web.tl.reference", "Reference", ref))
			}
		case breach.EventReminded:
			v.Facts = append(v.Facts, p.T("breach.web.tl.reminded", "Key", str("obligation"), "Due", p.localRFC(str("due"))))
		case breach.EventDraftSaved:
			v.Facts = append(v.Facts, p.T("breach.web.tl.draft", "Key", str("obligation"), "Lang", str("language"), "Version", e.Data["version"]))
		}
		out = append(out, v)
	}
	return out
}

func (p *page) localRFC(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return p.Local(t)
}

// draftLinks are the links to a notice's drafts, one per language.
type draftLink struct {
	Lang i18n.Lang
	Name string
	URL  string
}

func draftLinks(id, key string) []draftLink {
	out := make([]draftLink, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		out = append(out, draftLink{l, l.Name(), breachPath(id) + "/draft?obligation=" + url.QueryEscape(key) + "&lang=" + string(l)})
	}
	return out
}

// BField is a one-line input of the incident form: id b-<name>, value by
// name; opts as for Field.
func (p *page) BField(name, typ, labelID string, opts ...string) fieldView {
	return p.Field("b-"+name, name, typ, labelID, opts...)
}

// BArea is a multi-line input of the incident form (see BField); opts as
// for Area.
func (p *page) BArea(name, labelID string, opts ...string) areaView {
	a := p.Area("b-"+name, name, labelID, opts...)
	if p.Form != nil {
		a.Value = p.Form.Values[name]
	}
	return a
}

// Picked reports whether a checkbox of the redisplayed form is ticked.
func (p *page) Picked(key string) bool { return p.Form != nil && p.Form.Picked[key] }

// checksView is a group of checkboxes with its legend and error.
type checksView struct {
	P                *page
	ID, Name, Legend string
	Choices          []bchoice
}

// Checks describes a checkbox group for the "checks" template.
func (p *page) Checks(id, name, legend string, choices []bchoice) checksView {
	return checksView{P: p, ID: id, Name: name, Legend: legend, Choices: choices}
}

// DraftLinks are the links to the drafts of a notice in each language.
func (p *page) DraftLinks(id, key string) []draftLink { return draftLinks(id, key) }
