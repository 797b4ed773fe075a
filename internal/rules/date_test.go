package rules

import (
	"errors"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// d reads a date in a test; a typo in a test date fails the test.
func d(t *testing.T, s string) Date {
	t.Helper()
	v, err := ParseDate(s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return v
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-01-31": {2026, time.January, 31},
		"2028-02-29": {2028, time.February, 29}, // leap year
		"2000-02-29": {2000, time.February, 29}, // divisible by 400
		"9999-12-31": {9999, time.December, 31},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	for _, s := range []string{"2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
		"2026-1-01", "26-01-01", "2026/01/01", "", "2026-01-3a", "+026-01-01", "0000-01-01", "2026-01-01T00:00"} {
		_, err := ParseDate(s)
		var le *i18n.Error
		if !errors.As(err, &le) || le.ID != ErrInvalidDate || le.Data["Value"] != s {
			t.Errorf("ParseDate(%q) = %v, want %s", s, err, ErrInvalidDate)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	months := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-09-03", 1, "2026-10-03"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2026-01-31", 3, "2026-04-30"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-05-31", 24, "2028-05-31"},
	}
	for _, tc := range months {
		if got := d(t, tc.from).AddMonths(tc.n); got != d(t, tc.want) {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	days := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 30, "2026-03-02"},
		{"2028-01-31", 30, "2028-03-01"},
		{"2026-12-20", 15, "2027-01-04"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2026-03-28", 2, "2026-03-30"}, // across the European clock change: no hour lost
	}
	for _, tc := range days {
		from, want := d(t, tc.from), d(t, tc.want)
		if got := from.AddDays(tc.n); got != want {
			t.Errorf("%s + %d days = %s, want %s", tc.from, tc.n, got, tc.want)
		}
		if got := from.DaysUntil(want); got != tc.n {
			t.Errorf("%s until %s = %d days, want %d", tc.from, tc.want, got, tc.n)
		}
	}
	a, b := d(t, "2026-02-28"), d(t, "2026-03-01")
	if !a.Before(b) || !b.After(a) || a.Compare(a) != 0 || b.Compare(a) != 1 || a.Compare(b) != -1 {
		t.Error("comparisons are wrong")
	}
	if d(t, "2026-01-31").Weekday() != time.Saturday {
		t.Error("31 January 2026 is a Saturday")
	}
}

// The day of receipt is the date where the business is, not in UTC: a
// request sent at 23:30 in Montreal on 31 January arrives on the 31st.
func TestDateOfKeepsTheCallersZone(t *testing.T) {
	montreal := time.FixedZone("EST", -5*3600)
	at := time.Date(2026, 1, 31, 23, 30, 0, 0, montreal)
	if got := DateOf(at); got != d(t, "2026-01-31") {
		t.Errorf("DateOf in Montreal = %s", got)
	}
	if got := DateOf(at.UTC()); got != d(t, "2026-02-01") {
		t.Errorf("DateOf in UTC = %s", got)
	}
	if got := d(t, "2026-01-31").Time(); !got.Equal(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", got)
	}
}

func TestDateText(t *testing.T) {
	var x Date
	if err := x.UnmarshalText([]byte("2026-07-14")); err != nil || x != d(t, "2026-07-14") {
		t.Fatalf("UnmarshalText: %v %v", x, err)
	}
	if err := x.UnmarshalText([]byte("2026-02-30")); err == nil {
		t.Fatal("UnmarshalText accepted 30 February")
	}
	b, _ := d(t, "2026-07-14").MarshalText()
	if string(b) != "2026-07-14" {
		t.Fatalf("MarshalText = %s", b)
	}
}
