package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// operatorCreate adds an account with a temporary password, which the new
// operator changes from their account page.
func (h *handler) operatorCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "operators")
	f := newForm(r, "email", "name", "role")
	p.Form = f
	password := r.PostFormValue("password")
	requireFields(p, f, "new-email", "web.field.email", f.Values["email"], "new-name", "web.field.name", f.Values["name"],
		"new-password", "web.operators.temp_password", password)
	role := operator.Role(f.Values["role"])
	if !role.Valid() {
		f.add("new-role", p.T("web.operators.role_invalid"))
	}
	if role == operator.Owner && !mayTouchOwner(st.op, role) {
		f.add("new-role", p.T("web.operators.owner_only"))
	}
	if !f.ok() {
		h.renderOperators(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	_, err := h.Operators.Create(r.Context(), actor(st.op), operator.NewOperator{
		Email:    f.Values["email"],
		Name:     f.Values["name"],
		Role:     role,
		Password: password,
		Locale:   "",
	})
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.addErr(p, err, "new-email", "new-name", "new-role", "new-password")
		h.renderOperators(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	h.setFlash(w, "ok", "web.flash.operator_created")
	seeOther(w, r, "/operators")
}

// flashErr ends an action on a list page: a localized error goes back to
// the list as a flash, anything else is a server error.
func (h *handler) flashErr(w http.ResponseWriter, r *http.Request, err error, back string) {
	le, ok := asLocalized(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	if !h.Catalog.Has(i18n.EN, le.ID) {
		h.Log.Error("web: missing translation", "id", le.ID)
	}
	h.setFlash(w, "err", le.ID)
	seeOther(w, r, back)
}
