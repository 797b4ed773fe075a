package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/garde-privacy/garde/internal/operator"
)

// setupSubmit creates the owner with the one-time setup link, signs them in
// and opens the dashboard.
func (h *handler) setupSubmit(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "")
	token := r.PostFormValue("token")
	p.V["Token"] = token
	p.Path = "/setup?token=" + url.QueryEscape(token)
	if token == "" {
		h.renderProblem(w, r, http.StatusBadRequest, "web.setup.invalid.title", "web.setup.missing.text")
		return
	}
	// A dead link is said first: fixing the form would not help.
	if err := h.Operators.CheckSetupToken(r.Context(), token); err != nil {
		h.setupTokenProblem(w, r, err)
		return
	}
	f := newForm(r, "email", "name")
	p.Form = f
	password, confirm := r.PostFormValue("password"), r.PostFormValue("confirm")
	requireFields(p, f, "setup-email", "web.field.email", f.Values["email"], "setup-name", "web.field.name", f.Values["name"],
		"setup-password", "web.field.password", password)
	if password != "" && password != confirm {
		f.add("setup-confirm", p.T("web.form.password_mismatch"))
	}
	if !f.ok() {
		h.render(w, r, http.StatusUnprocessableEntity, "setup", p)
		return
	}
	op, err := h.Operators.CompleteSetup(r.Context(), token, operator.NewOperator{
		Email:    f.Values["email"],
		Name:     f.Values["name"],
		Role:     operator.Owner,
		Password: password,
		Locale:   chosenLang(r),
	})
	switch {
	case errors.Is(err, operator.ErrSetupInvalid):
		h.setupTokenProblem(w, r, err)
		return
	case err != nil:
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.addErr(p, err, "setup-email", "setup-name", "setup-password")
		h.render(w, r, http.StatusUnprocessableEntity, "setup", p)
		return
	}
	// The owner just chose this password: sign them in with it.
	session, _, err := h.Operators.Login(r.Context(), op.Email, password, h.clientMeta(r))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setSession(w, session)
	h.setFlash(w, "ok", "web.flash.setup_done")
	seeOther(w, r, "/")
}
