package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// registerReplyTemplates adds the reply template pages and the reply
// composer. Agents read templates and write replies from them; admins
// change the templates.
func (h *handler) registerReplyTemplates(mux *http.ServeMux) {
	if h.Requests == nil {
		return
	}
	mux.Handle("GET /reply-templates", h.requireRole(operator.Agent, h.replyTemplatesShow))
	mux.Handle("POST /reply-templates", h.requireRole(operator.Admin, h.replyTemplateCreate))
	mux.Handle("GET /reply-templates/{id}", h.requireRole(operator.Admin, h.replyTemplateEditShow))
	mux.Handle("POST /reply-templates/{id}", h.requireRole(operator.Admin, h.replyTemplateUpdate))
	mux.Handle("POST /reply-templates/{id}/delete", h.requireRole(operator.Admin, h.replyTemplateDelete))

	mux.Handle("GET /requests/{id}/compose", h.requireRole(operator.Agent, h.requestCompose))
}
