package mail

import (
	"errors"
	htmltemplate "html/template"
	"net/url"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// TemplateFunc renders the content of one kind of email in lz's language:
// the subject, the plain-text body and the HTML body. The HTML body is a
// fragment placed inside Garde's layout and must be safe HTML (build it with
// html/template, or use Spec). Bad data is reported as an *i18n.Error.
type TemplateFunc func(lz *i18n.Localizer, data map[string]any) (subject, text, html string, err error)

var registry = struct {
	sync.RWMutex
	m map[string]TemplateFunc
}{m: map[string]TemplateFunc{}}

// Register adds a kind of email. Domains call it from an init function;
// registering a name twice is a programming error and panics.
func Register(name string, fn TemplateFunc) {
	if name == "" || fn == nil {
		panic("mail: Register needs a name and a function")
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[name]; dup {
		panic("mail: template " + name + " registered twice")
	}
	registry.m[name] = fn
}

// Templates lists the registered template names, sorted.
func Templates() []string {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]string, 0, len(registry.m))
	for name := range registry.m {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func lookup(name string) (TemplateFunc, bool) {
	registry.RLock()
	defer registry.RUnlock()
	fn, ok := registry.m[name]
	return fn, ok
}

// Spec describes the usual Garde email entirely with catalog IDs: a subject,
// paragraphs and an optional button. Each text is translated with the
// message's data, so "{{.Name}}" in a catalog entry shows data["Name"];
// time.Time values are shown with FormatTime. Register it with
// Register("name", Spec{...}.Render).
type Spec struct {
	// Subject is the catalog ID of the subject line.
	Subject string
	// Paragraphs are the catalog IDs of the body, one paragraph each.
	Paragraphs []string
	// Action adds a button to a link after the paragraphs.
	Action *Action
	// Closing are the catalog IDs of paragraphs after the button.
	Closing []string
	// Required lists the data keys that must be present and not empty.
	Required []string
	// Secrets lists the data keys that hold one-time links or codes: each
	// must be a Secret when present, so a caller passing a plain string is
	// refused rather than having the value kept in the stored email.
	Secrets []string
}

// Action is a button in an email.
type Action struct {
	// Label is the catalog ID of the button's text.
	Label string
	// URLKey is the data key holding the link (http or https only), a
	// string or a Secret.
	URLKey string
}

// Render is the Spec's TemplateFunc.
func (s Spec) Render(lz *i18n.Localizer, data map[string]any) (subject, text, html string, err error) {
	for _, key := range s.Required {
		if isEmpty(data[key]) {
			return "", "", "", i18n.NewError("mail.error.missing_data", map[string]any{"Field": key})
		}
	}
	for _, key := range s.Secrets {
		if v, set := data[key]; set && v != nil {
			if _, ok := v.(Secret); !ok {
				return "", "", "", i18n.NewError("mail.error.invalid_data", map[string]any{"Field": key})
			}
		}
	}
	vars := make(map[string]any, len(data))
	for k, v := range data {
		if t, ok := v.(time.Time); ok {
			v = FormatTime(lz.Lang, t)
		}
		vars[k] = v
	}
	body := specBody{}
	for _, id := range s.Paragraphs {
		body.Paragraphs = append(body.Paragraphs, lz.T(id, vars))
	}
	if s.Action != nil {
		link, _ := asString(data[s.Action.URLKey])
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", "", "", i18n.NewError("mail.error.invalid_data", map[string]any{"Field": s.Action.URLKey})
		}
		body.Action = &specAction{Label: lz.T(s.Action.Label, vars), URL: link, Fallback: lz.T("mail.layout.link_fallback")}
	}
	for _, id := range s.Closing {
		body.Closing = append(body.Closing, lz.T(id, vars))
	}
	var tb, hb strings.Builder
	if err := specText.Execute(&tb, body); err != nil {
		return "", "", "", err
	}
	if err := specHTML.Execute(&hb, body); err != nil {
		return "", "", "", err
	}
	return lz.T(s.Subject, vars), tb.String(), hb.String(), nil
}

type specBody struct {
	Paragraphs []string
	Action     *specAction
	Closing    []string
}

type specAction struct {
	Label, URL, Fallback string
}

var specText = texttemplate.Must(texttemplate.New("text").Parse(
	`{{range .Paragraphs}}{{.}}

{{end}}{{with .Action}}{{.Label}}
{{.URL}}

{{end}}{{range .Closing}}{{.}}

{{end}}`))

var specHTML = htmltemplate.Must(htmltemplate.New("html").Parse(
	`{{range .Paragraphs}}<p style="margin:0 0 16px">{{.}}</p>
{{end}}{{with .Action}}<p style="margin:24px 0"><a href="{{.URL}}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">{{.Label}}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#52525b">{{.Fallback}}<br><a href="{{.URL}}" style="color:#1d4ed8;word-break:break-all">{{.URL}}</a></p>
{{end}}{{range .Closing}}<p style="margin:0 0 16px">{{.}}</p>
{{end}}`))

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case Secret:
		return strings.TrimSpace(string(x)) == ""
	case time.Time:
		return x.IsZero()
	}
	return false
}

// asString reads a string or a Secret.
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case Secret:
		return string(x), true
	}
	return "", false
}

// timeLayouts show a date and time unambiguously in each language. Mail
// goes to people in unknown time zones, so times are given in UTC.
var timeLayouts = map[i18n.Lang]string{
	i18n.EN: "2006-01-02 15:04 UTC",
	i18n.FR: "02/01/2006 à 15:04 UTC",
	i18n.NL: "02-01-2006 om 15:04 UTC",
}

// FormatTime shows t in UTC the way lang writes dates.
func FormatTime(lang i18n.Lang, t time.Time) string {
	layout, ok := timeLayouts[lang]
	if !ok {
		layout = timeLayouts[i18n.EN]
	}
	return t.UTC().Format(layout)
}

// Rendered is an email ready to store and send.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Render renders the template name in lang inside Garde's common layout,
// whose footer names org (the organisation running Garde; may be empty).
// The back office uses it for previews; the outbox for every message.
func Render(cat *i18n.Catalog, lang i18n.Lang, name string, data map[string]any, org string) (Rendered, error) {
	fn, ok := lookup(name)
	if !ok {
		return Rendered{}, i18n.NewError("mail.error.unknown_template", map[string]any{"Template": name})
	}
	lz := cat.For(lang)
	vars := make(map[string]any, len(data)+1)
	for k, v := range data {
		vars[k] = v
	}
	if _, set := vars["Org"]; !set {
		vars["Org"] = org
	}
	subject, text, html, err := fn(lz, vars)
	if err != nil {
		var le *i18n.Error
		if errors.As(err, &le) {
			return Rendered{}, le
		}
		return Rendered{}, i18n.NewError("mail.error.render", map[string]any{"Template": name})
	}
	// A subject is one header line, whatever the data held.
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		return Rendered{}, i18n.NewError("mail.error.render", map[string]any{"Template": name})
	}
	footer := lz.T("mail.layout.footer_plain")
	if strings.TrimSpace(org) != "" {
		footer = lz.T("mail.layout.footer", map[string]any{"Org": org})
	}
	page := layoutData{Lang: string(lz.Lang), Subject: subject, Text: strings.TrimRight(text, "\n "), HTML: htmltemplate.HTML(html), Footer: footer}
	var tb, hb strings.Builder
	if err := layoutText.Execute(&tb, page); err != nil {
		return Rendered{}, err
	}
	if err := layoutHTML.Execute(&hb, page); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject, Text: tb.String(), HTML: hb.String()}, nil
}

type layoutData struct {
	Lang, Subject, Text string
	HTML                htmltemplate.HTML
	Footer              string
}

// The text signature uses the "-- " separator mail clients recognise.
var layoutText = texttemplate.Must(texttemplate.New("layout").Parse(`{{.Text}}

-- 
{{.Footer}}
`))

var layoutHTML = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:24px 12px;background:#f4f4f5;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#18181b">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">
{{.HTML}}</div>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#71717a;text-align:center">{{.Footer}}</p>
</body>
</html>
`))
