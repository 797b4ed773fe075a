package mail

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	"reflect"
	"slices"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Secret is a value in Message.Data that works on its own and must not stay
// readable in the database: a setup or invitation link carrying a token, a
// verification code, a signed status link. Templates show it exactly like a
// string (html/template escapes and checks it as it would a string). The
// outbox keeps it in the stored email only until the email is sent or given
// up on, then replaces it with a marker: the stored copy keeps the email's
// words, recipient and time, but no longer a working link.
//
// A TemplateFunc that reads data values with type assertions must accept
// Secret as well as string; Spec does.
type Secret string

// LogValue keeps a Secret out of structured logs.
func (Secret) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// redactedID is the catalog ID of the marker that replaces a secret.
const redactedID = "mail.redacted"

var secretType = reflect.TypeFor[Secret]()

// collectSecrets returns the non-blank Secret values anywhere in data
// (nested maps, slices and structs included), sorted and without repeats.
func collectSecrets(data map[string]any) []string {
	seen := map[string]bool{}
	walkSecrets(reflect.ValueOf(data), seen, 0)
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// maxSecretDepth bounds the walk, so a value that contains itself ends.
const maxSecretDepth = 10

func walkSecrets(v reflect.Value, seen map[string]bool, depth int) {
	if !v.IsValid() || depth > maxSecretDepth {
		return
	}
	if v.Type() == secretType {
		// A blank secret has nothing to hide, and replacing "" would
		// put the marker between every character.
		if s := v.String(); strings.TrimSpace(s) != "" {
			seen[s] = true
		}
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if !v.IsNil() {
			walkSecrets(v.Elem(), seen, depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walkSecrets(it.Value(), seen, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkSecrets(v.Index(i), seen, depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			walkSecrets(v.Field(i), seen, depth+1)
		}
	}
}

func encodeSecrets(secrets []string) (string, error) {
	if len(secrets) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(secrets)
	return string(b), err
}

func decodeSecrets(s string) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("unreadable secrets column: %w", err)
	}
	return out, nil
}

// escapeContexts are the places html/template can put a value in an email's
// HTML, each as a template and the text around the value, so a secret is
// found in the HTML body in the form it was written there: escaped as text
// ("&amp;"), as an attribute, as a link (normalized, "%c3%a9") or as part of
// a link's query.
var escapeContexts = []struct {
	tmpl           *htmltemplate.Template
	prefix, suffix string
}{
	{htmltemplate.Must(htmltemplate.New("").Parse(`{{.}}`)), "", ""},
	{htmltemplate.Must(htmltemplate.New("").Parse(`<a title="{{.}}">`)), `<a title="`, `">`},
	{htmltemplate.Must(htmltemplate.New("").Parse(`<a href="{{.}}">`)), `<a href="`, `">`},
	{htmltemplate.Must(htmltemplate.New("").Parse(`<a href="?q={{.}}">`)), `<a href="?q=`, `">`},
}

// unsafeURL is what html/template writes instead of a refused link; it is
// not the secret.
const unsafeURL = "#ZgotmplZ"

// secretForms lists the ways s can appear in a rendered email: as is, with
// its spaces collapsed (the subject is one line), and escaped for each HTML
// context.
func secretForms(s string) []string {
	raw := []string{s, strings.Join(strings.Fields(s), " ")}
	forms := slices.Clone(raw)
	for _, r := range raw {
		for _, c := range escapeContexts {
			var b strings.Builder
			if c.tmpl.Execute(&b, r) != nil {
				continue
			}
			forms = append(forms, strings.TrimSuffix(strings.TrimPrefix(b.String(), c.prefix), c.suffix))
		}
	}
	return forms
}

// redact replaces every form of every secret in r with marker (escaped in
// the HTML body).
func redact(r Rendered, secrets []string, marker string) Rendered {
	if len(secrets) == 0 {
		return r
	}
	var forms []string
	for _, s := range secrets {
		for _, f := range secretForms(s) {
			if strings.TrimSpace(f) != "" && f != unsafeURL && !slices.Contains(forms, f) {
				forms = append(forms, f)
			}
		}
	}
	// Longest first: at a given position the replacer takes the first
	// form that matches, so a secret inside another never leaves a piece
	// of the longer one behind.
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	textPairs := make([]string, 0, 2*len(forms))
	htmlPairs := make([]string, 0, 2*len(forms))
	htmlMarker := htmltemplate.HTMLEscapeString(marker)
	for _, f := range forms {
		textPairs = append(textPairs, f, marker)
		htmlPairs = append(htmlPairs, f, htmlMarker)
	}
	text, html := strings.NewReplacer(textPairs...), strings.NewReplacer(htmlPairs...)
	return Rendered{Subject: text.Replace(r.Subject), Text: text.Replace(r.Text), HTML: html.Replace(r.HTML)}
}

// redactItem returns it with its secrets replaced by the marker of its
// language.
func (o *Outbox) redactItem(it Item, secrets []string) Item {
	if len(secrets) == 0 {
		return it
	}
	lang := it.Lang
	if !lang.Valid() {
		lang = i18n.EN
	}
	r := redact(Rendered{Subject: it.Subject, Text: it.BodyText, HTML: it.BodyHTML}, secrets, o.cat.For(lang).T(redactedID))
	it.Subject, it.BodyText, it.BodyHTML = r.Subject, r.Text, r.HTML
	return it
}
