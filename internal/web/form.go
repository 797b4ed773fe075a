package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// form is a submitted form being shown again: what was typed (never
// passwords) and the errors, each tied to the id of its input so the error
// summary can link to it.
type form struct {
	Values map[string]string
	Picked map[string]bool // ticked checkboxes
	Errors []fieldError
}

type fieldError struct {
	Field string // the input's id
	Msg   string
}

func newForm(r *http.Request, names ...string) *form {
	f := &form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return f
}

func (f *form) add(field, msg string) { f.Errors = append(f.Errors, fieldError{field, msg}) }

// Err is the error of the input with that id, if any.
func (f *form) Err(id string) string {
	for _, e := range f.Errors {
		if e.Field == id {
			return e.Msg
		}
	}
	return ""
}

func (f *form) ok() bool { return len(f.Errors) == 0 }

// addErr ties a service error to the input it most likely concerns: the
// first id whose last part (after "-") appears in the message ID, else the
// first input.
func (f *form) addErr(p *page, err error, ids ...string) {
	field := ids[0]
	if le, ok := asLocalized(err); ok {
		for _, id := range ids {
			short := id[strings.LastIndex(id, "-")+1:]
			if strings.Contains(le.ID, short) {
				field = id
				break
			}
		}
	}
	f.add(field, p.Msg(err))
}

func asLocalized(err error) (*i18n.Error, bool) {
	var le *i18n.Error
	if errors.As(err, &le) {
		return le, true
	}
	return nil, false
}

// requireFields adds a "required" error, naming the field, for each empty
// input; triples are input id, label message ID, value, in the order the
// form shows them.
func requireFields(p *page, f *form, triples ...string) {
	for i := 0; i+2 < len(triples); i += 3 {
		if triples[i+2] == "" {
			f.add(triples[i], p.T("web.form.required", "Field", p.T(triples[i+1])))
		}
	}
}
