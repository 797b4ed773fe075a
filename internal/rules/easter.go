package rules

import "time"

// Easter returns Easter Sunday of a year in the Gregorian calendar (the
// anonymous "Computus" used by the Western churches since 1583). Good Friday,
// Easter Monday, Ascension and Whit Monday are counted from it.
func Easter(year int) Date {
	a := year % 19 // place in the 19-year lunar cycle
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30 // age of the moon
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7 // days to the next Sunday
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{year, time.Month(month), day}
}
