package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// replyTemplatesShow lists the reply templates and, for admins, the form
// that adds one.
func (h *handler) replyTemplatesShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "reply_templates")
	h.renderReplyTemplates(w, r, http.StatusOK, p)
}

func (h *handler) renderReplyTemplates(w http.ResponseWriter, r *http.Request, status int, p *page) {
	list, err := h.Requests.ReplyTemplates(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.Path = "/reply-templates"
	p.V["Templates"] = list
	h.replyTemplateCommon(p)
	h.render(w, r, status, "reply_templates_page", p)
}

// replyTemplateEditShow shows a template's form, filled in, and the button
// that deletes it.
func (h *handler) replyTemplateEditShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "reply_templates")
	h.renderReplyTemplateEdit(w, r, http.StatusOK, p)
}

func (h *handler) renderReplyTemplateEdit(w http.ResponseWriter, r *http.Request, status int, p *page) {
	t, err := h.Requests.GetReplyTemplate(r.Context(), r.PathValue("id"))
	if errors.Is(err, requests.ErrReplyTemplateNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = &form{Values: map[string]string{
			"tpl-name": t.Name, "tpl-body-en": t.BodyEN, "tpl-body-fr": t.BodyFR, "tpl-body-nl": t.BodyNL,
			"tpl-type": string(t.RequestType),
		}}
	}
	p.Path = "/reply-templates/" + t.ID
	p.V["Template"] = t
	h.replyTemplateCommon(p)
	h.render(w, r, status, "reply_templates_page", p)
}

// replyTemplateCommon adds what both pages show: the kinds of request a
// template may be meant for, and the placeholders with what they become.
func (h *handler) replyTemplateCommon(p *page) {
	types := make([]choice, 0, len(requests.Types))
	for _, t := range requests.Types {
		types = append(types, choice{Value: string(t), Label: p.T(t.LabelID())})
	}
	p.V["Types"] = types
	var ph []choice
	for _, name := range requests.PlaceholderList() {
		key := name[2 : len(name)-2]
		ph = append(ph, choice{Value: name, Label: p.T("web.reply_templates.placeholder." + key)})
	}
	p.V["Placeholders"] = ph
}
