package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// replyTemplateDelete removes a reply template.
func (h *handler) replyTemplateDelete(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "reply_templates")
	f := &form{Values: map[string]string{}}
	if err := h.Requests.DeleteReplyTemplate(r.Context(), requests.OperatorActor(st.op), r.PathValue("id")); err != nil {
		if h.replyTemplateFailed(w, r, p, f, err) {
			p.Form = f
			h.renderReplyTemplates(w, r, http.StatusUnprocessableEntity, p)
		}
		return
	}
	h.setFlash(w, "ok", "web.reply_templates.flash.deleted")
	seeOther(w, r, "/reply-templates")
}
