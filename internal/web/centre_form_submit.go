package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/requests"
)

// formSubmit files a request. Every error of the form comes back at once,
// with what was typed. A request accepted gets the same page whoever the
// person is: "check your email", the reference, and where to type the code.
func (c *centre) formSubmit(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts) {
		return
	}
	p := c.newPage(w, r, centreFormPath)
	names := make([]string, len(centreFormFields))
	for i, f := range centreFormFields {
		names[i] = f.name
	}
	f := newForm(r, names...)
	p.Form = f

	// Only accepted requests count against the tight limits: a person who
	// mistyped loses nothing. The form's own limit (posts) counts the rest.
	ip := c.limits.client(r)
	ok, retry, undoIP := c.limits.submitIP.reserve(ip)
	if !ok {
		c.tooMany(w, r, retry)
		return
	}
	undoEmail := func() {}
	if key := strings.ToLower(f.Values[requests.FieldEmail]); key != "" {
		if ok, retry, undoEmail = c.limits.submitEmail.reserve(key); !ok {
			undoIP()
			c.tooMany(w, r, retry)
			return
		}
	}
	rec, err := c.Requests.Submit(r.Context(), requests.SubmitInput{
		Email:       f.Values[requests.FieldEmail],
		Name:        f.Values[requests.FieldName],
		Phone:       f.Values[requests.FieldPhone],
		Subject:     f.Values[requests.FieldSubject],
		Type:        requests.Type(f.Values[requests.FieldType]),
		Description: f.Values[requests.FieldDescription],
		AccountID:   f.Values[requests.FieldAccountID],
		Region:      f.Values[requests.FieldRegion],
		Language:    p.Lang,
	}, requests.SubmitMeta{Source: requests.SourceForm})
	if err != nil {
		undoIP()
		undoEmail()
		var fe requests.FieldErrors
		if !errors.As(err, &fe) {
			c.serverError(w, r, err)
			return
		}
		for _, field := range centreFormFields {
			if le := fe[field.name]; le != nil {
				f.add(field.id, p.Msg(le))
			}
		}
		// A field the form does not show (the language) still gets said.
		for _, name := range fe.Ordered() {
			if f.Err(centreFieldID(name)) == "" {
				f.add("req-email", p.Msg(fe[name]))
			}
		}
		c.formValues(p)
		c.render(w, http.StatusUnprocessableEntity, "centre_form", p)
		return
	}
	p.Form = nil
	c.sentPage(w, p, rec.Reference, f.Values[requests.FieldEmail], http.StatusOK)
}

// centreFieldID is the id of the input of a service field, or "".
func centreFieldID(name string) string {
	for _, f := range centreFormFields {
		if f.name == name {
			return f.id
		}
	}
	return ""
}
