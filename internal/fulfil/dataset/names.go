package dataset

import (
	"regexp"

	"github.com/garde-privacy/garde/internal/taxonomy"
)

var (
	identRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	keyRe      = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]*$`)
	identityRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// maxIdentLen is PostgreSQL's limit, the smallest of the engines Garde reads.
const maxIdentLen = 63

// IsIdentifier reports whether s is a plain SQL identifier (letters, digits
// and underscores, not starting with a digit, at most 63 bytes). Only such
// names reach SQL, and always quoted, so a name cannot carry SQL.
func IsIdentifier(s string) bool {
	return len(s) <= maxIdentLen && identRe.MatchString(s)
}

// Quote quotes a name checked by IsIdentifier for use in SQL. It panics on
// any other name: reaching it with one is a bug, not bad input.
func Quote(s string) string {
	if !IsIdentifier(s) {
		panic("dataset: unchecked identifier " + s)
	}
	return `"` + s + `"`
}

// IsDataCategory reports whether key is a data category of the fideslang
// taxonomy.
func IsDataCategory(key string) bool { return taxonomy.IsDataCategory(key) }

// identifierProblem explains why s is not a plain identifier.
func identifierProblem(s string) string {
	switch {
	case s == "":
		return "a name is required"
	case len(s) > maxIdentLen:
		return "the name is longer than 63 characters"
	}
	return `"` + s + `" is not a plain SQL identifier (letters, digits and _, not starting with a digit); names are never pasted into SQL`
}
