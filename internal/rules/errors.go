package rules

// Message IDs of the localized errors this package returns: stable, so that
// API clients can rely on them.
const (
	ErrInvalidDate          = "rules.error.invalid_date"
	ErrUnknownLaw           = "rules.error.unknown_law"
	ErrInvalidRegion        = "rules.error.invalid_region"
	ErrNoLawForRegion       = "rules.error.no_law_for_region"
	ErrUnknownType          = "rules.error.unknown_type"
	ErrTypeNotRecognised    = "rules.error.type_not_recognised"
	ErrTargetInvalid        = "rules.error.target_invalid"
	ErrTargetRequired       = "rules.error.target_required"
	ErrPauseNotAllowed      = "rules.error.pause_not_allowed"
	ErrPauseInvalid         = "rules.error.pause_invalid"
	ErrPauseAfterDeadline   = "rules.error.pause_after_deadline"
	ErrClockStartNotAllowed = "rules.error.clock_start_not_allowed"
)
