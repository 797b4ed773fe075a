package breach

import (
	"time"

	"github.com/garde-privacy/garde/internal/rules"
)

// ClockState says where a notification's clock stands.
type ClockState string

const (
	// ClockPending: the event that starts it has not happened yet.
	ClockPending ClockState = "pending"
	// ClockRunning: started, not due yet (or open-ended), not met.
	ClockRunning ClockState = "running"
	// ClockOverdue: past its deadline and the notice is not sent.
	ClockOverdue ClockState = "overdue"
	// ClockMet: the notice went out in time (or, open-ended, went out).
	ClockMet ClockState = "met"
	// ClockLate: the notice went out after the deadline.
	ClockLate ClockState = "late"
)

// Clock is the deadline of one notification, computed from the facts.
type Clock struct {
	Deadline Deadline
	Start    *time.Time
	// Due is the instant the deadline passes; nil for open-ended deadlines
	// ("without undue delay", "as soon as feasible", "promptly") and for a
	// clock not started.
	Due *time.Time
	// DueDay is the last day allowed, for deadlines counted in days (in the
	// business's time zone); zero for hours.
	DueDay rules.Date
	State  ClockState
	// Left is the time until Due (negative when overdue), or, open-ended,
	// the time since the start.
	Left time.Duration
}

// DueAt computes when a fixed deadline that starts at start passes. Hours
// are added in absolute time, so a daylight-saving change moves the local
// hour shown, never the duration. Days are counted on the calendar of the
// business's zone loc: the start day is not counted and the deadline passes
// when the last day ends there. Business days skip the closed weekdays and
// holidays of cal.
func DueAt(d Deadline, start time.Time, loc *time.Location, cal *rules.Calendar) (time.Time, rules.Date) {
	switch d.Kind {
	case Hours:
		return start.Add(time.Duration(d.Amount) * time.Hour), rules.Date{}
	case CalendarDays:
		day := rules.DateOf(start.In(loc)).AddDays(d.Amount)
		return endOfDay(day, loc), day
	case BusinessDays:
		day := cal.AddBusinessDays(rules.DateOf(start.In(loc)), d.Amount)
		return endOfDay(day, loc), day
	}
	return time.Time{}, rules.Date{}
}

// endOfDay is the instant day ends in loc: the start of the next day there
// (23 or 25 hours after its start on a daylight-saving change).
func endOfDay(day rules.Date, loc *time.Location) time.Time {
	return time.Date(day.Y, day.M, day.D+1, 0, 0, 0, 0, loc)
}

// clockOf computes a clock started at start (nil: not started), met by
// the first notification sent (nil: not sent), at now.
func clockOf(d Deadline, start *time.Time, sent *time.Time, now time.Time, loc *time.Location, cal *rules.Calendar) Clock {
	c := Clock{Deadline: d, Start: start}
	if start == nil {
		c.State = ClockPending
		return c
	}
	if d.Fixed() {
		due, day := DueAt(d, *start, loc, cal)
		c.Due, c.DueDay = &due, day
	}
	switch {
	case sent != nil && c.Due != nil && sent.After(*c.Due):
		c.State = ClockLate
	case sent != nil:
		c.State = ClockMet
	case c.Due != nil && !now.Before(*c.Due):
		c.State = ClockOverdue
	default:
		c.State = ClockRunning
	}
	if c.Due != nil {
		c.Left = c.Due.Sub(now)
	} else {
		c.Left = now.Sub(*start)
	}
	return c
}
