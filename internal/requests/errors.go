package requests

import (
	"sort"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Limits on what people type.
const (
	MaxNameLen        = 200
	MaxSubjectLen     = 200
	MaxDescriptionLen = 5000
	MaxAccountIDLen   = 100
	MaxReasonLen      = 2000
	MaxBodyLen        = 10000
	MaxSystemNameLen  = 100
	MaxSystemDescLen  = 1000
)

// Errors returned by the service. Each is an *i18n.Error with a stable ID:
// pages show it translated, the API sends the ID as its code. They are
// returned as is, so errors.Is matches them.
var (
	ErrNotFound  = i18n.NewError("requests.error.not_found")
	ErrConflict  = i18n.NewError("requests.error.conflict")
	ErrForbidden = i18n.NewError("requests.error.forbidden")
	ErrClosed    = i18n.NewError("requests.error.closed")

	// The same error for an unknown, expired or replaced link: a link
	// tells nothing about whether a request exists.
	ErrVerificationInvalid = i18n.NewError("requests.error.verification_invalid")
	ErrCodeInvalid         = i18n.NewError("requests.error.code_invalid")
	ErrCodeLocked          = i18n.NewError("requests.error.code_locked")
	ErrResendTooSoon       = i18n.NewError("requests.error.resend_too_soon", map[string]any{"Minutes": int(resendInterval.Minutes())})
	ErrResendExhausted     = i18n.NewError("requests.error.resend_exhausted")
	ErrStatusInvalid       = i18n.NewError("requests.error.status_invalid")

	ErrReasonRequired = i18n.NewError("requests.error.reason_required")
	ErrReasonLong     = i18n.NewError("requests.error.reason_long", map[string]any{"Max": MaxReasonLen})
	ErrBodyRequired   = i18n.NewError("requests.error.body_required")
	ErrBodyLong       = i18n.NewError("requests.error.body_long", map[string]any{"Max": MaxBodyLen})
	ErrTextInvalid    = i18n.NewError("requests.error.text_invalid")

	ErrExtensionNone  = i18n.NewError("requests.error.extension_none")
	ErrExtensionDone  = i18n.NewError("requests.error.extension_done")
	ErrOutcomeInvalid = i18n.NewError("requests.error.outcome_invalid")
	ErrMethodInvalid  = i18n.NewError("requests.error.identity_method_invalid")
	ErrAssignee       = i18n.NewError("requests.error.assignee_invalid")
	ErrCursorInvalid  = i18n.NewError("requests.error.cursor_invalid")
	ErrFilterInvalid  = i18n.NewError("requests.error.filter_invalid")

	ErrTaskTokenInvalid = i18n.NewError("requests.error.task_token_invalid")
	ErrTaskNotFound     = i18n.NewError("requests.error.task_not_found")
	ErrTaskDone         = i18n.NewError("requests.error.task_done")

	ErrSystemNotFound     = i18n.NewError("requests.error.system_not_found")
	ErrSystemNameRequired = i18n.NewError("requests.error.system_name_required")
	ErrSystemNameLong     = i18n.NewError("requests.error.system_name_long", map[string]any{"Max": MaxSystemNameLen})
	ErrSystemNameTaken    = i18n.NewError("requests.error.system_name_taken")
	ErrSystemOwnerInvalid = i18n.NewError("requests.error.system_owner_invalid")
	ErrSystemKindInvalid  = i18n.NewError("requests.error.system_kind_invalid")
	ErrSystemDescLong     = i18n.NewError("requests.error.system_description_long", map[string]any{"Max": MaxSystemDescLen})
)

// errExtensionLate says the notice period of an extension is over.
func errExtensionLate(noticeBy string) *i18n.Error {
	return i18n.NewError("requests.error.extension_late", map[string]any{"Date": noticeBy})
}

// Form fields, in the order a form shows them; FieldErrors are keyed by
// these names (the API reports them as body.<name>).
const (
	FieldEmail       = "email"
	FieldName        = "name"
	FieldPhone       = "phone"
	FieldSubject     = "subject"
	FieldType        = "type"
	FieldDescription = "description"
	FieldAccountID   = "account_id"
	FieldRegion      = "region"
	FieldLanguage    = "language"
)

// Fields lists the form fields in order.
var Fields = []string{
	FieldEmail, FieldName, FieldPhone, FieldSubject, FieldType,
	FieldDescription, FieldAccountID, FieldRegion, FieldLanguage,
}

// FieldErrors holds one localized error per invalid field, so a form can
// show them all at once.
type FieldErrors map[string]*i18n.Error

// Error lists the invalid fields.
func (f FieldErrors) Error() string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return "requests: invalid fields: " + strings.Join(names, ", ")
}

// Ordered returns the invalid fields in form order (for an error summary).
func (f FieldErrors) Ordered() []string {
	var out []string
	for _, name := range Fields {
		if f[name] != nil {
			out = append(out, name)
		}
	}
	return out
}
