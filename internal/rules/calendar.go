package rules

import (
	"sort"
	"sync"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Calendar says which days are days off when a legal period is counted: the
// weekdays that are never working days (usually Saturday and Sunday) and the
// public holidays. Holidays are computed from rules (fixed dates, days
// counted from Easter, "first Monday of September"...), so every year works
// without a list to keep up to date; only proclaimed one-off days are listed.
type Calendar struct {
	ID       string
	Revision int
	AsOf     Date
	Names    map[i18n.Lang]string
	Closed   []time.Weekday // weekdays that are never working days
	Sources  []Source
	Notes    []string
	File     string // where the calendar was loaded from

	rules  []holidayRule
	extra  []Holiday
	except map[Date]bool

	mu    sync.Mutex
	cache map[int]map[Date]Holiday
}

// Holiday is one public holiday of a calendar.
type Holiday struct {
	Date  Date
	ID    string
	Names map[i18n.Lang]string
	// Substitute is set on a day off given in place of a holiday that fell
	// on a weekend (UK bank holidays).
	Substitute bool
}

// Name is the holiday's name in lang.
func (h Holiday) Name(lang i18n.Lang) string { return pick(h.Names, lang) }

// Name is the calendar's name in lang.
func (c *Calendar) Name(lang i18n.Lang) string { return pick(c.Names, lang) }

// holidayRule computes one holiday's date in a given year. Exactly one of the
// forms is set: a fixed month and day, an offset from Easter Sunday, the nth
// weekday of a month, or the last weekday strictly before a month and day.
type holidayRule struct {
	id    string
	names map[i18n.Lang]string

	month      time.Month
	day        int
	easter     *int
	weekday    *time.Weekday
	nth        int  // 1..4, or -1 for the last one of the month
	before     bool // the last weekday before month/day
	ifSaturday int  // days to move the holiday when it falls on a Saturday
	ifSunday   int  // days to move the holiday when it falls on a Sunday
	substitute bool // on a closed weekday: the next open day not already a holiday
	from       int  // first year the rule applies (0: always)
	until      int  // last year the rule applies (0: still in force)
}

func (r *holidayRule) applies(year int) bool {
	return (r.from == 0 || year >= r.from) && (r.until == 0 || year <= r.until)
}

// date is the holiday's own date in year, before any weekend rule.
func (r *holidayRule) date(year int) Date {
	switch {
	case r.easter != nil:
		return Easter(year).AddDays(*r.easter)
	case r.weekday != nil && r.before:
		d := Date{year, r.month, r.day}.AddDays(-1)
		for d.Weekday() != *r.weekday {
			d = d.AddDays(-1)
		}
		return d
	case r.weekday != nil && r.nth > 0:
		d := Date{year, r.month, 1}
		for d.Weekday() != *r.weekday {
			d = d.AddDays(1)
		}
		return d.AddDays(7 * (r.nth - 1))
	case r.weekday != nil:
		d := Date{year, r.month, daysIn(year, r.month)}
		for d.Weekday() != *r.weekday {
			d = d.AddDays(-1)
		}
		return d
	}
	return Date{year, r.month, r.day}
}

// Holidays lists the public holidays falling in year, in date order.
func (c *Calendar) Holidays(year int) []Holiday {
	byDate := c.year(year)
	out := make([]Holiday, 0, len(byDate))
	for _, h := range byDate {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Holiday returns the public holiday on d, if there is one.
func (c *Calendar) Holiday(d Date) (Holiday, bool) {
	h, ok := c.year(d.Y)[d]
	return h, ok
}

// IsClosedWeekday reports whether d falls on a weekday that is never a
// working day in this calendar.
func (c *Calendar) IsClosedWeekday(d Date) bool {
	wd := d.Weekday()
	for _, w := range c.Closed {
		if w == wd {
			return true
		}
	}
	return false
}

// IsOpen reports whether d is a working day: neither a closed weekday nor a
// public holiday.
func (c *Calendar) IsOpen(d Date) bool {
	if c.IsClosedWeekday(d) {
		return false
	}
	_, hol := c.Holiday(d)
	return !hol
}

// NextOpen returns d when it is a working day, else the next working day.
func (c *Calendar) NextOpen(d Date) Date {
	// Validation forbids closing every weekday, and holidays never fill a
	// whole year, so the loop ends; the bound is a guard against a bug.
	for i := 0; i < 400 && !c.IsOpen(d); i++ {
		d = d.AddDays(1)
	}
	return d
}

// AddBusinessDays returns the nth working day after d: d itself is not
// counted, and neither are closed weekdays or holidays.
func (c *Calendar) AddBusinessDays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsOpen(d) {
			n--
		}
	}
	return d
}

// year returns the holidays of year by date, computing them once.
func (c *Calendar) year(year int) map[Date]Holiday {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.cache[year]; ok {
		return m
	}
	if c.cache == nil {
		c.cache = map[int]map[Date]Holiday{}
	}
	m := map[Date]Holiday{}
	// A holiday can move across a new year (1 January on a Saturday is
	// observed on 31 December in the United States), so the neighbouring
	// years are computed too and the result is filtered.
	for _, h := range c.compute(year-1, year+1) {
		if h.Date.Y != year || c.except[h.Date] {
			continue
		}
		if _, dup := m[h.Date]; !dup {
			m[h.Date] = h
		}
	}
	for _, h := range c.extra {
		if h.Date.Y == year {
			if _, dup := m[h.Date]; !dup {
				m[h.Date] = h
			}
		}
	}
	c.cache[year] = m
	return m
}

// compute applies every rule to the years first..last, then gives each
// substitute holiday that fell on a closed weekday the next open weekday not
// already taken, in date order (so Christmas on a Saturday takes Monday 27
// and Boxing Day Tuesday 28).
func (c *Calendar) compute(first, last int) []Holiday {
	var out, weekend []Holiday
	taken := map[Date]bool{}
	for y := first; y <= last; y++ {
		for i := range c.rules {
			r := &c.rules[i]
			if !r.applies(y) {
				continue
			}
			d := r.date(y)
			switch d.Weekday() {
			case time.Saturday:
				d = d.AddDays(r.ifSaturday)
			case time.Sunday:
				d = d.AddDays(r.ifSunday)
			}
			h := Holiday{Date: d, ID: r.id, Names: r.names}
			if r.substitute && c.IsClosedWeekday(d) {
				weekend = append(weekend, h)
				continue
			}
			out = append(out, h)
			taken[d] = true
		}
	}
	for _, h := range c.extra {
		taken[h.Date] = true
	}
	sort.SliceStable(weekend, func(i, j int) bool { return weekend[i].Date.Before(weekend[j].Date) })
	for _, h := range weekend {
		d := h.Date.AddDays(1)
		for c.IsClosedWeekday(d) || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		out = append(out, Holiday{Date: d, ID: h.ID, Names: h.Names, Substitute: true})
	}
	return out
}

func pick(names map[i18n.Lang]string, lang i18n.Lang) string {
	if s, ok := names[lang]; ok && s != "" {
		return s
	}
	return names[i18n.EN]
}
