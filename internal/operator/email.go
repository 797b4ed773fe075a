package operator

import (
	"net/mail"
	"strings"
)

const maxEmailLen = 254 // the longest address SMTP can carry

// normalizeEmail trims and lower-cases an operator's address and checks it
// is a bare address (no display name, no comments). Lower-casing the local
// part is not strictly RFC-correct, but two accounts differing only by case
// would be a trap, and every real mailbox provider ignores case.
func normalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > maxEmailLen || !validText(s) {
		return "", ErrEmailInvalid
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", ErrEmailInvalid
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>") {
		return "", ErrEmailInvalid
	}
	return s, nil
}
