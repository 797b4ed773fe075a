package operator

import (
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Errors returned by the service. Each is an *i18n.Error whose ID is stable:
// pages show it translated, the API returns the ID as its error code. They
// are returned as is (never wrapped), so errors.Is matches them.
var (
	ErrEmailInvalid    = i18n.NewError("operator.error.email_invalid")
	ErrEmailTaken      = i18n.NewError("operator.error.email_taken")
	ErrNameLong        = i18n.NewError("operator.error.name_long", map[string]any{"Max": maxNameLen})
	ErrNameInvalid     = i18n.NewError("operator.error.name_invalid")
	ErrRoleInvalid     = i18n.NewError("operator.error.role_invalid")
	ErrLocaleInvalid   = i18n.NewError("operator.error.locale_invalid")
	ErrPasswordShort   = i18n.NewError("operator.error.password_short", map[string]any{"Min": minPasswordLen})
	ErrPasswordLong    = i18n.NewError("operator.error.password_long", map[string]any{"Max": maxPasswordLen})
	ErrPasswordIsEmail = i18n.NewError("operator.error.password_is_email")
	ErrPasswordWrong   = i18n.NewError("operator.error.password_wrong")
	ErrNotFound        = i18n.NewError("operator.error.not_found")
	ErrLastOwner       = i18n.NewError("operator.error.last_owner")
	ErrSetupInvalid    = i18n.NewError("operator.error.setup_invalid")

	ErrInvalidCredentials = i18n.NewError("operator.error.invalid_credentials")
	ErrThrottled          = i18n.NewError("operator.error.throttled")
	ErrNoSession          = i18n.NewError("operator.error.no_session")

	ErrTokenNameRequired = i18n.NewError("operator.error.token_name_required")
	ErrTokenNameLong     = i18n.NewError("operator.error.token_name_long", map[string]any{"Max": maxTokenNameLen})
	ErrScopeRequired     = i18n.NewError("operator.error.scope_required")
	ErrScopeUnknown      = i18n.NewError("operator.error.scope_unknown", map[string]any{"Known": knownScopeList()})
	ErrTokenTTLInvalid   = i18n.NewError("operator.error.token_ttl_invalid")
	ErrTokenNotFound     = i18n.NewError("operator.error.token_not_found")
	ErrInvalidToken      = i18n.NewError("operator.error.invalid_token")
)

func knownScopeList() string {
	names := make([]string, len(Scopes))
	for i, s := range Scopes {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
