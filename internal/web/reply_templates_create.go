package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// replyTemplateCreate adds a reply template.
func (h *handler) replyTemplateCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "reply_templates")
	f, in := replyTemplateForm(r)
	p.Form = f
	if _, err := h.Requests.CreateReplyTemplate(r.Context(), requests.OperatorActor(st.op), in); err != nil {
		if h.replyTemplateFailed(w, r, p, f, err) {
			h.renderReplyTemplates(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.reply_templates.flash.created")
	seeOther(w, r, "/reply-templates")
}
