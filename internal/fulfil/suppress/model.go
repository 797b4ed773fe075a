// Package suppress keeps the suppression list: the people who asked the
// business to stop using their data for some purposes (restriction of
// processing, objection, opt-out of sale or sharing, "limit the use of my
// sensitive information"), whatever consent they gave before. The consent
// check consults it; agents see it, adjust its purposes and lift entries.
//
// A person is kept as a keyed hash of their normalised email address: an
// entry outlives the purge of its request without keeping the address, and
// the hash cannot be tested against guesses without the instance's secret.
package suppress

import (
	"slices"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/requests"
)

// Reason is why a person is on the list.
type Reason string

// The reasons: the request types that put a person on the list, and an
// agent's own entry.
const (
	ReasonRestriction    Reason = Reason(requests.TypeRestriction)
	ReasonObjection      Reason = Reason(requests.TypeObjection)
	ReasonOptOutSale     Reason = Reason(requests.TypeOptOutSale)
	ReasonLimitSensitive Reason = Reason(requests.TypeLimitSensitive)
	ReasonManual         Reason = "manual"
)

// Reasons lists every reason.
var Reasons = []Reason{ReasonRestriction, ReasonObjection, ReasonOptOutSale, ReasonLimitSensitive, ReasonManual}

// Valid reports whether r is a known reason.
func (r Reason) Valid() bool { return slices.Contains(Reasons, r) }

// LabelID is the catalog ID of the reason's name.
func (r Reason) LabelID() string { return "suppress.reason." + string(r) }

// Purpose names: the consent ledger's (package consent) as plain strings,
// since the ledger depends on this package and not the reverse.
const (
	// AllPurposes stands for every purpose but the necessary one.
	AllPurposes = "*"
	Necessary   = "necessary"
)

// KnownPurposes are the purposes the pages offer to tick; any other valid
// purpose name (a site's own) can be typed.
var KnownPurposes = []string{"preferences", "analytics", "marketing", "newsletter", "sale_sharing", "sensitive"}

// defaults are the purposes each request type stops when it is verified:
// a restriction stops everything but the necessary, an objection stops
// prospecting, an opt-out of sale stops sale, sharing and marketing.
var defaults = map[requests.Type][]string{
	requests.TypeRestriction:    {AllPurposes},
	requests.TypeObjection:      {"marketing", "newsletter"},
	requests.TypeOptOutSale:     {"marketing", "sale_sharing"},
	requests.TypeLimitSensitive: {"sensitive"},
}

// DefaultPurposes returns the purposes a request of type t stops, or false
// when such a request puts nobody on the list.
func DefaultPurposes(t requests.Type) ([]string, bool) {
	p, ok := defaults[t]
	return slices.Clone(p), ok
}

// Lift causes: who or what ended an entry.
const (
	// LiftByAgent: an agent lifted it, with a reason.
	LiftByAgent = "agent"
	// LiftRequestClosed: the person withdrew the request (or it was
	// closed as a duplicate) before it was answered.
	LiftRequestClosed = "request_closed"
	// LiftRequestRejected: the business refused the request.
	LiftRequestRejected = "request_rejected"
)

// Entry is one person's suppression.
type Entry struct {
	ID           string
	IdentityHash string
	// Purposes stopped, sorted; [AllPurposes] for all but the necessary.
	Purposes  []string
	Reason    Reason
	RequestID string // empty for a manual entry
	Note      string // an agent's note on a manual entry
	CreatedBy string // audit actor
	CreatedAt time.Time
	UpdatedAt time.Time
	LiftedAt  *time.Time
	LiftedBy  string
	LiftCause string // LiftByAgent, LiftRequestClosed, LiftRequestRejected
	// LiftReason is the agent's reason for lifting.
	LiftReason string

	// Read with the entry from its request, for the pages: the request's
	// reference, and its email until the request is purged.
	RequestReference string
	RequestEmail     string
}

// Active reports whether the entry still stops its purposes.
func (e *Entry) Active() bool { return e.LiftedAt == nil }

// All reports whether the entry stops every purpose but the necessary.
func (e *Entry) All() bool { return slices.Contains(e.Purposes, AllPurposes) }

// Stops reports whether the active entry stops purpose p.
func (e *Entry) Stops(p string) bool {
	if !e.Active() || p == Necessary {
		return false
	}
	return e.All() || slices.Contains(e.Purposes, p)
}

// Change actions.
const (
	ActionAdded           = "added"
	ActionCarriedOver     = "carried_over"
	ActionPurposesChanged = "purposes_changed"
	ActionLifted          = "lifted"
)

// Change is one entry of an entry's history: what it stopped after the
// change, who made it and why.
type Change struct {
	ID            string
	SuppressionID string
	At            time.Time
	Actor         string
	Action        string
	Purposes      []string
	Reason        string
}

// joinPurposes and splitPurposes store a purpose list as one column.
func joinPurposes(p []string) string { return strings.Join(p, " ") }

func splitPurposes(s string) []string { return strings.Fields(s) }
