package rules

import (
	"errors"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
)

// dueCase is one request and the dates expected for it. Every expected date
// was worked out by hand with a printed calendar and the rule quoted in the
// comment; "" means the date must be absent.
type dueCase struct {
	name     string
	law      string
	typ      RequestType
	received string
	region   string // where the business is established
	target   int
	pauses   [][2]string
	start    string // ClockStart
	// expected
	due, legal, ack, ext, notice, calendar string
	err                                    string // expected error ID
}

func TestDue(t *testing.T) {
	cases := []dueCase{
		// --- EU GDPR: one month under Regulation 1182/71, next working day. ---
		{name: "GDPR 31 Jan → 28 Feb (Saturday) → Monday 2 Mar; extension three months from receipt",
			law: "gdpr", typ: Access, received: "2026-01-31", region: "FR",
			due: "2026-03-02", legal: "2026-03-02", ext: "2026-04-30", notice: "2026-03-02", calendar: "fr"},
		// Three months from 31 January 2028 is Sunday 30 April; Monday 1 May is
		// a holiday, so the extended deadline is Tuesday 2 May.
		{name: "GDPR leap year: 31 Jan 2028 → 29 Feb 2028 (Tuesday)",
			law: "gdpr", typ: Erasure, received: "2028-01-31", region: "FR",
			due: "2028-02-29", legal: "2028-02-29", ext: "2028-05-02", notice: "2028-02-29", calendar: "fr"},
		{name: "GDPR received on 29 Feb 2028 → 29 Mar; extended 29 May (Whit Monday is 5 June)",
			law: "gdpr", typ: Access, received: "2028-02-29", region: "FR",
			due: "2028-03-29", legal: "2028-03-29", ext: "2028-05-29", notice: "2028-03-29", calendar: "fr"},
		{name: "GDPR 31 Mar → 30 Apr",
			law: "gdpr", typ: Rectification, received: "2026-03-31", region: "FR",
			due: "2026-04-30", legal: "2026-04-30", ext: "2026-06-30", notice: "2026-04-30", calendar: "fr"},
		{name: "GDPR France: due on 14 July (Tuesday) → 15 July",
			law: "gdpr", typ: Access, received: "2026-06-14", region: "FR",
			due: "2026-07-15", legal: "2026-07-15", ext: "2026-09-14", notice: "2026-07-15", calendar: "fr"},
		{name: "GDPR Belgium: 14 July is a working day",
			law: "gdpr", typ: Access, received: "2026-06-14", region: "BE",
			due: "2026-07-14", legal: "2026-07-14", ext: "2026-09-14", notice: "2026-07-14", calendar: "be"},
		{name: "GDPR France: due on 1 Nov 2027 (Monday) → 2 Nov",
			law: "gdpr", typ: Objection, received: "2027-10-01", region: "FR",
			due: "2027-11-02", legal: "2027-11-02", ext: "2028-01-03", notice: "2027-11-02", calendar: "fr"},
		{name: "GDPR Belgium: due on 21 July (Tuesday) → 22 July",
			law: "gdpr", typ: Restriction, received: "2026-06-21", region: "BE",
			due: "2026-07-22", legal: "2026-07-22", ext: "2026-09-21", notice: "2026-07-22", calendar: "be"},
		{name: "GDPR France: 21 July is a working day",
			law: "gdpr", typ: Restriction, received: "2026-06-21", region: "FR",
			due: "2026-07-21", legal: "2026-07-21", ext: "2026-09-21", notice: "2026-07-21", calendar: "fr"},
		{name: "GDPR Netherlands: King's Day 27 Apr 2026 (Monday) → 28 Apr",
			law: "gdpr", typ: Portability, received: "2026-03-27", region: "NL",
			due: "2026-04-28", legal: "2026-04-28", ext: "2026-06-29", notice: "2026-04-28", calendar: "nl"}, // 27 June is a Saturday
		{name: "GDPR Netherlands 2025: King's Day on Saturday 26 Apr, then Sunday → Monday 28 Apr",
			law: "gdpr", typ: Access, received: "2025-03-26", region: "NL",
			due: "2025-04-28", legal: "2025-04-28", ext: "2025-06-26", notice: "2025-04-28", calendar: "nl"},
		{name: "GDPR Netherlands: Liberation Day 5 May 2027, then Ascension 6 May → Friday 7 May",
			law: "gdpr", typ: Access, received: "2027-04-05", region: "NL",
			due: "2027-05-07", legal: "2027-05-07", ext: "2027-07-05", notice: "2027-05-07", calendar: "nl"},
		{name: "GDPR France: 5 May 2027 is a working day",
			law: "gdpr", typ: Access, received: "2027-04-05", region: "FR",
			due: "2027-05-05", legal: "2027-05-05", ext: "2027-07-05", notice: "2027-05-05", calendar: "fr"},
		{name: "GDPR Netherlands: Good Friday 3 Apr 2026 → weekend → Easter Monday → Tuesday 7 Apr",
			law: "gdpr", typ: Access, received: "2026-03-03", region: "NL",
			due: "2026-04-07", legal: "2026-04-07", ext: "2026-06-03", notice: "2026-04-07", calendar: "nl"},
		{name: "GDPR France: Good Friday is a working day",
			law: "gdpr", typ: Access, received: "2026-03-03", region: "FR",
			due: "2026-04-03", legal: "2026-04-03", ext: "2026-06-03", notice: "2026-04-03", calendar: "fr"},
		{name: "GDPR Germany: weekends only, Saturday 3 Oct → Monday 5 Oct",
			law: "gdpr", typ: Access, received: "2026-09-03", region: "DE",
			due: "2026-10-05", legal: "2026-10-05", ext: "2026-12-03", notice: "2026-10-05", calendar: "weekends"},
		{name: "GDPR subdivision uses its country's holidays (FR-75)",
			law: "gdpr", typ: Access, received: "2026-06-14", region: "FR-75",
			due: "2026-07-15", legal: "2026-07-15", ext: "2026-09-14", notice: "2026-07-15", calendar: "fr"},
		{name: "GDPR internal target earlier than the law",
			law: "gdpr", typ: Access, received: "2026-01-31", region: "FR", target: 20,
			due: "2026-02-20", legal: "2026-03-02", ext: "2026-04-30", notice: "2026-03-02", calendar: "fr"},
		{name: "GDPR internal target later than the law: the law wins",
			law: "gdpr", typ: Access, received: "2026-01-31", region: "FR", target: 40,
			due: "2026-03-02", legal: "2026-03-02", ext: "2026-04-30", notice: "2026-03-02", calendar: "fr"},
		{name: "GDPR data processing agreement: contract, target only",
			law: "gdpr", typ: DPA, received: "2026-01-31", region: "FR", target: 15,
			due: "2026-02-15", calendar: "fr"},
		{name: "GDPR data processing agreement without a target", law: "gdpr", typ: DPA, received: "2026-01-31", err: ErrTargetRequired},
		{name: "GDPR refuses a pause", law: "gdpr", typ: Access, received: "2026-03-02",
			pauses: [][2]string{{"2026-03-05", "2026-03-12"}}, err: ErrPauseNotAllowed},
		{name: "GDPR clock starts on receipt", law: "gdpr", typ: Access, received: "2026-03-02", start: "2026-03-10", err: ErrClockStartNotAllowed},
		{name: "GDPR has no opt-out of sale", law: "gdpr", typ: OptOutSale, received: "2026-03-02", err: ErrTypeNotRecognised},
		{name: "negative target", law: "gdpr", typ: Access, received: "2026-03-02", target: -1, err: ErrTargetInvalid},
		{name: "absurd target", law: "gdpr", typ: Access, received: "2026-03-02", target: 100000, err: ErrTargetInvalid},

		// --- UK: same month rule, bank holidays with substitute days, pauses. ---
		{name: "UK 3 Sep → 3 Oct (Saturday) → Monday 5 Oct",
			law: "uk_gdpr", typ: Access, received: "2026-09-03",
			due: "2026-10-05", legal: "2026-10-05", ext: "2026-12-03", notice: "2026-10-05", calendar: "gb_ew"},
		{name: "UK due on Boxing Day substitute (Monday 28 Dec 2026) → Tuesday 29",
			law: "uk_gdpr", typ: Access, received: "2026-11-28",
			due: "2026-12-29", legal: "2026-12-29", ext: "2027-03-01", notice: "2026-12-29", calendar: "gb_ew"}, // 28 Feb 2027 is a Sunday
		{name: "UK due on Christmas substitute (Monday 27 Dec 2027), Boxing substitute 28 → Wednesday 29",
			law: "uk_gdpr", typ: Erasure, received: "2027-11-27",
			due: "2027-12-29", legal: "2027-12-29", ext: "2028-02-28", notice: "2027-12-29", calendar: "gb_ew"}, // 27 Feb 2028 is a Sunday
		{name: "UK 31 Jan 2027 → 28 Feb (Sunday) → Monday 1 Mar",
			law: "uk_gdpr", typ: Access, received: "2027-01-31",
			due: "2027-03-01", legal: "2027-03-01", ext: "2027-04-30", notice: "2027-03-01", calendar: "gb_ew"},
		{name: "UK Good Friday → weekend → Easter Monday → Tuesday 7 Apr 2026",
			law: "uk_gdpr", typ: Access, received: "2026-03-03",
			due: "2026-04-07", legal: "2026-04-07", ext: "2026-06-03", notice: "2026-04-07", calendar: "gb_ew"},
		{name: "UK without pause: 2 Apr 2026",
			law: "uk_gdpr", typ: Access, received: "2026-03-02",
			due: "2026-04-02", legal: "2026-04-02", ext: "2026-06-02", notice: "2026-04-02", calendar: "gb_ew"},
		{name: "UK clarification pause of 7 days → 9 Apr 2026",
			law: "uk_gdpr", typ: Access, received: "2026-03-02", pauses: [][2]string{{"2026-03-05", "2026-03-12"}},
			due: "2026-04-09", legal: "2026-04-09", ext: "2026-06-09", notice: "2026-04-09", calendar: "gb_ew"},
		{name: "UK overlapping pauses count once (5–15 Mar: 10 days) → Sunday 12 Apr → Monday 13 Apr",
			law: "uk_gdpr", typ: Access, received: "2026-03-02", pauses: [][2]string{{"2026-03-10", "2026-03-15"}, {"2026-03-05", "2026-03-12"}},
			due: "2026-04-13", legal: "2026-04-13", ext: "2026-06-12", notice: "2026-04-13", calendar: "gb_ew"},
		{name: "UK pause and internal target: both move",
			law: "uk_gdpr", typ: Access, received: "2026-03-02", target: 20, pauses: [][2]string{{"2026-03-05", "2026-03-12"}},
			due: "2026-03-29", legal: "2026-04-09", ext: "2026-06-09", notice: "2026-04-09", calendar: "gb_ew"},
		{name: "UK clock starts when the proof of identity arrives (10 Mar) → Friday 10 Apr",
			law: "uk_gdpr", typ: Access, received: "2026-03-02", start: "2026-03-10",
			due: "2026-04-10", legal: "2026-04-10", ext: "2026-06-10", notice: "2026-04-10", calendar: "gb_ew"},
		{name: "UK clock start before receipt is ignored",
			law: "uk_gdpr", typ: Access, received: "2026-03-02", start: "2026-02-20",
			due: "2026-04-02", legal: "2026-04-02", ext: "2026-06-02", notice: "2026-04-02", calendar: "gb_ew"},
		{name: "UK pause before receipt", law: "uk_gdpr", typ: Access, received: "2026-03-02",
			pauses: [][2]string{{"2026-03-01", "2026-03-04"}}, err: ErrPauseInvalid},
		{name: "UK pause ending before it starts", law: "uk_gdpr", typ: Access, received: "2026-03-02",
			pauses: [][2]string{{"2026-03-10", "2026-03-04"}}, err: ErrPauseInvalid},
		{name: "UK pause after the deadline", law: "uk_gdpr", typ: Access, received: "2026-03-02",
			pauses: [][2]string{{"2026-04-10", "2026-04-14"}}, err: ErrPauseAfterDeadline},

		// --- PIPEDA: 30 days; holidays and Sundays move it, Saturdays do not. ---
		{name: "PIPEDA 31 Jan + 30 days → Monday 2 Mar; +30 more → 1 Apr",
			law: "pipeda", typ: Access, received: "2026-01-31",
			due: "2026-03-02", legal: "2026-03-02", ext: "2026-04-01", notice: "2026-03-02", calendar: "ca_federal"},
		{name: "PIPEDA leap year: 31 Jan 2028 → 1 Mar",
			law: "pipeda", typ: Access, received: "2028-01-31",
			due: "2028-03-01", legal: "2028-03-01", ext: "2028-03-31", notice: "2028-03-01", calendar: "ca_federal"},
		{name: "PIPEDA received 29 Feb 2028 → 30 Mar",
			law: "pipeda", typ: Rectification, received: "2028-02-29",
			due: "2028-03-30", legal: "2028-03-30", ext: "2028-04-29", notice: "2028-03-30", calendar: "ca_federal"},
		{name: "PIPEDA a Saturday is not a holiday: 7 Mar 2026 stays",
			law: "pipeda", typ: Access, received: "2026-02-05",
			due: "2026-03-07", legal: "2026-03-07", ext: "2026-04-07", notice: "2026-03-07", calendar: "ca_federal"}, // 6 Apr is Easter Monday
		{name: "PIPEDA a Sunday is: 8 Mar 2026 → 9 Mar",
			law: "pipeda", typ: Access, received: "2026-02-06",
			due: "2026-03-09", legal: "2026-03-09", ext: "2026-04-07", notice: "2026-03-09", calendar: "ca_federal"},
		{name: "PIPEDA Canada Day 1 Jul 2026 → 2 Jul",
			law: "pipeda", typ: Access, received: "2026-06-01",
			due: "2026-07-02", legal: "2026-07-02", ext: "2026-07-31", notice: "2026-07-02", calendar: "ca_federal"},
		{name: "PIPEDA Good Friday 3 Apr 2026 → Saturday 4 Apr",
			law: "pipeda", typ: Access, received: "2026-03-04",
			due: "2026-04-04", legal: "2026-04-04", ext: "2026-05-04", notice: "2026-04-04", calendar: "ca_federal"},
		{name: "PIPEDA Remembrance Day on a Sunday (2029) makes Monday a holiday too → Tuesday 13 Nov",
			law: "pipeda", typ: Access, received: "2029-10-12",
			due: "2029-11-13", legal: "2029-11-13", ext: "2029-12-11", notice: "2029-11-13", calendar: "ca_federal"},
		{name: "PIPEDA erasure has no statutory deadline", law: "pipeda", typ: Erasure, received: "2026-01-31", target: 30,
			due: "2026-03-02", calendar: "ca_federal"},
		{name: "PIPEDA has no restriction right", law: "pipeda", typ: Restriction, received: "2026-01-31", err: ErrTypeNotRecognised},

		// --- Quebec: 30 days, no extension, Quebec holidays. ---
		{name: "Quebec 31 Jan + 30 → Monday 2 Mar, no extension",
			law: "quebec", typ: Access, received: "2026-01-31",
			due: "2026-03-02", legal: "2026-03-02", calendar: "ca_qc"},
		{name: "Quebec Fête nationale 24 Jun → 25 Jun",
			law: "quebec", typ: Access, received: "2026-05-25",
			due: "2026-06-25", legal: "2026-06-25", calendar: "ca_qc"},
		{name: "Quebec Good Friday → Saturday 4 Apr (a jour ouvrable)",
			law: "quebec", typ: Rectification, received: "2026-03-04",
			due: "2026-04-04", legal: "2026-04-04", calendar: "ca_qc"},
		{name: "Quebec Easter Monday → Tuesday 7 Apr",
			law: "quebec", typ: Access, received: "2026-03-07",
			due: "2026-04-07", legal: "2026-04-07", calendar: "ca_qc"},
		{name: "Quebec National Patriots' Day 18 May 2026 → 19 May",
			law: "quebec", typ: Access, received: "2026-04-18",
			due: "2026-05-19", legal: "2026-05-19", calendar: "ca_qc"},
		{name: "Quebec Canada Day on a Sunday (2029): 1 Jul → 2 Jul holiday → 3 Jul",
			law: "quebec", typ: Access, received: "2029-06-01",
			due: "2029-07-03", legal: "2029-07-03", calendar: "ca_qc"},
		{name: "Quebec leap year: 29 Feb 2028 + 30 → 30 Mar",
			law: "quebec", typ: Portability, received: "2028-02-29",
			due: "2028-03-30", legal: "2028-03-30", calendar: "ca_qc"},

		// --- California: 45 calendar days not moved; business days skip federal holidays. ---
		{name: "CCPA 31 Jan + 45 → 17 Mar; ack 10 business days → 13 Feb; +45 → 1 May",
			law: "ccpa", typ: Access, received: "2026-01-31",
			due: "2026-03-17", legal: "2026-03-17", ack: "2026-02-13", ext: "2026-05-01", notice: "2026-03-17", calendar: "us_federal"},
		{name: "CCPA due on a Saturday is not moved (7 Mar 2026)",
			law: "ccpa", typ: Erasure, received: "2026-01-21",
			due: "2026-03-07", legal: "2026-03-07", ack: "2026-02-04", ext: "2026-04-21", notice: "2026-03-07", calendar: "us_federal"},
		{name: "CCPA acknowledgement across Thanksgiving → 7 Dec; due 4 Jan 2027",
			law: "ccpa", typ: Rectification, received: "2026-11-20",
			due: "2027-01-04", legal: "2027-01-04", ack: "2026-12-07", ext: "2027-02-18", notice: "2027-01-04", calendar: "us_federal"},
		{name: "CCPA acknowledgement across Christmas and New Year → 5 Jan 2027",
			law: "ccpa", typ: Access, received: "2026-12-18",
			due: "2027-02-01", legal: "2027-02-01", ack: "2027-01-05", ext: "2027-03-18", notice: "2027-02-01", calendar: "us_federal"},
		{name: "CCPA leap year: 15 Jan 2028 + 45 → 29 Feb",
			law: "ccpa", typ: Access, received: "2028-01-15",
			due: "2028-02-29", legal: "2028-02-29", ack: "2028-01-31", ext: "2028-04-14", notice: "2028-02-29", calendar: "us_federal"},
		{name: "CCPA business days across 29 Feb 2028: ack 10 Mar; due 10 Apr",
			law: "ccpa", typ: Access, received: "2028-02-25",
			due: "2028-04-10", legal: "2028-04-10", ack: "2028-03-10", ext: "2028-05-25", notice: "2028-04-10", calendar: "us_federal"},
		{name: "CCPA opt-out: 15 business days over Juneteenth and 3 Jul → 8 Jul",
			law: "ccpa", typ: OptOutSale, received: "2026-06-15",
			due: "2026-07-08", legal: "2026-07-08", calendar: "us_federal"},
		{name: "CCPA limit sensitive information: 15 business days",
			law: "ccpa", typ: LimitSensitive, received: "2026-06-15",
			due: "2026-07-08", legal: "2026-07-08", calendar: "us_federal"},
		{name: "CCPA internal target 20 days",
			law: "ccpa", typ: Erasure, received: "2026-11-20", target: 20,
			due: "2026-12-10", legal: "2027-01-04", ack: "2026-12-07", ext: "2027-02-18", notice: "2027-01-04", calendar: "us_federal"},
		{name: "CCPA refuses a pause", law: "ccpa", typ: Access, received: "2026-11-20",
			pauses: [][2]string{{"2026-11-21", "2026-11-25"}}, err: ErrPauseNotAllowed},
		{name: "CCPA has no restriction right", law: "ccpa", typ: Restriction, received: "2026-11-20", err: ErrTypeNotRecognised},

		// --- Virginia, Colorado, Connecticut, Texas: 45 days, +45, not moved. ---
		{name: "Virginia 21 Jan + 45 → Saturday 7 Mar, not moved; +90 → 21 Apr",
			law: "vcdpa", typ: Access, received: "2026-01-21", due: "2026-03-07", legal: "2026-03-07", ext: "2026-04-21", notice: "2026-03-07"},
		{name: "Colorado same", law: "cpa_co", typ: Erasure, received: "2026-01-21", due: "2026-03-07", legal: "2026-03-07", ext: "2026-04-21", notice: "2026-03-07"},
		{name: "Connecticut same", law: "ctdpa", typ: Rectification, received: "2026-01-21", due: "2026-03-07", legal: "2026-03-07", ext: "2026-04-21", notice: "2026-03-07"},
		{name: "Texas same", law: "tdpsa", typ: OptOutSale, received: "2026-01-21", due: "2026-03-07", legal: "2026-03-07", ext: "2026-04-21", notice: "2026-03-07"},
		{name: "Virginia leap year: 15 Jan 2028 + 45 → 29 Feb", law: "vcdpa", typ: Portability, received: "2028-01-15",
			due: "2028-02-29", legal: "2028-02-29", ext: "2028-04-14", notice: "2028-02-29"},
		{name: "Texas has no limit-sensitive right", law: "tdpsa", typ: LimitSensitive, received: "2026-01-21", err: ErrTypeNotRecognised},

		// --- Brazil: access 15 days, not moved; other rights: target. ---
		{name: "LGPD access 31 Jan + 15 → Sunday 15 Feb, not moved",
			law: "lgpd", typ: Access, received: "2026-01-31", due: "2026-02-15", legal: "2026-02-15"},
		{name: "LGPD erasure needs a target", law: "lgpd", typ: Erasure, received: "2026-01-31", err: ErrTargetRequired},
		{name: "LGPD erasure with a target", law: "lgpd", typ: Erasure, received: "2026-01-31", target: 10, due: "2026-02-10"},
	}
	set := Embedded()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			law, ok := set.Law(tc.law)
			if !ok {
				t.Fatalf("no law %s", tc.law)
			}
			opts := DueOptions{TargetDays: tc.target, Region: tc.region}
			for _, p := range tc.pauses {
				opts.Pauses = append(opts.Pauses, Pause{From: d(t, p[0]), To: d(t, p[1])})
			}
			if tc.start != "" {
				opts.ClockStart = d(t, tc.start)
			}
			got, err := law.Due(tc.typ, d(t, tc.received), opts)
			if tc.err != "" {
				var le *i18n.Error
				if !errors.As(err, &le) || le.ID != tc.err {
					t.Fatalf("want error %s, got %v (%+v)", tc.err, err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got *Date, want string) {
				t.Helper()
				switch {
				case want == "" && got != nil:
					t.Errorf("%s: got %s, want none", what, got)
				case want != "" && got == nil:
					t.Errorf("%s: got none, want %s", what, want)
				case want != "" && *got != d(t, want):
					t.Errorf("%s: got %s (%s), want %s", what, got, got.Weekday(), want)
				}
			}
			check("due", &got.Due, tc.due)
			check("legal", got.Legal, tc.legal)
			check("acknowledge", got.Acknowledge, tc.ack)
			check("extended", got.ExtendedDue, tc.ext)
			check("extension notice", got.ExtensionNoticeBy, tc.notice)
			if got.Calendar != tc.calendar {
				t.Errorf("calendar %q, want %q", got.Calendar, tc.calendar)
			}
			if tc.target > 0 && got.Target == nil {
				t.Error("target missing")
			}
		})
	}
}

func TestDueRefusesAZeroDate(t *testing.T) {
	law, _ := Embedded().Law("gdpr")
	_, err := law.Due(Access, Date{}, DueOptions{})
	var le *i18n.Error
	if !errors.As(err, &le) || le.ID != ErrInvalidDate {
		t.Fatalf("got %v", err)
	}
}
