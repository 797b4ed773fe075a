package rules

import (
	"sort"

	"github.com/garde-privacy/garde/internal/i18n"
)

// maxTargetDays bounds an internal target: a longer one is a typo.
const maxTargetDays = 3650

// Pause is a time the clock stood still: stopped on From, when the business
// asked for a clarification, and restarted on To, when it arrived. The
// deadline moves by the days in between.
type Pause struct {
	From, To Date
}

// DueOptions are what a business adds to the law when computing deadlines.
type DueOptions struct {
	// TargetDays is the operator's internal target in calendar days from the
	// start of the clock (0: none). The due date shown is the earlier of the
	// target and the legal deadline; with no legal deadline it is required.
	TargetDays int
	// Pauses are the times the clock stopped; refused unless the law allows
	// pauses for this request type.
	Pauses []Pause
	// ClockStart is when the last of the proof of identity or a permitted fee
	// arrived, for laws whose clock starts then (UK); refused by the others.
	ClockStart Date
	// Region is where the business is established (ISO code): it picks the
	// public holidays when the law has several calendars (GDPR: the
	// controller's Member State). Empty: the law's default calendar.
	Region string
}

// Deadlines are the dates that matter for one request.
type Deadlines struct {
	Start Date // the day the clock started
	// Due is the date to show and to remind about: the earlier of Legal and
	// Target.
	Due Date
	// Legal is the statutory deadline, pauses included; nil when the law sets
	// none for this request type.
	Legal *Date
	// Target is the internal target, when one was given.
	Target *Date
	// Acknowledge is the last day to confirm receipt, when the law asks for
	// it.
	Acknowledge *Date
	// ExtendedDue is the latest the answer may come if the business extends
	// the deadline; nil when the law allows no extension.
	ExtendedDue *Date
	// ExtensionNoticeBy is the last day to tell the person about an
	// extension and its reasons.
	ExtensionNoticeBy *Date
	// Calendar is the id of the holiday calendar used ("" when none was
	// needed).
	Calendar   string
	PausedDays int
}

// Due computes the deadlines of a request of type t received on received.
// Errors are *i18n.Error values with stable IDs.
func (l *Law) Due(t RequestType, received Date, opts DueOptions) (Deadlines, error) {
	if received.IsZero() {
		return Deadlines{}, i18n.NewError(ErrInvalidDate, map[string]any{"Value": ""})
	}
	r, ok := l.rules[t]
	if !ok {
		return Deadlines{}, i18n.NewError(ErrTypeNotRecognised, map[string]any{"Type": string(t), "Law": l.ID})
	}
	if opts.TargetDays < 0 || opts.TargetDays > maxTargetDays {
		return Deadlines{}, i18n.NewError(ErrTargetInvalid, map[string]any{"Max": maxTargetDays})
	}
	start := received
	if !opts.ClockStart.IsZero() {
		if r.Start != StartLatestOfReceiptIdentityFee {
			return Deadlines{}, i18n.NewError(ErrClockStartNotAllowed, map[string]any{"Law": l.ID})
		}
		if opts.ClockStart.After(start) {
			start = opts.ClockStart
		}
	}
	if len(opts.Pauses) > 0 && !r.Pausable {
		return Deadlines{}, i18n.NewError(ErrPauseNotAllowed, map[string]any{"Law": l.ID, "Type": string(t)})
	}
	cal := l.Calendar(opts.Region)
	out := Deadlines{Start: start}
	if cal != nil {
		out.Calendar = cal.ID
	}
	paused, err := l.pausedDays(r, start, opts.Pauses, cal)
	if err != nil {
		return Deadlines{}, err
	}
	out.PausedDays = paused

	if r.Deadline != nil {
		legal := PeriodEnd(start, *r.Deadline, paused, cal, l.OnClosedDay)
		out.Legal = &legal
		if r.Extension != nil {
			// The extension lengthens the original period: GDPR "two further
			// months" give three months from receipt (ICO), PIPEDA 30 + 30 days,
			// CCPA 45 + 45 days, all counted from the start of the clock.
			total := Period{Amount: r.Deadline.Amount + r.Extension.Amount, Unit: r.Deadline.Unit}
			ext := PeriodEnd(start, total, paused, cal, l.OnClosedDay)
			notice := PeriodEnd(start, r.Extension.NotifyWithin, paused, cal, l.OnClosedDay)
			out.ExtendedDue, out.ExtensionNoticeBy = &ext, &notice
		}
	}
	if r.Acknowledge != nil {
		// Receipt is confirmed from the day the request arrived, whatever
		// happens to the clock afterwards.
		ack := PeriodEnd(received, *r.Acknowledge, 0, cal, l.OnClosedDay)
		out.Acknowledge = &ack
	}
	if opts.TargetDays > 0 {
		target := start.AddDays(opts.TargetDays + paused)
		out.Target = &target
	}
	switch {
	case out.Legal != nil && out.Target != nil:
		out.Due = minDate(*out.Legal, *out.Target)
	case out.Legal != nil:
		out.Due = *out.Legal
	case out.Target != nil:
		out.Due = *out.Target
	default:
		return Deadlines{}, i18n.NewError(ErrTargetRequired, map[string]any{"Type": string(t), "Law": l.ID})
	}
	return out, nil
}

// pausedDays merges overlapping pauses and counts their days, refusing a
// pause that ends before it starts, starts before the clock, or starts after
// the deadline had already passed.
func (l *Law) pausedDays(r *Rule, start Date, pauses []Pause, cal *Calendar) (int, error) {
	if len(pauses) == 0 {
		return 0, nil
	}
	ps := append([]Pause(nil), pauses...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].From.Before(ps[j].From) })
	total := 0
	var cur *Pause
	flush := func() error {
		if cur == nil {
			return nil
		}
		if r.Deadline != nil {
			deadline := PeriodEnd(start, *r.Deadline, total, cal, l.OnClosedDay)
			if cur.From.After(deadline) {
				return i18n.NewError(ErrPauseAfterDeadline, map[string]any{"From": cur.From.String(), "Deadline": deadline.String()})
			}
		}
		total += cur.From.DaysUntil(cur.To)
		return nil
	}
	for i := range ps {
		p := ps[i]
		if p.From.IsZero() || p.To.IsZero() || p.To.Before(p.From) || p.From.Before(start) {
			return 0, i18n.NewError(ErrPauseInvalid, map[string]any{"From": p.From.String(), "To": p.To.String(), "Start": start.String()})
		}
		if cur != nil && !p.From.After(cur.To) {
			if p.To.After(cur.To) {
				cur.To = p.To
			}
			continue
		}
		if err := flush(); err != nil {
			return 0, err
		}
		cur = &p
	}
	if err := flush(); err != nil {
		return 0, err
	}
	return total, nil
}
