package breach

import (
	"sort"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Limits on what people type.
const (
	MaxTitleLen = 200
	MaxTextLen  = 5000
	MaxShortLen = 300
	MaxBodyLen  = 50000
	MaxPersons  = 1_000_000_000
)

// Errors returned by the service. Each is an *i18n.Error with a stable ID:
// pages show it translated, the API sends the ID as its code.
var (
	ErrNotFound = i18n.NewError("breach.error.not_found")
	ErrConflict = i18n.NewError("breach.error.conflict")
	ErrClosed   = i18n.NewError("breach.error.closed")

	ErrRequired       = i18n.NewError("breach.error.required")
	ErrTooLong        = func(max int) *i18n.Error { return i18n.NewError("breach.error.too_long", map[string]any{"Max": max}) }
	ErrTextInvalid    = i18n.NewError("breach.error.text_invalid")
	ErrDateInvalid    = i18n.NewError("breach.error.date_invalid")
	ErrFuture         = i18n.NewError("breach.error.future")
	ErrAwareBefore    = i18n.NewError("breach.error.aware_before_occurred")
	ErrUntilBefore    = i18n.NewError("breach.error.until_before_start")
	ErrKindInvalid    = i18n.NewError("breach.error.kind_invalid")
	ErrCategory       = i18n.NewError("breach.error.category_invalid")
	ErrNumberInvalid  = i18n.NewError("breach.error.number_invalid")
	ErrRegionInvalid  = i18n.NewError("breach.error.region_invalid")
	ErrResidentsMore  = i18n.NewError("breach.error.residents_exceed_persons")
	ErrEmailInvalid   = i18n.NewError("breach.error.email_invalid")
	ErrReasonRequired = i18n.NewError("breach.error.change_reason_required")

	ErrLawInvalid       = i18n.NewError("breach.error.law_invalid")
	ErrLevelInvalid     = i18n.NewError("breach.error.level_invalid")
	ErrFactorInvalid    = i18n.NewError("breach.error.factor_invalid")
	ErrExemptionInvalid = i18n.NewError("breach.error.exemption_invalid")
	ErrConsultRequired  = i18n.NewError("breach.error.consult_required")

	ErrObligationInvalid = i18n.NewError("breach.error.obligation_invalid")
	ErrNotOwed           = i18n.NewError("breach.error.not_owed")
	ErrSentBeforeAware   = i18n.NewError("breach.error.sent_before_aware")
	ErrLanguageInvalid   = i18n.NewError("breach.error.language_invalid")

	ErrCloseUnassessed = i18n.NewError("breach.error.close_unassessed")
	ErrCloseUnsent     = i18n.NewError("breach.error.close_unsent")
)

// Fields of the incident form, in form order; FieldErrors are keyed by
// these names (the API reports them as body.<name>).
var Fields = []string{
	"title", "description", "cause", "occurred_at", "occurred_until", "aware_at", "aware_how", "kinds",
	"categories", "persons", "records", "residents", "systems", "processors", "prior_measures",
	"consequences", "measures", "advice", "contact_name", "contact_email", "contact_phone",
	"enterprise_number", "delay_reason", "change_reason",
	"law", "level", "factors", "exemptions", "consulted", "reasoning",
	"obligation", "sent_at", "reference", "note", "language", "body", "recipients",
}

// FieldErrors holds one localized error per invalid field, so a form can
// show them all at once.
type FieldErrors map[string]*i18n.Error

func (f FieldErrors) Error() string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return "breach: invalid fields: " + strings.Join(names, ", ")
}

// Ordered returns the invalid fields in form order.
func (f FieldErrors) Ordered() []string {
	var out []string
	for _, name := range Fields {
		if f[name] != nil {
			out = append(out, name)
		}
	}
	return out
}

func (f FieldErrors) set(field string, err *i18n.Error) {
	if f[field] == nil {
		f[field] = err
	}
}

func (f FieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}
