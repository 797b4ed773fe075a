package inventory

import "github.com/garde-privacy/garde/internal/i18n"

// Errors shown to people; their IDs are the stable API codes.
var (
	ErrNoInventory      = i18n.NewError("inventory.error.none")
	ErrRevisionNotFound = i18n.NewError("inventory.error.revision_not_found")
	ErrEmptyFile        = i18n.NewError("inventory.error.empty_file")
	ErrTooLarge         = i18n.NewError("inventory.error.too_large")
	ErrNoFile           = i18n.NewError("inventory.error.no_file")
	ErrConflict         = i18n.NewError("inventory.error.conflict")
)
