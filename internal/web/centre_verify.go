package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/garde-privacy/garde/internal/requests"
)

// verifyShow is where the emailed link leads. With a token it shows a
// button that confirms the request: mail scanners and link previews open
// links too, so opening one changes nothing. Without a token it is the
// page where the person types their reference and code.
func (c *centre) verifyShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("token") {
		p := c.newPage(w, r, "")
		ref, _ := requests.ParseReference(q.Get("ref"))
		c.verifyValues(p, ref, "", false)
		c.render(w, http.StatusOK, "centre_verify", p)
		return
	}
	if !c.limit(w, r, c.limits.verify) {
		return
	}
	token := q.Get("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	if err := c.Requests.CheckVerificationToken(r.Context(), token); err != nil {
		c.verified(w, r, nil, err)
		return
	}
	p := c.newPage(w, r, "")
	p.V["Token"] = token
	c.render(w, http.StatusOK, "centre_verify_link", p)
}

// verifySubmit confirms a request: with the token of the emailed link
// (the button of the link's page), or with its reference and the code of
// the email.
func (c *centre) verifySubmit(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts, c.limits.verify) {
		return
	}
	if r.PostForm.Has("token") {
		token := r.PostForm.Get("token")
		if !centreTokenShape(token) {
			c.linkDamaged(w, r)
			return
		}
		v, err := c.Requests.VerifyByToken(r.Context(), token)
		c.verified(w, r, v, err)
		return
	}
	p := c.newPage(w, r, "")
	f := newForm(r, "reference", "code")
	p.Form = f
	p.Path = centreVerifyPath
	if ref, ok := requests.ParseReference(f.Values["reference"]); ok {
		p.Path += "?ref=" + url.QueryEscape(ref)
	}
	requireFields(p, f, "verify-reference", "centre.field.reference", f.Values["reference"],
		"verify-code", "centre.field.code", f.Values["code"])
	if f.ok() {
		v, err := c.Requests.VerifyByCode(r.Context(), f.Values["reference"], f.Values["code"])
		switch {
		case errors.Is(err, requests.ErrCodeInvalid), errors.Is(err, requests.ErrCodeLocked):
			f.add("verify-code", p.Msg(err))
		default:
			c.verified(w, r, v, err)
			return
		}
	}
	c.verifyValues(p, f.Values["reference"], "", false)
	c.render(w, http.StatusUnprocessableEntity, "centre_verify", p)
}

// verified ends a confirmation: on to the status page, or a page saying
// why the link or code no longer works.
func (c *centre) verified(w http.ResponseWriter, r *http.Request, v *requests.Verified, err error) {
	switch {
	case errors.Is(err, requests.ErrVerificationInvalid):
		st := c.stateOf(r)
		c.problem(w, r, http.StatusGone, "centre.verify.invalid.title", st.lz.T(requests.ErrVerificationInvalid.ID),
			centreFormPath, "centre.problem.new_request")
		return
	case err != nil:
		c.serverError(w, r, err)
		return
	}
	if v.AlreadyVerified {
		c.setFlash(w, "ok", "centre.flash.already_verified")
	} else {
		c.setFlash(w, "ok", "centre.flash.verified")
	}
	seeOther(w, r, centreStatusURL(v.StatusToken))
}

// linkDamaged is the page of a link whose token cannot be one: cut when
// copied, most likely.
func (c *centre) linkDamaged(w http.ResponseWriter, r *http.Request) {
	st := c.stateOf(r)
	c.problem(w, r, http.StatusBadRequest, "centre.link.damaged.title", st.lz.T("centre.link.damaged.text"))
}

// sentPage is the answer to an accepted request: the same page whoever the
// person is, with their reference, the code form and the resend button.
func (c *centre) sentPage(w http.ResponseWriter, p *page, reference, email string, status int) {
	p.Path = centreVerifyPath + "?ref=" + url.QueryEscape(reference)
	c.verifyValues(p, reference, email, true)
	c.render(w, status, "centre_verify", p)
}

// verifyValues fills the code page; sent marks the page shown right after
// the form (or a resend), which knows the address to send again to.
func (c *centre) verifyValues(p *page, reference, email string, sent bool) {
	p.V["Sent"] = sent
	p.V["Reference"] = reference
	p.V["Email"] = email
	p.V["Days"] = int(requests.VerificationTTL.Hours() / 24)
}
