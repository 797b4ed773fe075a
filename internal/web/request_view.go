package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
)

// Helpers the request and system templates share.

// Day shows a civil date (a deadline) as YYYY-MM-DD, the same in every
// language; nil or zero shows as a dash.
func (p *page) Day(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		t = *x
	default:
		return ""
	}
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

// FormVal is what was typed in the input with that id, when the page shows
// a form again. Request pages hold several forms whose inputs share names,
// so their values are kept by input id.
func (p *page) FormVal(id string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Values[id]
}

// FormErr is the error of the input with that id, if any.
func (p *page) FormErr(id string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Err(id)
}

// areaView is a labelled multi-line input.
type areaView struct {
	fieldView
	Rows int
}

// Area describes a labelled multi-line input for the "textarea" partial;
// opts are as for Field, plus "rows=N".
func (p *page) Area(id, name, labelID string, opts ...string) areaView {
	a := areaView{fieldView: p.Field(id, name, "textarea", labelID, opts...), Rows: 4}
	// Field reads a redisplayed value by name; these forms keep it by id.
	if p.Form != nil {
		a.Value = p.Form.Values[id]
	}
	for _, o := range opts {
		if n, ok := strings.CutPrefix(o, "rows="); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				a.Rows = v
			}
		}
	}
	return a
}

// formByID reads the posted fields into a form keyed by input id: pairs
// are input id, field name.
func formByID(r *http.Request, pairs ...string) *form {
	f := &form{Values: map[string]string{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		f.Values[pairs[i]] = strings.TrimSpace(r.PostFormValue(pairs[i+1]))
	}
	return f
}

// operatorName names an operator for people: their name, else their email.
func operatorName(o *operator.Operator) string {
	if o.Name != "" {
		return o.Name
	}
	return o.Email
}

// choiceView is a labelled select for the "choice-field" template.
type choiceView struct {
	ID, Name, Label, Hint, Error, Value, Empty string
	Choices                                    []choice
}

// Describedby lists the ids of the hint and error texts of the select.
func (c choiceView) Describedby() string {
	return fieldView{ID: c.ID, Hint: c.Hint, Error: c.Error}.Describedby()
}

// Choice describes a select whose first option chooses nothing; opts are
// "hint=<message ID>".
func (p *page) Choice(id, name, labelID string, choices []choice, opts ...string) choiceView {
	c := choiceView{ID: id, Name: name, Label: p.T(labelID), Choices: choices, Empty: p.T("web.requests.choose"),
		Value: p.FormVal(id), Error: p.FormErr(id)}
	for _, o := range opts {
		if v, ok := strings.CutPrefix(o, "hint="); ok {
			c.Hint = p.T(v)
		}
	}
	return c
}

// HasRequests reports whether this back office serves the request pages.
func (p *page) HasRequests() bool { return p.h.Requests != nil }
