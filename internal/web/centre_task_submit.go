package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// taskSubmit marks a task done with the owner's note. The link works once:
// sent again, it gets the "already done" page.
func (c *centre) taskSubmit(w http.ResponseWriter, r *http.Request) {
	if !c.parseForm(w, r) || !c.limit(w, r, c.limits.posts, c.limits.links) {
		return
	}
	token := r.PostFormValue("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	note := r.PostFormValue("note")
	// The page to come back to must be read before the link is spent.
	tv, err := c.Requests.TaskByToken(r.Context(), token)
	if err != nil {
		c.taskFailed(w, r, err)
		return
	}
	err = c.Requests.CompleteTaskByToken(r.Context(), token, note)
	if err != nil {
		if _, ok := asLocalized(err); !ok || errors.Is(err, requests.ErrTaskTokenInvalid) {
			c.taskFailed(w, r, err)
			return
		}
		p := c.newPage(w, r, "")
		p.Form = &form{Values: map[string]string{"note": note}}
		p.Form.add("task-note", p.Msg(err))
		c.taskPage(w, p, token, tv, http.StatusUnprocessableEntity)
		return
	}
	p := c.newPage(w, r, centreIndexPath)
	p.V["System"] = tv.SystemName
	p.V["Reference"] = tv.Reference
	c.render(w, http.StatusOK, "centre_task_done", p)
}
