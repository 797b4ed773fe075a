package rules

import (
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Date is a day of the civil calendar, with no time of day and no zone: legal
// periods are counted in whole days, and a zone offset must never move one.
// The zero Date is "no date".
type Date struct {
	Y int
	M time.Month
	D int
}

// NewDate returns the date y-m-d, refusing days that do not exist (30
// February) with a localized error.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < 1 || y > 9999 || m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, i18n.NewError(ErrInvalidDate, map[string]any{"Value": fmt.Sprintf("%04d-%02d-%02d", y, int(m), d)})
	}
	return Date{y, m, d}, nil
}

// ParseDate reads a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	bad := i18n.NewError(ErrInvalidDate, map[string]any{"Value": s})
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, bad
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, bad
	}
	out, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, bad
	}
	return out, nil
}

func digits(s string) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DateOf is the calendar date of t in t's own location: convert t to the
// business's zone first when the day of receipt depends on it.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time is midnight UTC at the start of d, for storage in timestamp columns.
func (d Date) Time() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC) }

// String writes d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonths returns the same day of the month n months later; when that month
// is too short, its last day (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	total := int(d.M) - 1 + n
	y := d.Y + floorDiv(total, 12)
	m := time.Month(total - floorDiv(total, 12)*12 + 1)
	return Date{y, m, min(d.D, daysIn(y, m))}
}

// DaysUntil is the number of days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int {
	return int(o.Time().Sub(d.Time()).Hours() / 24)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Y != o.Y:
		return sign(d.Y - o.Y)
	case d.M != o.M:
		return sign(int(d.M) - int(o.M))
	}
	return sign(d.D - o.D)
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// MarshalText writes YYYY-MM-DD, for JSON and YAML.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func minDate(a, b Date) Date {
	if b.Before(a) {
		return b
	}
	return a
}
