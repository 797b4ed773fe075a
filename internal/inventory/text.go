package inventory

import (
	"fmt"

	"github.com/goccy/go-yaml"
)

// Text is free text a business writes in one or more languages: a plain
// string in a file is English-neutral text used for every language, a
// mapping gives it per language ({fr: ..., en: ...}). Documents are written
// in one language, so each picks its own version.
type Text map[string]string

// neutral is the key of a plain string.
const neutral = "*"

// UnmarshalYAML accepts a string or a mapping of languages.
func (t *Text) UnmarshalYAML(data []byte) error {
	var s string
	if err := yaml.Unmarshal(data, &s); err == nil {
		*t = Text{neutral: s}
		return nil
	}
	var m map[string]string
	if err := yaml.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("expected a text or a mapping of languages (en, fr, nl)")
	}
	*t = Text(m)
	return nil
}

// MarshalYAML writes a plain string back as a string.
func (t Text) MarshalYAML() (any, error) {
	if s, ok := t[neutral]; ok && len(t) == 1 {
		return s, nil
	}
	return map[string]string(t), nil
}

// In returns the text in lang: its own version, else the neutral one.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	return t[neutral]
}

// badLanguage returns a language key other than en, fr and nl.
func (t Text) badLanguage() string {
	for k := range t {
		if k != "en" && k != "fr" && k != "nl" && k != neutral {
			return k
		}
	}
	return ""
}

// Has reports whether the text exists in lang.
func (t Text) Has(lang string) bool { return t.In(lang) != "" }

// Empty reports whether no version has any text.
func (t Text) Empty() bool {
	for _, s := range t {
		if s != "" {
			return false
		}
	}
	return true
}
