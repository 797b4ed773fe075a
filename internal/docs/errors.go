package docs

import "github.com/garde-privacy/garde/internal/i18n"

// Errors shown to people; their IDs are the stable API codes.
var (
	ErrUnknownDoc    = i18n.NewError("docs.error.unknown_doc")
	ErrUnknownLang   = i18n.NewError("docs.error.unknown_lang")
	ErrUnknownFormat = i18n.NewError("docs.error.unknown_format")
	ErrNoChromium    = i18n.NewError("docs.error.no_chromium")
	ErrIncomplete    = i18n.NewError("docs.error.incomplete")
	ErrNotPublished  = i18n.NewError("docs.error.not_published")
)
