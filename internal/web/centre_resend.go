package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/requests"
)

// resendSubmit sends the confirmation email again. The answer is the same
// whether or not the reference and address match a request: only the
// person who sent it knows both.
func (c *centre) resendSubmit(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts, c.limits.verify) {
		return
	}
	p := c.newPage(w, r, centreVerifyPath)
	f := newForm(r, "reference", "email")
	p.Form = f
	requireFields(p, f, "resend-reference", "centre.field.reference", f.Values["reference"],
		"resend-email", "centre.field.email", f.Values["email"])
	if !f.ok() {
		c.verifyValues(p, f.Values["reference"], "", false)
		c.render(w, http.StatusUnprocessableEntity, "centre_verify", p)
		return
	}
	ref := f.Values["reference"]
	if canon, ok := requests.ParseReference(ref); ok {
		ref = canon
	}
	err := c.Requests.ResendVerification(r.Context(), f.Values["reference"], f.Values["email"])
	switch {
	case errors.Is(err, requests.ErrResendTooSoon), errors.Is(err, requests.ErrResendExhausted):
		status := http.StatusUnprocessableEntity
		if le, _ := asLocalized(err); le.ID == requests.ErrResendTooSoon.ID {
			status = http.StatusTooManyRequests
			if m, ok := le.Data["Minutes"].(int); ok {
				w.Header().Set("Retry-After", strconv.Itoa(m*60))
			}
		}
		p.Flash = &flash{Kind: "err", Text: p.Msg(err)}
		p.Form = nil
		c.sentPage(w, p, ref, f.Values["email"], status)
		return
	case err != nil:
		c.serverError(w, r, err)
		return
	}
	p.Flash = &flash{Kind: "ok", Text: p.T("centre.verify.resent")}
	p.Form = nil
	c.sentPage(w, p, ref, f.Values["email"], http.StatusOK)
}
