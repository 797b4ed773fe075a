package rules

// PeriodEnd returns the last day of a period p that starts on start, the day
// of the starting event itself not being counted (Regulation 1182/71 art.
// 3(1); the Canadian and Quebec Interpretation Acts; "within 45 days" in US
// state laws):
//   - calendar months end on the same date of the later month, or on its last
//     day when that date does not exist (art. 3(2)(c));
//   - calendar days end start + n;
//   - business days end on the nth working day of cal after start.
//
// extraDays (days the clock was stopped) are then added, and when closed is
// NextOpenDay an end on a closed weekday or holiday of cal moves to the next
// working day (art. 3(4)). cal may be nil only for calendar units with Stay.
func PeriodEnd(start Date, p Period, extraDays int, cal *Calendar, closed ClosedDayRule) Date {
	var d Date
	switch p.Unit {
	case CalendarMonths:
		d = start.AddMonths(p.Amount)
	case BusinessDays:
		d = cal.AddBusinessDays(start, p.Amount)
	default:
		d = start.AddDays(p.Amount)
	}
	d = d.AddDays(extraDays)
	if closed == NextOpenDay && cal != nil {
		d = cal.NextOpen(d)
	}
	return d
}
