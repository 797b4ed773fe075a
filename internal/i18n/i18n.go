// Package i18n holds every sentence Garde shows, in English, French and
// Dutch, under stable message IDs, and picks the language of a request.
package i18n

import (
	"embed"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// Lang is one of Garde's languages.
type Lang string

const (
	EN Lang = "en"
	FR Lang = "fr"
	NL Lang = "nl"
)

// Langs lists the supported languages in display order.
var Langs = []Lang{EN, FR, NL}

// Valid reports whether l is supported.
func (l Lang) Valid() bool { return l == EN || l == FR || l == NL }

// Name is the language's name in itself, for language switches.
func (l Lang) Name() string {
	switch l {
	case FR:
		return "Français"
	case NL:
		return "Nederlands"
	}
	return "English"
}

// Catalog holds the loaded messages of every language.
type Catalog struct {
	bundle  *goi18n.Bundle
	ids     map[Lang]map[string]bool
	matcher language.Matcher
	tags    []language.Tag
}

// Load reads the embedded catalogs. Each language has a main file
// (locales/en.yaml) and may have one file per area (locales/breach.en.yaml),
// so a domain keeps its sentences beside each other; an ID defined twice in
// one language is an error rather than a silent override.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{bundle: b, ids: map[Lang]map[string]bool{}}
	files, err := localeFiles.ReadDir("locales")
	if err != nil {
		return nil, err
	}
	for _, l := range Langs {
		c.ids[l] = map[string]bool{}
		c.tags = append(c.tags, language.Make(string(l)))
	}
	for _, f := range files {
		name := f.Name()
		l, ok := fileLang(name)
		if !ok {
			return nil, fmt.Errorf("i18n: %s: the name must end in .en.yaml, .fr.yaml or .nl.yaml", name)
		}
		data, err := localeFiles.ReadFile("locales/" + name)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			if c.ids[l][m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q is defined twice for %s", name, m.ID, l)
			}
			c.ids[l][m.ID] = true
		}
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// fileLang reads the language from a catalog file name: "fr.yaml" or
// "consent.fr.yaml".
func fileLang(name string) (Lang, bool) {
	base, ok := strings.CutSuffix(name, ".yaml")
	if !ok {
		return "", false
	}
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	l := Lang(base)
	return l, l.Valid()
}

// MustLoad is Load for program start-up and tests.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// IDs returns the sorted message IDs of a language.
func (c *Catalog) IDs(l Lang) []string {
	out := make([]string, 0, len(c.ids[l]))
	for id := range c.ids[l] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has reports whether the message ID exists in language l.
func (c *Catalog) Has(l Lang, id string) bool { return c.ids[l][id] }

// Match picks the best supported language for an Accept-Language header,
// falling back to def.
func (c *Catalog) Match(acceptLanguage string, def Lang) Lang {
	if strings.TrimSpace(acceptLanguage) == "" {
		return def
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return def
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return def
	}
	return Langs[idx]
}

// FromRequest picks the language from the "lang" cookie when it holds a
// supported language, then from Accept-Language.
func (c *Catalog) FromRequest(r *http.Request, def Lang) Lang {
	if ck, err := r.Cookie("garde_lang"); err == nil && Lang(ck.Value).Valid() {
		return Lang(ck.Value)
	}
	return c.Match(r.Header.Get("Accept-Language"), def)
}

// Localizer translates messages into one language.
type Localizer struct {
	Lang Lang
	l    *goi18n.Localizer
}

// For returns the localizer of a language.
func (c *Catalog) For(l Lang) *Localizer {
	if !l.Valid() {
		l = EN
	}
	return &Localizer{Lang: l, l: goi18n.NewLocalizer(c.bundle, string(l))}
}

// T translates id. Optional data fills {{.Name}}-style fields; a "Count"
// field selects the plural form.
func (lz *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := lz.l.Localize(cfg)
	if err != nil {
		// A missing ID is caught by the catalog test; show the ID rather than nothing.
		return id
	}
	return s
}

// Error is an error carrying a message ID, shown to people in their language
// and to API clients as a stable code.
type Error struct {
	ID   string
	Data map[string]any
}

// NewError returns a localized error.
func NewError(id string, data ...map[string]any) *Error {
	e := &Error{ID: id}
	if len(data) > 0 {
		e.Data = data[0]
	}
	return e
}

func (e *Error) Error() string { return e.ID }

// Localize renders the error in lz's language.
func (e *Error) Localize(lz *Localizer) string { return lz.T(e.ID, e.Data) }
