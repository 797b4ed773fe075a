package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/docs"
)

// docsPublish publishes the document from the current inventory. An
// incomplete document needs the override box ticked; the override is
// recorded in the audit log with what was missing.
func (h *handler) docsPublish(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	k, l, ok := docParams(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	override := r.PostFormValue("override") == "yes"
	pub, err := h.Docs.Publish(r.Context(), "operator:"+st.op.ID, k, l, override)
	if err != nil {
		le, isLocalized := asLocalized(err)
		if !isLocalized {
			h.serverError(w, r, err)
			return
		}
		p := h.newPage(w, r, "documents")
		p.Path = "/documents/" + string(k) + "/" + string(l)
		if le.ID == docs.ErrIncomplete.ID {
			p.V["PublishError"] = p.Msg(err)
			h.renderDocsPreview(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		if errors.Is(err, docs.ErrUnknownDoc) {
			h.notFound(w, r)
			return
		}
		p.V["PublishError"] = p.Msg(err)
		h.renderDocsPreview(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if pub.Incomplete {
		h.setFlash(w, "ok", "docs.web.flash.published_override")
	} else {
		h.setFlash(w, "ok", "docs.web.flash.published")
	}
	seeOther(w, r, "/documents/"+string(k)+"/"+string(l))
}
