package requests

import (
	"errors"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/rules"
)

// RulesDeadlines gives the service the laws and deadlines of a rules.Set.
type RulesDeadlines struct {
	set *rules.Set
	// establishment is where the business is established (ISO code): it
	// picks the public holidays when a law has several calendars (GDPR:
	// the controller's Member State).
	establishment string
	// loc is the business's time zone: the day of receipt is the date there.
	loc *time.Location
}

var _ Deadlines = (*RulesDeadlines)(nil)

// NewRulesDeadlines adapts set. establishment may be empty (each law's
// default calendar); a nil loc counts days in UTC.
func NewRulesDeadlines(set *rules.Set, establishment string, loc *time.Location) *RulesDeadlines {
	if loc == nil {
		loc = time.UTC
	}
	return &RulesDeadlines{set: set, establishment: establishment, loc: loc}
}

func lawOf(l *rules.Law, region string) Law {
	a := l.AuthorityFor(region)
	return Law{ID: l.ID, Names: l.Names, Authority: a.Name, AuthorityURL: a.ComplaintURL}
}

// ForRegion implements Deadlines.
func (d *RulesDeadlines) ForRegion(region string) (Law, bool) {
	l, ok := d.set.ForRegion(region)
	if !ok {
		return Law{}, false
	}
	return lawOf(l, region), true
}

// Law implements Deadlines.
func (d *RulesDeadlines) Law(id, region string) (Law, bool) {
	l, ok := d.set.Law(id)
	if !ok {
		return Law{}, false
	}
	return lawOf(l, region), true
}

// Schedule implements Deadlines. A type the law does not recognise (a
// processing agreement, an opt-out of sale under the GDPR) has no legal
// deadline: the operator's target, or DefaultDueDays, applies.
func (d *RulesDeadlines) Schedule(lawID string, t Type, received time.Time) (Schedule, error) {
	return d.SchedulePaused(lawID, t, received, nil)
}

// Pausable implements Deadlines.
func (d *RulesDeadlines) Pausable(lawID string, t Type) bool {
	l, ok := d.set.Law(lawID)
	if !ok {
		return false
	}
	r, ok := l.Rule(rules.RequestType(t))
	return ok && r.Pausable
}

// SchedulePaused implements Deadlines.
func (d *RulesDeadlines) SchedulePaused(lawID string, t Type, received time.Time, pauses []Span) (Schedule, error) {
	l, err := d.set.Lookup(lawID)
	if err != nil {
		return Schedule{}, err
	}
	day := rules.DateOf(received.In(d.loc))
	opts := rules.DueOptions{Region: d.establishment}
	for _, p := range pauses {
		opts.Pauses = append(opts.Pauses, rules.Pause{From: rules.DateOf(p.From.UTC()), To: rules.DateOf(p.To.UTC())})
	}
	dl, err := l.Due(rules.RequestType(t), day, opts)
	var ie *i18n.Error
	if errors.As(err, &ie) {
		switch ie.ID {
		case rules.ErrTypeNotRecognised:
			return Schedule{}, nil
		case rules.ErrTargetRequired:
			// The law knows the type but sets no deadline: ask again with a
			// placeholder target and keep only the legal dates.
			opts.TargetDays = 1
			dl, err = l.Due(rules.RequestType(t), day, opts)
		}
	}
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{
		Legal: dateTime(dl.Legal), Acknowledge: dateTime(dl.Acknowledge),
		ExtendedDue: dateTime(dl.ExtendedDue), ExtensionNoticeBy: dateTime(dl.ExtensionNoticeBy),
		PausedDays: dl.PausedDays,
	}, nil
}

func dateTime(d *rules.Date) time.Time {
	if d == nil || d.IsZero() {
		return time.Time{}
	}
	return d.Time()
}
