package requests

import (
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Deadlines is what this package needs from the rules engine: which law
// protects a region's residents, and the deadlines of a request under it.
// RulesDeadlines (rules.go) adapts the rules package to it.
type Deadlines interface {
	// ForRegion returns the law for an ISO 3166 region code (FR, CA-QC,
	// US-CA…), or false when none is known.
	ForRegion(region string) (Law, bool)
	// Law returns a law by its ID, with the authority for people living in
	// region.
	Law(id, region string) (Law, bool)
	// Schedule returns the deadlines of a request of type t under the law
	// lawID, received at received. Dates are civil dates at midnight UTC.
	Schedule(lawID string, t Type, received time.Time) (Schedule, error)
	// Pausable reports whether the law lets the clock stop while the
	// business waits for a clarification (UK GDPR).
	Pausable(lawID string, t Type) bool
	// SchedulePaused is Schedule with the clock stopped during pauses
	// (civil dates); refused for a law that allows no pause.
	SchedulePaused(lawID string, t Type, received time.Time, pauses []Span) (Schedule, error)
}

// Span is a time the clock stood still, from one civil date to another.
type Span struct{ From, To time.Time }

// Law is the part of a law requests show and act on.
type Law struct {
	ID    string
	Names map[i18n.Lang]string
	// Authority is where the person may complain (name and web page).
	Authority    string
	AuthorityURL string
}

// Name is the law's name in lang (English, or the ID, when missing).
func (l Law) Name(lang i18n.Lang) string {
	if n := l.Names[lang]; n != "" {
		return n
	}
	if n := l.Names[i18n.EN]; n != "" {
		return n
	}
	return l.ID
}

// Schedule holds a request's legal dates; a zero date means "none".
type Schedule struct {
	// Legal is the legal due date; zero when the law sets no deadline for
	// the type (a processing agreement, a right the law does not grant).
	Legal time.Time
	// Acknowledge is when receipt must be confirmed (California: 10
	// business days).
	Acknowledge time.Time
	// ExtendedDue is the due date after the longest extension the law
	// allows; zero when it allows none (Quebec).
	ExtendedDue time.Time
	// ExtensionNoticeBy is the last day to tell the person of an extension.
	ExtensionNoticeBy time.Time
	// PausedDays is how many days the clock stood still.
	PausedDays int
}

// DefaultDueDays is the working deadline of a request the law sets none
// for, when the operator set no internal target either.
const DefaultDueDays = 30

// dates are the dates of a request computed from its law and the
// operator's target.
type dates struct {
	due, legal, ack, target, extLimit, extNotice time.Time
}

// computeDates applies the internal target (targetDays after receipt,
// 0 for none) to the law's schedule: the due date shown is the earlier.
func computeDates(sch Schedule, received time.Time, targetDays int) dates {
	d := dates{
		legal: civilOrZero(sch.Legal), ack: civilOrZero(sch.Acknowledge),
		extLimit: civilOrZero(sch.ExtendedDue), extNotice: civilOrZero(sch.ExtensionNoticeBy),
	}
	start := civil(received)
	if targetDays > 0 {
		d.target = start.AddDate(0, 0, targetDays)
	}
	switch {
	case !d.legal.IsZero() && !d.target.IsZero():
		d.due = d.legal
		if d.target.Before(d.legal) {
			d.due = d.target
		}
	case !d.legal.IsZero():
		d.due = d.legal
	case !d.target.IsZero():
		d.due = d.target
	default:
		d.due = start.AddDate(0, 0, DefaultDueDays)
	}
	if d.extLimit.IsZero() {
		d.extNotice = time.Time{}
	}
	return d
}

func civilOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (d dates) apply(r *Request) {
	r.DueDate = d.due
	r.LegalDueDate = ptrOrNil(d.legal)
	r.AcknowledgeBy = ptrOrNil(d.ack)
	r.InternalTarget = ptrOrNil(d.target)
	r.ExtensionLimit = ptrOrNil(d.extLimit)
	r.ExtensionNoticeBy = ptrOrNil(d.extNotice)
}

func ptrOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
