package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// statusReply adds the person's message to their request.
func (c *centre) statusReply(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts, c.limits.links) {
		return
	}
	token := r.PostFormValue("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	body := r.PostFormValue("message")
	err := c.Requests.PostSubjectMessage(r.Context(), token, body)
	if err == nil {
		c.setFlash(w, "ok", "centre.flash.reply_sent")
		seeOther(w, r, centreStatusURL(token))
		return
	}
	if errors.Is(err, requests.ErrStatusInvalid) {
		c.statusFailed(w, r, err)
		return
	}
	if _, ok := asLocalized(err); !ok {
		c.serverError(w, r, err)
		return
	}
	// The message comes back with the error, on the status page as it is now.
	v, verr := c.Requests.Status(r.Context(), token)
	if verr != nil {
		c.statusFailed(w, r, verr)
		return
	}
	p := c.newPage(w, r, "")
	if errors.Is(err, requests.ErrClosed) {
		// The request ended meanwhile: there is no reply box to come back to.
		p.Flash = &flash{Kind: "err", Text: p.Msg(err)}
		c.statusPage(w, p, token, v, http.StatusConflict)
		return
	}
	p.Form = &form{Values: map[string]string{"message": body}}
	p.Form.add("reply-message", p.Msg(err))
	c.statusPage(w, p, token, v, http.StatusUnprocessableEntity)
}
