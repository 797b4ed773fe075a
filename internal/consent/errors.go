package consent

import (
	"sort"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Limits on what an event or a site may carry.
const (
	MaxIDLen          = 200
	MaxNoticeLen      = 64
	MaxPurposes       = 32
	MaxPurposeLen     = 40
	MaxOrigins        = 20
	MaxSiteNameLen    = 100
	MaxURLLen         = 2000
	MaxReaskMonths    = 24
	maxPastGiven      = 10 * 365 * 24 // hours: imports may carry old choices
	maxFutureSkewMins = 5
)

// Errors returned by the service. Each is an *i18n.Error with a stable ID:
// pages show it translated, the API sends the ID as its code.
var (
	ErrNotFound     = i18n.NewError("consent.error.not_found")
	ErrSiteNotFound = i18n.NewError("consent.error.site_not_found")
	ErrHolderNeeded = i18n.NewError("consent.error.holder_required")
	ErrEmailInvalid = i18n.NewError("consent.error.email_invalid")
)

// Fields of an event and of a site; FieldErrors are keyed by these names
// (the API reports them as body.<name>).
const (
	FieldSubject  = "subject_id"
	FieldDevice   = "device_id"
	FieldGranted  = "granted"
	FieldRefused  = "refused"
	FieldMethod   = "method"
	FieldSource   = "source"
	FieldNotice   = "notice_version"
	FieldLanguage = "language"
	FieldGivenAt  = "given_at"
	FieldSite     = "site_id"
	FieldName     = "name"
	FieldOrigins  = "origins"
	FieldPurposes = "purposes"
	FieldReask    = "reask_months"
	FieldPolicy   = "policy_url"
)

var fieldOrder = []string{FieldSite, FieldSubject, FieldDevice, FieldGranted, FieldRefused, FieldMethod, FieldSource,
	FieldNotice, FieldLanguage, FieldGivenAt, FieldName, FieldOrigins, FieldPurposes, FieldReask, FieldPolicy}

// FieldErrors holds one localized error per invalid field.
type FieldErrors map[string]*i18n.Error

// Error lists the invalid fields.
func (f FieldErrors) Error() string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return "consent: invalid fields: " + strings.Join(names, ", ")
}

// Ordered returns the invalid fields in a stable order.
func (f FieldErrors) Ordered() []string {
	var out []string
	for _, name := range fieldOrder {
		if f[name] != nil {
			out = append(out, name)
		}
	}
	return out
}

func (f FieldErrors) add(field, id string, data ...map[string]any) {
	if f[field] == nil {
		f[field] = i18n.NewError(id, data...)
	}
}
