package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
)

// docsPublic serves the published privacy policy on the privacy centre:
// the current version in the visitor's language (or another published
// language when that one is not), its effective date and its history.
type docsPublic struct{ *centre }

func mustLoadDocsPublicViews() *views {
	base := template.Must(template.New("centre_layout.html").Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/centre_layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFiles, "templates/docs_public*.html")
	if err != nil {
		panic(err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range append(names, "templates/centre_problem.html") {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFiles, name))
		v.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return v
}

func (d *docsPublic) show(w http.ResponseWriter, r *http.Request) {
	p := d.newPage(w, r, "")
	ctx := r.Context()
	var pub *docs.Publication
	var err error
	if v := r.PathValue("version"); v != "" {
		l := i18n.Lang(r.PathValue("lang"))
		n, perr := strconv.ParseInt(v, 10, 64)
		if !l.Valid() || perr != nil || n < 1 {
			d.notFound(w, r)
			return
		}
		pub, err = d.Docs.Version(ctx, docs.Policy, l, n)
	} else {
		// The visitor's language first, then the others in Garde's order.
		for _, l := range append([]i18n.Lang{p.Lang}, i18n.Langs...) {
			if pub, err = d.Docs.Current(ctx, docs.Policy, l); !errors.Is(err, docs.ErrNotPublished) {
				break
			}
		}
	}
	if errors.Is(err, docs.ErrNotPublished) {
		d.problem(w, r, http.StatusNotFound, "docs.web.public.none_title", p.T("docs.error.not_published"))
		return
	}
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	hist, err := d.Docs.History(ctx, docs.Policy, pub.Lang)
	if err != nil {
		d.serverError(w, r, err)
		return
	}
	cur := hist[0].Version
	p.V["Pub"] = pub
	p.V["IsCurrent"] = pub.Version == cur
	p.V["CurrentURL"] = "/privacy/policy"
	// Published bodies come from docs.MarkdownToHTML, which escapes all text.
	p.V["Body"] = template.HTML(pub.HTML)
	p.V["History"] = hist
	p.V["DocLang"] = string(pub.Lang)
	p.V["OtherLang"] = pub.Lang != p.Lang
	w.Header().Set("Cache-Control", "no-cache")
	d.render(w, http.StatusOK, "docs_public", p)
}
