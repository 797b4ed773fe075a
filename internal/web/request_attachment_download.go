package web

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestAttachmentDownload sends a file of a request to an agent, always
// as a download (never shown in the page's origin), and the service notes
// the download in the audit log.
func (h *handler) requestAttachmentDownload(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	a, content, err := h.Requests.OpenAttachment(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"), r.PathValue("att"))
	switch {
	case errors.Is(err, requests.ErrNotFound), errors.Is(err, requests.ErrAttachmentNotFound):
		h.notFound(w, r)
		return
	case errors.Is(err, requests.ErrAttachmentDeleted):
		h.renderProblem(w, r, http.StatusGone, "web.requests.attachments.gone_title", "web.requests.attachments.gone_text")
		return
	case err != nil:
		h.requestFailed(w, r, nil, "attachments-title", err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	// A file opened despite the disposition runs nothing.
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(content)
}
