package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFiles embed.FS

// views holds one parsed template set per page: the layout, the shared
// partials and the page's own file, which defines "title" and "content".
type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": formatTime,
}

func loadViews() (*views, error) {
	base, err := template.New("layout.html").Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/layout.html", "templates/partials*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range names {
		file := path.Base(name)
		if file == "layout.html" || strings.HasPrefix(file, "partials") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", file, err)
		}
		v.pages[strings.TrimSuffix(file, ".html")] = t
	}
	return v, nil
}

// render executes a page into memory, so a template error never leaves a
// half-written response.
func (v *views) render(name string, p *page) ([]byte, error) {
	t, ok := v.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// formatTime shows a time in UTC with minutes, the same in every language
// (ISO order is read the same way in en, fr and nl). Nil shows as a dash.
func formatTime(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		t = *x
	default:
		return ""
	}
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}
