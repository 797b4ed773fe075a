package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

// docRow is one document in one language on the documents page.
type docRow struct {
	Kind     docs.Kind
	Lang     i18n.Lang
	LangName string
	Title    string
	Current  *docs.Publication
}

// docGroup is one document with its completeness and its languages.
type docGroup struct {
	Kind    docs.Kind
	Title   string
	Missing []string
	Rows    []docRow
}

// docsShow lists the documents: whether the inventory satisfies what they
// require, and the version published in each language.
func (h *handler) docsShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "documents")
	inv, _, err := h.Inventory.Current(r.Context())
	if errors.Is(err, inventory.ErrNoInventory) {
		p.V["Groups"] = []docGroup(nil)
		h.render(w, r, http.StatusOK, "docs_list", p)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var groups []docGroup
	for _, k := range docs.Kinds {
		g := docGroup{Kind: k, Title: p.T("docs.title." + string(k))}
		for _, m := range docs.Check(inv, k) {
			g.Missing = append(g.Missing, m.Message(p.lz)+" — "+lawNames(p, m.Laws))
		}
		for _, l := range i18n.Langs {
			row := docRow{Kind: k, Lang: l, LangName: l.Name(), Title: h.Catalog.For(l).T("docs.title." + string(k))}
			cur, err := h.Docs.Current(r.Context(), k, l)
			switch {
			case err == nil:
				row.Current = cur
			case !errors.Is(err, docs.ErrNotPublished):
				h.serverError(w, r, err)
				return
			}
			g.Rows = append(g.Rows, row)
		}
		groups = append(groups, g)
	}
	p.V["Groups"] = groups
	h.render(w, r, http.StatusOK, "docs_list", p)
}

func lawNames(p *page, laws []string) string {
	out := ""
	for i, l := range laws {
		if i > 0 {
			out += ", "
		}
		if l == "plan" {
			out += p.T("docs.check.plan")
		} else {
			out += p.T("inventory.law." + l)
		}
	}
	return out
}
