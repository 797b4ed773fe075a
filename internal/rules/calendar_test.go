package rules

import (
	"strings"
	"testing"
)

// Every holiday list below was written out by hand from the statutes named in
// the calendar files and a printed calendar; "*" marks a substitute day.
func TestHolidays(t *testing.T) {
	set := Embedded()
	cases := []struct {
		cal  string
		year int
		want string
	}{
		{"fr", 2026, "01-01 new_year, 04-06 easter_monday, 05-01 labour_day, 05-08 victory_1945, 05-14 ascension, 05-25 whit_monday, 07-14 national_day, 08-15 assumption, 11-01 all_saints, 11-11 armistice, 12-25 christmas"},
		{"fr", 2025, "01-01 new_year, 04-21 easter_monday, 05-01 labour_day, 05-08 victory_1945, 05-29 ascension, 06-09 whit_monday, 07-14 national_day, 08-15 assumption, 11-01 all_saints, 11-11 armistice, 12-25 christmas"},
		{"fr", 2024, "01-01 new_year, 04-01 easter_monday, 05-01 labour_day, 05-08 victory_1945, 05-09 ascension, 05-20 whit_monday, 07-14 national_day, 08-15 assumption, 11-01 all_saints, 11-11 armistice, 12-25 christmas"},
		{"be", 2026, "01-01 new_year, 04-06 easter_monday, 05-01 labour_day, 05-14 ascension, 05-25 whit_monday, 07-21 national_day, 08-15 assumption, 11-01 all_saints, 11-11 armistice, 12-25 christmas"},
		{"be", 2027, "01-01 new_year, 03-29 easter_monday, 05-01 labour_day, 05-06 ascension, 05-17 whit_monday, 07-21 national_day, 08-15 assumption, 11-01 all_saints, 11-11 armistice, 12-25 christmas"},
		// King's Day: 27 April, but Saturday 26 April when the 27th is a Sunday.
		{"nl", 2025, "01-01 new_year, 04-18 good_friday, 04-21 easter_monday, 04-26 kings_day, 05-05 liberation_day, 05-29 ascension, 06-09 whit_monday, 12-25 christmas, 12-26 boxing_day"},
		{"nl", 2026, "01-01 new_year, 04-03 good_friday, 04-06 easter_monday, 04-27 kings_day, 05-05 liberation_day, 05-14 ascension, 05-25 whit_monday, 12-25 christmas, 12-26 boxing_day"},
		{"nl", 2014, "01-01 new_year, 04-18 good_friday, 04-21 easter_monday, 04-26 kings_day, 05-05 liberation_day, 05-29 ascension, 06-09 whit_monday, 12-25 christmas, 12-26 boxing_day"},
		{"nl", 2031, "01-01 new_year, 04-11 good_friday, 04-14 easter_monday, 04-26 kings_day, 05-05 liberation_day, 05-22 ascension, 06-02 whit_monday, 12-25 christmas, 12-26 boxing_day"},
		// Before 2014 there was no King's Day (Queen's Day is not modelled).
		{"nl", 2013, "01-01 new_year, 03-29 good_friday, 04-01 easter_monday, 05-05 liberation_day, 05-09 ascension, 05-20 whit_monday, 12-25 christmas, 12-26 boxing_day"},
		// England and Wales: substitute days, and days moved or added by proclamation.
		{"gb_ew", 2020, "01-01 new_year, 04-10 good_friday, 04-13 easter_monday, 05-08 ve_day_2020, 05-25 spring, 08-31 summer, 12-25 christmas, 12-28 boxing_day*"},
		{"gb_ew", 2021, "01-01 new_year, 04-02 good_friday, 04-05 easter_monday, 05-03 early_may, 05-31 spring, 08-30 summer, 12-27 christmas*, 12-28 boxing_day*"},
		{"gb_ew", 2022, "01-03 new_year*, 04-15 good_friday, 04-18 easter_monday, 05-02 early_may, 06-02 spring_2022, 06-03 platinum_jubilee, 08-29 summer, 09-19 state_funeral_2022, 12-26 boxing_day, 12-27 christmas*"},
		{"gb_ew", 2026, "01-01 new_year, 04-03 good_friday, 04-06 easter_monday, 05-04 early_may, 05-25 spring, 08-31 summer, 12-25 christmas, 12-28 boxing_day*"},
		{"gb_ew", 2027, "01-01 new_year, 03-26 good_friday, 03-29 easter_monday, 05-03 early_may, 05-31 spring, 08-30 summer, 12-27 christmas*, 12-28 boxing_day*"},
		// US federal: Saturday → Friday, Sunday → Monday; New Year's Day 2022
		// (a Saturday) is observed on 31 December 2021.
		{"us_federal", 2021, "01-01 new_year, 01-18 mlk_day, 02-15 washingtons_birthday, 05-31 memorial_day, 06-18 juneteenth, 07-05 independence_day, 09-06 labor_day, 10-11 columbus_day, 11-11 veterans_day, 11-25 thanksgiving, 12-24 christmas, 12-31 new_year"},
		{"us_federal", 2022, "01-17 mlk_day, 02-21 washingtons_birthday, 05-30 memorial_day, 06-20 juneteenth, 07-04 independence_day, 09-05 labor_day, 10-10 columbus_day, 11-11 veterans_day, 11-24 thanksgiving, 12-26 christmas"},
		{"us_federal", 2026, "01-01 new_year, 01-19 mlk_day, 02-16 washingtons_birthday, 05-25 memorial_day, 06-19 juneteenth, 07-03 independence_day, 09-07 labor_day, 10-12 columbus_day, 11-11 veterans_day, 11-26 thanksgiving, 12-25 christmas"},
		{"us_federal", 2020, "01-01 new_year, 01-20 mlk_day, 02-17 washingtons_birthday, 05-25 memorial_day, 07-03 independence_day, 09-07 labor_day, 10-12 columbus_day, 11-11 veterans_day, 11-26 thanksgiving, 12-25 christmas"},
		// Canada, federal Interpretation Act: Victoria Day is the Monday before
		// 25 May (18 May when the 25th is itself a Monday).
		{"ca_federal", 2026, "01-01 new_year, 04-03 good_friday, 04-06 easter_monday, 05-18 victoria_day, 07-01 canada_day, 09-07 labour_day, 09-30 truth_reconciliation, 10-12 thanksgiving, 11-11 remembrance_day, 12-25 christmas"},
		{"ca_federal", 2023, "01-02 new_year, 04-07 good_friday, 04-10 easter_monday, 05-22 victoria_day, 07-01 canada_day, 09-04 labour_day, 09-30 truth_reconciliation, 10-09 thanksgiving, 11-11 remembrance_day, 12-25 christmas"},
		{"ca_federal", 2029, "01-01 new_year, 03-30 good_friday, 04-02 easter_monday, 05-21 victoria_day, 07-02 canada_day, 09-03 labour_day, 09-30 truth_reconciliation, 10-08 thanksgiving, 11-12 remembrance_day, 12-25 christmas"},
		{"ca_federal", 2020, "01-01 new_year, 04-10 good_friday, 04-13 easter_monday, 05-18 victoria_day, 07-01 canada_day, 09-07 labour_day, 10-12 thanksgiving, 11-11 remembrance_day, 12-25 christmas"},
		// Quebec: both Good Friday and Easter Monday; Fête nationale; Canada Day
		// on 2 July when 1 July is a Sunday.
		{"ca_qc", 2026, "01-01 new_year, 04-03 good_friday, 04-06 easter_monday, 05-18 patriots_day, 06-24 national_holiday, 07-01 canada_day, 09-07 labour_day, 10-12 thanksgiving, 12-25 christmas"},
		{"ca_qc", 2029, "01-01 new_year, 03-30 good_friday, 04-02 easter_monday, 05-21 patriots_day, 06-24 national_holiday, 07-02 canada_day, 09-03 labour_day, 10-08 thanksgiving, 12-25 christmas"},
		{"weekends", 2026, ""},
	}
	for _, tc := range cases {
		cal, ok := set.Calendar(tc.cal)
		if !ok {
			t.Fatalf("no calendar %s", tc.cal)
		}
		var got []string
		for _, h := range cal.Holidays(tc.year) {
			prefix := ""
			if h.Date.Y != tc.year {
				prefix = h.Date.String() + "!"
			}
			s := prefix + h.Date.String()[5:] + " " + h.ID
			if h.Substitute {
				s += "*"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, ", "); g != tc.want {
			t.Errorf("%s %d:\n got  %s\n want %s", tc.cal, tc.year, g, tc.want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	set := Embedded()
	fr, _ := set.Calendar("fr")
	qc, _ := set.Calendar("ca_qc")
	us, _ := set.Calendar("us_federal")
	cases := []struct {
		name string
		got  Date
		want string
	}{
		{"open day stays", fr.NextOpen(d(t, "2026-07-15")), "2026-07-15"},
		{"holiday moves", fr.NextOpen(d(t, "2026-07-14")), "2026-07-15"},
		{"Saturday moves to Monday", fr.NextOpen(d(t, "2026-02-28")), "2026-03-02"},
		{"Quebec keeps Saturdays open", qc.NextOpen(d(t, "2026-04-04")), "2026-04-04"},
		{"Quebec Good Friday moves to Saturday", qc.NextOpen(d(t, "2026-04-03")), "2026-04-04"},
		{"Quebec Sunday then Easter Monday", qc.NextOpen(d(t, "2026-04-05")), "2026-04-07"},
		{"10 business days over Thanksgiving", us.AddBusinessDays(d(t, "2026-11-20"), 10), "2026-12-07"},
		{"10 business days over Christmas and New Year", us.AddBusinessDays(d(t, "2026-12-18"), 10), "2027-01-05"},
		{"10 business days across 29 February", us.AddBusinessDays(d(t, "2028-02-25"), 10), "2028-03-10"},
		{"0 business days", us.AddBusinessDays(d(t, "2026-12-19"), 0), "2026-12-19"},
		{"from a Saturday", us.AddBusinessDays(d(t, "2026-01-31"), 1), "2026-02-02"},
	}
	for _, tc := range cases {
		if tc.got != d(t, tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if h, ok := fr.Holiday(d(t, "2026-11-01")); !ok || h.Name("fr") != "Toussaint" || h.Name("en") != "All Saints' Day" {
		t.Errorf("1 November 2026 in France: %+v %v", h, ok)
	}
	if fr.IsOpen(d(t, "2026-05-14")) || !fr.IsOpen(d(t, "2026-05-13")) {
		t.Error("Ascension 2026 (14 May) is closed, 13 May is open")
	}
}
