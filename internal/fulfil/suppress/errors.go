package suppress

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Errors returned by the service: *i18n.Error values whose ID is the
// stable API code and whose text pages show translated.
var (
	ErrNotFound         = i18n.NewError("suppress.error.not_found")
	ErrLifted           = i18n.NewError("suppress.error.lifted")
	ErrEmailRequired    = i18n.NewError("suppress.error.email_required")
	ErrEmailInvalid     = i18n.NewError("suppress.error.email_invalid")
	ErrPurposesRequired = i18n.NewError("suppress.error.purposes_required")
	ErrPurposesMany     = i18n.NewError("suppress.error.purposes_many", map[string]any{"Max": MaxPurposes})
	ErrReasonRequired   = i18n.NewError("suppress.error.reason_required")
	ErrReasonLong       = i18n.NewError("suppress.error.reason_long", map[string]any{"Max": MaxReasonLen})
	ErrNoteLong         = i18n.NewError("suppress.error.note_long", map[string]any{"Max": MaxReasonLen})
)

// errPurposeInvalid names a purpose that cannot be stopped.
func errPurposeInvalid(p string) *i18n.Error {
	return i18n.NewError("suppress.error.purpose_invalid", map[string]any{"Purpose": p})
}

// Limits on what agents type.
const (
	MaxPurposes  = 32
	MaxReasonLen = 1000
	maxEmailLen  = 254
)

// purposeName is the consent ledger's rule for purpose names.
var purposeName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// CheckPurpose refuses a name that is not a purpose name (for questions
// about one purpose, where the necessary one is a fair question).
func CheckPurpose(p string) error {
	if !purposeName.MatchString(p) {
		return errPurposeInvalid(p)
	}
	return nil
}

// NormalizePurposes checks a purpose list and returns it sorted without
// repeats; AllPurposes absorbs every other name. The necessary purpose
// cannot be stopped.
func NormalizePurposes(in []string) ([]string, error) {
	var out []string
	for _, p := range in {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
			continue
		case p == AllPurposes:
			return []string{AllPurposes}, nil
		case p == Necessary || !purposeName.MatchString(p):
			return nil, errPurposeInvalid(p)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, ErrPurposesRequired
	}
	if len(out) > MaxPurposes {
		return nil, ErrPurposesMany
	}
	slices.Sort(out)
	return out, nil
}

// NormalizeEmail is the form of an address the list hashes: trimmed and
// lower-cased, as data subject requests keep it.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", ErrEmailRequired
	}
	if len(s) > maxEmailLen || strings.ContainsAny(s, " <>\"(),;:\r\n\t") {
		return "", ErrEmailInvalid
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at <= 0 || !strings.Contains(s[at+1:], ".") {
		return "", ErrEmailInvalid
	}
	return s, nil
}

// text checks an agent's free text: trimmed, at most MaxReasonLen
// characters.
func text(s string, long error) (string, error) {
	s = strings.TrimSpace(s)
	if len([]rune(s)) > MaxReasonLen {
		return "", long
	}
	return s, nil
}
