package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/inventory"
)

// docsPreview shows a document rendered from the current inventory, what it
// lacks, its published versions, and the publish form.
func (h *handler) docsPreview(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "documents")
	h.renderDocsPreview(w, r, http.StatusOK, p)
}

func (h *handler) renderDocsPreview(w http.ResponseWriter, r *http.Request, status int, p *page) {
	k, l, ok := docParams(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	d, err := h.Docs.Preview(r.Context(), k, l)
	if errors.Is(err, inventory.ErrNoInventory) {
		seeOther(w, r, "/inventory")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	hist, err := h.Docs.History(r.Context(), k, l)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var missing []string
	for _, m := range d.Missing {
		missing = append(missing, m.Message(p.lz)+" — "+lawNames(p, m.Laws))
	}
	p.V["Kind"], p.V["DocLang"], p.V["Title"] = k, l, h.Catalog.For(l).T("docs.title."+string(k))
	// The body comes from docs.MarkdownToHTML, which escapes every
	// character of text; only its own tags remain.
	p.V["Body"] = template.HTML(d.HTML)
	p.V["Missing"] = missing
	p.V["History"] = hist
	p.V["Revision"] = d.Revision
	p.V["Base"] = "/documents/" + string(k) + "/" + string(l)
	if _, ok := p.V["PublishError"]; !ok {
		p.V["PublishError"] = ""
	}
	h.render(w, r, status, "docs_preview", p)
}

// docsDownload sends the draft as Markdown, a standalone HTML page or PDF.
func (h *handler) docsDownload(w http.ResponseWriter, r *http.Request) {
	k, l, ok := docParams(r)
	f := docs.Format(r.URL.Query().Get("format"))
	if !ok || !f.Valid() {
		h.notFound(w, r)
		return
	}
	inv, rev, err := h.Inventory.Current(r.Context())
	if errors.Is(err, inventory.ErrNoInventory) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	rd := h.Docs.Renderer()
	name := string(k) + "-" + string(l) + "-r" + strconv.FormatInt(rev.Number, 10) + "." + string(f)
	var body []byte
	var ctype string
	switch f {
	case docs.Markdown:
		md, err := rd.Markdown(inv, k, l, docs.Options{})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		body, ctype = []byte(md), "text/markdown; charset=utf-8"
	default:
		page, err := rd.HTMLPage(inv, k, l, docs.Options{})
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		body, ctype = []byte(page), "text/html; charset=utf-8"
		if f == docs.PDF {
			body, err = docs.PDFFromHTML(r.Context(), page)
			if errors.Is(err, docs.ErrNoChromium) {
				p := h.newPage(w, r, "documents")
				p.V["Title"] = p.T("docs.web.pdf_unavailable")
				p.V["Message"] = p.Msg(err)
				p.V["Status"] = http.StatusServiceUnavailable
				h.render(w, r, http.StatusServiceUnavailable, "problem", p)
				return
			}
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			ctype = "application/pdf"
		}
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(body)
}
