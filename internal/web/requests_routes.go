package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// registerRequests adds the back-office pages of data subject requests and
// of the connected systems. Viewers read the queue and the requests,
// agents act on them; systems are read by agents and changed by admins.
func (h *handler) registerRequests(mux *http.ServeMux) {
	if h.Requests == nil {
		return
	}
	mux.Handle("GET /requests", h.requireRole(operator.Viewer, h.requestListShow))
	mux.Handle("GET /requests/{id}", h.requireRole(operator.Viewer, h.requestShow))

	mux.Handle("POST /requests/{id}/assign", h.requireRole(operator.Agent, h.requestAssign))
	mux.Handle("POST /requests/{id}/note", h.requireRole(operator.Agent, h.requestNote))
	mux.Handle("POST /requests/{id}/reply", h.requireRole(operator.Agent, h.requestReply))
	mux.Handle("POST /requests/{id}/verify", h.requireRole(operator.Agent, h.requestVerify))
	mux.Handle("POST /requests/{id}/start", h.requireRole(operator.Agent, h.requestStart))
	mux.Handle("POST /requests/{id}/identity", h.requireRole(operator.Agent, h.requestIdentity))
	mux.Handle("POST /requests/{id}/identity/confirm", h.requireRole(operator.Agent, h.requestIdentityConfirm))
	mux.Handle("POST /requests/{id}/extend", h.requireRole(operator.Agent, h.requestExtend))
	mux.Handle("POST /requests/{id}/reject", h.requireRole(operator.Agent, h.requestReject))
	mux.Handle("POST /requests/{id}/complete", h.requireRole(operator.Agent, h.requestComplete))
	mux.Handle("POST /requests/{id}/close", h.requireRole(operator.Agent, h.requestClose))
	mux.Handle("POST /requests/{id}/tasks/{task}/done", h.requireRole(operator.Agent, h.requestTaskDone))
	mux.Handle("POST /requests/{id}/pause", h.requireRole(operator.Agent, h.requestPause))
	mux.Handle("POST /requests/{id}/resume", h.requireRole(operator.Agent, h.requestResume))
	mux.Handle("POST /requests/{id}/attachments", h.requireRole(operator.Agent, h.requestAttachmentUpload))
	mux.Handle("GET /requests/{id}/attachments/{att}", h.requireRole(operator.Agent, h.requestAttachmentDownload))
	mux.Handle("POST /requests/{id}/attachments/{att}/keep", h.requireRole(operator.Admin, h.requestAttachmentKeep))
	mux.Handle("POST /requests/{id}/deliver", h.requireRole(operator.Agent, h.requestDeliver))

	mux.Handle("GET /systems", h.requireRole(operator.Agent, h.systemsShow))
	mux.Handle("POST /systems", h.requireRole(operator.Admin, h.systemCreate))
	mux.Handle("GET /systems/{id}", h.requireRole(operator.Admin, h.systemEditShow))
	mux.Handle("POST /systems/{id}", h.requireRole(operator.Admin, h.systemUpdate))
	mux.Handle("POST /systems/{id}/delete", h.requireRole(operator.Admin, h.systemDelete))
}
