package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// registerDocs adds the document pages: viewers preview and download,
// admins publish; the current privacy policy is public at /privacy/policy.
func (h *handler) registerDocs(mux *http.ServeMux) {
	if h.Docs == nil || h.Inventory == nil {
		return
	}
	mux.Handle("GET /documents", h.requireRole(operator.Viewer, h.docsShow))
	mux.Handle("GET /documents/{doc}/{lang}", h.requireRole(operator.Viewer, h.docsPreview))
	mux.Handle("GET /documents/{doc}/{lang}/download", h.requireRole(operator.Viewer, h.docsDownload))
	mux.Handle("POST /documents/{doc}/{lang}/publish", h.requireRole(operator.Admin, h.docsPublish))
	pub := &docsPublic{centre: &centre{handler: h, views: mustLoadDocsPublicViews()}}
	mux.Handle("GET /privacy/policy", pub.public(pub.show))
	mux.Handle("GET /privacy/policy/{lang}/{version}", pub.public(pub.show))
}

// docParams reads the document and language of the path; false when either
// is unknown (the caller answers 404).
func docParams(r *http.Request) (docs.Kind, i18n.Lang, bool) {
	k, l := docs.Kind(r.PathValue("doc")), i18n.Lang(r.PathValue("lang"))
	return k, l, k.Valid() && l.Valid()
}
