// Package docs writes the privacy plan, the privacy policy and the record of
// processing activities from the inventory, in English, French and Dutch,
// as Markdown, HTML or PDF; checks them against what each law requires; and
// publishes versions of them.
//
// Each language has its own templates (templates/<doc>.<lang>.md.tmpl),
// written natively rather than translated at run time.
package docs

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"strings"
	"text/template"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
)

// Kind is a document Garde writes.
type Kind string

const (
	Plan   Kind = "plan"
	Policy Kind = "policy"
	ROPA   Kind = "ropa"
)

// Kinds lists the documents in display order.
var Kinds = []Kind{Policy, Plan, ROPA}

// Valid reports whether k is a document Garde writes.
func (k Kind) Valid() bool { return k == Plan || k == Policy || k == ROPA }

// Format is an output format.
type Format string

const (
	Markdown Format = "md"
	HTML     Format = "html"
	PDF      Format = "pdf"
)

// Valid reports whether f is a supported format.
func (f Format) Valid() bool { return f == Markdown || f == HTML || f == PDF }

// Options are the facts of a rendering that are not in the inventory.
type Options struct {
	// LastUpdated is the date of this version (the publication date);
	// zero means the inventory's effective date.
	LastUpdated time.Time
	// Version is the published version number, 0 for a draft.
	Version int64
	// EffectiveDate, when set, is the date this version takes effect
	// instead of the inventory's (a version published later than the
	// inventory's date takes effect on publication).
	EffectiveDate time.Time
}

//go:embed templates/*.md.tmpl
var templateFiles embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"join": func(sep string, list []string) string { return strings.Join(list, sep) },
	"list": func(list []string) string {
		if len(list) == 0 {
			return ""
		}
		return "- " + strings.Join(list, "\n- ")
	},
}).ParseFS(templateFiles, "templates/*.md.tmpl"))

// Renderer writes documents; it holds the catalog of enumeration labels.
type Renderer struct{ cat *i18n.Catalog }

// NewRenderer returns a renderer over cat.
func NewRenderer(cat *i18n.Catalog) *Renderer { return &Renderer{cat: cat} }

// Markdown writes document k of inv in lang as Markdown.
func (r *Renderer) Markdown(inv *inventory.Inventory, k Kind, lang i18n.Lang, opts Options) (string, error) {
	if !k.Valid() {
		return "", ErrUnknownDoc
	}
	if !lang.Valid() {
		return "", ErrUnknownLang
	}
	v := buildView(inv, string(lang), r.cat.For(lang), opts)
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, fmt.Sprintf("%s.%s.md.tmpl", k, lang), v); err != nil {
		return "", fmt.Errorf("docs: render %s.%s: %w", k, lang, err)
	}
	return tidy(b.String()), nil
}

// tidy removes the blank lines that template conditionals leave behind, so
// the Markdown reads as if written by hand (one blank line between blocks).
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	var out []string
	blank := true
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

// Title returns a document's title in lang.
func (r *Renderer) Title(k Kind, lang i18n.Lang) string {
	return r.cat.For(lang).T("docs.title." + string(k))
}

// Page wraps a document's HTML fragment in a standalone page with its own
// print style, for files and PDF.
func Page(title string, lang i18n.Lang, fragment string) string {
	return `<!DOCTYPE html>
<html lang="` + string(lang) + `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + html.EscapeString(title) + `</title>
<style>
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; line-height: 1.5; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
a { color: #0b4f8a; }
@page { margin: 2cm; }
</style>
</head>
<body>
<main>
` + fragment + `</main>
</body>
</html>
`
}

// HTMLPage renders document k as a standalone HTML page.
func (r *Renderer) HTMLPage(inv *inventory.Inventory, k Kind, lang i18n.Lang, opts Options) (string, error) {
	md, err := r.Markdown(inv, k, lang, opts)
	if err != nil {
		return "", err
	}
	return Page(r.Title(k, lang), lang, MarkdownToHTML(md)), nil
}
