package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// replyTemplateUpdate changes a reply template.
func (h *handler) replyTemplateUpdate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "reply_templates")
	f, in := replyTemplateForm(r)
	p.Form = f
	if _, err := h.Requests.UpdateReplyTemplate(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"), in); err != nil {
		if h.replyTemplateFailed(w, r, p, f, err) {
			h.renderReplyTemplateEdit(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.reply_templates.flash.updated")
	seeOther(w, r, "/reply-templates")
}
