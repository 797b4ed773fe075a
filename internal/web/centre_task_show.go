package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/garde-privacy/garde/internal/requests"
)

// taskShow is where the owner of a system (a linked shop, a partner's
// integration) sees what a request asks of their system and marks it done.
func (c *centre) taskShow(w http.ResponseWriter, r *http.Request) {
	if !c.limit(w, r, c.limits.links) {
		return
	}
	token := r.URL.Query().Get("token")
	if !centreTokenShape(token) {
		c.linkDamaged(w, r)
		return
	}
	tv, err := c.Requests.TaskByToken(r.Context(), token)
	if err != nil {
		c.taskFailed(w, r, err)
		return
	}
	p := c.newPage(w, r, "")
	c.taskPage(w, p, token, tv, http.StatusOK)
}

// taskFailed answers a task link that no longer works: used already
// (the task is done), expired, or its request is closed.
func (c *centre) taskFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, requests.ErrTaskTokenInvalid) {
		st := c.stateOf(r)
		c.problem(w, r, http.StatusGone, "centre.task.gone.title", st.lz.T(requests.ErrTaskTokenInvalid.ID))
		return
	}
	c.serverError(w, r, err)
}

func (c *centre) taskPage(w http.ResponseWriter, p *page, token string, tv *requests.TaskView, status int) {
	p.Path = centreTaskPath + "?token=" + url.QueryEscape(token)
	p.V["Token"] = token
	p.V["Task"] = tv
	p.V["Type"] = p.T(tv.Type.LabelID())
	p.V["Due"] = requests.FormatDate(p.Lang, tv.DueDate)
	p.V["NoteMax"] = requests.MaxBodyLen
	c.render(w, status, "centre_task", p)
}
