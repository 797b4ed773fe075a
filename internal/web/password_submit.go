package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
)

// passwordSubmit changes the operator's password. Their other sessions end
// (the service keeps only this one) and an email tells them of the change,
// so a change they did not make does not go unnoticed.
func (h *handler) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "account")
	f := newForm(r)
	p.Form = f
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	requireFields(p, f, "password-current", "web.account.current", current, "password-new", "web.account.new", next)
	if next != "" && next != confirm {
		f.add("password-confirm", p.T("web.form.password_mismatch"))
	}
	if !f.ok() {
		h.render(w, r, http.StatusUnprocessableEntity, "account", p)
		return
	}
	err := h.Operators.ChangePassword(r.Context(), st.op.ID, current, next, st.token)
	switch {
	case errors.Is(err, operator.ErrThrottled):
		f.add("password-current", p.Msg(err))
		h.render(w, r, http.StatusTooManyRequests, "account", p)
		return
	case errors.Is(err, operator.ErrPasswordWrong):
		f.add("password-current", p.Msg(err))
	case err != nil:
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.addErr(p, err, "password-new")
	}
	if !f.ok() {
		h.render(w, r, http.StatusUnprocessableEntity, "account", p)
		return
	}
	err = h.DB.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := h.Outbox.Enqueue(r.Context(), tx, mail.Message{
			To:       st.op.Email,
			Lang:     st.lang,
			Template: mail.TemplatePasswordChanged,
			Data:     map[string]any{"Name": displayName(st.op), "When": time.Now().UTC()},
		})
		return err
	})
	if err != nil {
		// The password did change; only the notice failed. Say so in the log
		// rather than telling the operator the change failed.
		h.Log.Error("web: password-changed email not queued", "operator", st.op.ID, "err", err)
	}
	h.setFlash(w, "ok", "web.flash.password_changed")
	seeOther(w, r, "/account")
}

// displayName is how an email addresses an operator: by name, else by address.
func displayName(op *operator.Operator) string {
	if op.Name != "" {
		return op.Name
	}
	return op.Email
}
