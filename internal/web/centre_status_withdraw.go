package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// statusWithdraw withdraws a request in two steps: the button on the status
// page asks for a confirmation, whose form (confirm=yes) withdraws.
func (c *centre) statusWithdraw(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts, c.limits.links) {
		return
	}
	token := r.PostFormValue("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	v, err := c.Requests.Status(r.Context(), token)
	if err != nil {
		c.statusFailed(w, r, err)
		return
	}
	st := c.stateOf(r)
	if !v.CanWithdraw {
		c.problem(w, r, http.StatusConflict, "centre.withdraw.impossible.title", st.lz.T("centre.withdraw.impossible.text"),
			centreStatusURL(token), "centre.problem.back_status")
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		p := c.newPage(w, r, centreStatusURL(token))
		p.V["Token"] = token
		p.V["Reference"] = v.Reference
		p.V["Type"] = p.T(v.Type.LabelID())
		c.render(w, http.StatusOK, "centre_withdraw", p)
		return
	}
	err = c.Requests.Withdraw(r.Context(), token)
	switch {
	case errors.Is(err, requests.ErrStatusInvalid):
		c.statusFailed(w, r, err)
		return
	case err != nil:
		// Someone moved the request meanwhile (an agent closed it): the
		// state machine refuses, and the person is told.
		if _, ok := asLocalized(err); ok {
			c.problem(w, r, http.StatusConflict, "centre.withdraw.impossible.title", st.lz.T("centre.withdraw.impossible.text"),
				centreStatusURL(token), "centre.problem.back_status")
			return
		}
		c.serverError(w, r, err)
		return
	}
	c.setFlash(w, "ok", "centre.flash.withdrawn")
	seeOther(w, r, centreStatusURL(token))
}
