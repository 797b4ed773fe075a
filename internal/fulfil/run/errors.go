package run

import (
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Errors of connectors; the ID is the stable code.
var (
	ErrNotAutomatic        = i18n.NewError("fulfil.error.not_automatic")
	ErrDatasetRequired     = i18n.NewError("fulfil.error.dataset_required")
	ErrDatasetTooLarge     = i18n.NewError("fulfil.error.dataset_too_large", map[string]any{"Max": maxDatasetLen >> 10})
	ErrDatasetOne          = i18n.NewError("fulfil.error.dataset_one")
	ErrDatasetNoEmail      = i18n.NewError("fulfil.error.dataset_no_email")
	ErrURLRequired         = i18n.NewError("fulfil.error.url_required")
	ErrURLScheme           = i18n.NewError("fulfil.error.url_scheme")
	ErrURLSQLitePath       = i18n.NewError("fulfil.error.url_sqlite_path")
	ErrNoConnector         = i18n.NewError("fulfil.error.no_connector")
	ErrPackageTooLarge     = i18n.NewError("fulfil.error.package_too_large", map[string]any{"Max": maxPackageSize >> 20})
	ErrTypeNotHandled      = i18n.NewError("fulfil.error.type_not_handled")
	ErrKind                = i18n.NewError("fulfil.error.kind")
	ErrEndpointRequired    = i18n.NewError("fulfil.error.endpoint_required")
	ErrEndpointInvalid     = i18n.NewError("fulfil.error.endpoint_invalid")
	ErrEndpointHTTPS       = i18n.NewError("fulfil.error.endpoint_https")
	ErrEndpointCredentials = i18n.NewError("fulfil.error.endpoint_credentials")
	ErrSecretLength        = i18n.NewError("fulfil.error.secret_length", map[string]any{"Min": minSecretLen, "Max": maxSecretLen})
	ErrSecretChars         = i18n.NewError("fulfil.error.secret_chars")
	ErrDatasetProblemID    = "fulfil.error.dataset_problem"
)

// InvalidDataset is a dataset text that does not pass the checks; each
// problem names its line.
type InvalidDataset struct {
	Problems dataset.Problems
}

func (e *InvalidDataset) Error() string { return "fulfil.error.dataset_invalid" }

// Localize lists the problems in the reader's language, the line first.
func (e *InvalidDataset) Localize(lz *i18n.Localizer) string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		msg := p.Msg
		if p.Path != "" {
			msg = p.Path + ": " + msg
		}
		if p.Line > 0 {
			lines = append(lines, lz.T(ErrDatasetProblemID, map[string]any{"Line": p.Line, "Problem": msg}))
		} else {
			lines = append(lines, msg)
		}
	}
	return lz.T("fulfil.error.dataset_invalid") + " " + strings.Join(lines, " ")
}
