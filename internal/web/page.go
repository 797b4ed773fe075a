package web

import (
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// page is what a template sees: the request's operator and language, the
// flash, the form being redisplayed, and the page's own values in V.
type page struct {
	Lang  i18n.Lang
	Op    *operator.Operator
	Path  string // where the language switch comes back to
	Nav   string // the section shown, marked in the navigation
	Flash *flash
	Form  *form
	V     map[string]any

	h  *handler
	lz *i18n.Localizer
}

func (h *handler) newPage(w http.ResponseWriter, r *http.Request, nav string) *page {
	st := h.stateOf(r)
	p := &page{
		Lang: st.lang,
		Op:   st.op,
		Path: r.URL.RequestURI(),
		Nav:  nav,
		V:    map[string]any{},
		h:    h,
		lz:   st.lz,
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// A page answering a POST: the switch goes back to the GET page of
		// its section, or to the page the form was on.
		p.Path = sectionPaths[nav]
		if p.Path == "" {
			p.Path = orHome(refererPath(r))
		}
	}
	p.Flash = h.takeFlash(w, r)
	return p
}

// sectionPaths are the GET pages of the navigation's sections.
var sectionPaths = map[string]string{
	"dashboard": "/",
	"account":   "/account",
	"operators": "/operators",
	"tokens":    "/tokens",
	"audit":     "/audit",
	"mail":      "/mail",
}

// T translates a message ID; args are name, value pairs for its fields.
// A missing ID is logged (tests fail on it) and shown as the ID.
func (p *page) T(id string, args ...any) string {
	if !p.h.Catalog.Has(p.Lang, id) {
		p.h.Log.Error("web: missing translation", "id", id, "lang", p.Lang)
	}
	if len(args) == 0 {
		return p.lz.T(id)
	}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			data[k] = args[i+1]
		}
	}
	return p.lz.T(id, data)
}

// Msg localizes an error for people: a localized error in the page's
// language, anything else as a generic failure (details go to the log).
func (p *page) Msg(err error) string {
	if le, ok := asLocalized(err); ok {
		return p.T(le.ID, dataArgs(le.Data)...)
	}
	return p.T("web.error.generic")
}

func dataArgs(m map[string]any) []any {
	out := make([]any, 0, 2*len(m))
	for k, v := range m {
		out = append(out, k, v)
	}
	return out
}

// Can reports whether the operator holds at least role.
func (p *page) Can(role operator.Role) bool { return p.Op != nil && p.Op.Role.AtLeast(role) }

// Role names a role in the page's language.
func (p *page) Role(r operator.Role) string { return p.T("operator.role." + string(r)) }

// Roles lists the roles the operator may give, most powerful first: only
// an owner may make someone an owner.
func (p *page) Roles() []operator.Role {
	if p.Can(operator.Owner) {
		return operator.Roles
	}
	return operator.Roles[1:]
}

type langChoice struct {
	Code    i18n.Lang
	Name    string
	Current bool
}

// Langs lists the switch's languages, each named in itself.
func (p *page) Langs() []langChoice {
	out := make([]langChoice, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		out = append(out, langChoice{Code: l, Name: l.Name(), Current: l == p.Lang})
	}
	return out
}

// CSS is the stylesheet URL, versioned by its content so browsers may cache it.
func (p *page) CSS() string { return "/static/garde.css?v=" + cssVersion }

// Field describes one labelled input for the "field" partial. opts are
// "autocomplete=…", "hint=<message ID>", "required" and "value=…".
func (p *page) Field(id, name, typ, labelID string, opts ...string) fieldView {
	f := fieldView{ID: id, Name: name, Type: typ, Label: p.T(labelID)}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "autocomplete":
			f.Autocomplete = v
		case "hint":
			f.Hint = p.T(v)
		case "required":
			f.Required = true
		case "value":
			f.Value = v
		}
	}
	if p.Form != nil {
		if v, ok := p.Form.Values[name]; ok && typ != "password" {
			f.Value = v
		}
		f.Error = p.Form.Err(id)
	}
	return f
}

type fieldView struct {
	ID, Name, Type, Label, Value, Hint, Error, Autocomplete string
	Required                                                bool
}

// Describedby lists the ids of the hint and error texts of the field.
func (f fieldView) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}
