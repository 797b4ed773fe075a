package breach

import (
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/rules"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The expected instants below are worked out by hand from the calendars
// (2026: summer time starts 8 March in North America and 29 March in
// Europe, ends 25 October in Europe).
func TestDueAtAcrossDaylightSavingAndWeekends(t *testing.T) {
	paris, toronto := zone(t, "Europe/Paris"), zone(t, "America/Toronto")
	la, saoPaulo := zone(t, "America/Los_Angeles"), zone(t, "America/Sao_Paulo")
	fr, _ := rules.Embedded().Calendar("fr")
	weekends, _ := rules.Embedded().Calendar("weekends")
	cases := []struct {
		name     string
		d        Deadline
		start    time.Time
		loc      *time.Location
		cal      *rules.Calendar
		wantUTC  string // the instant the deadline passes
		wantDay  string // last day allowed, for day counts
		wantWall string // the same instant on the business's clock
	}{
		{"72h over the spring change in Paris: one hour fewer on the wall clock",
			Deadline{Kind: Hours, Amount: 72}, time.Date(2026, 3, 27, 10, 0, 0, 0, paris), paris, nil,
			"2026-03-30T09:00:00Z", "", "2026-03-30 11:00 CEST"},
		{"72h over the autumn change in Paris: one hour more on the wall clock",
			Deadline{Kind: Hours, Amount: 72}, time.Date(2026, 10, 23, 18, 0, 0, 0, paris), paris, nil,
			"2026-10-26T16:00:00Z", "", "2026-10-26 17:00 CET"},
		{"72h over the spring change in Toronto",
			Deadline{Kind: Hours, Amount: 72}, time.Date(2026, 3, 6, 9, 0, 0, 0, toronto), toronto, nil,
			"2026-03-09T14:00:00Z", "", "2026-03-09 10:00 EDT"},
		{"72h from a Saturday night: the weekend counts",
			Deadline{Kind: Hours, Amount: 72}, time.Date(2026, 12, 5, 0, 30, 0, 0, paris), paris, nil,
			"2026-12-07T23:30:00Z", "", "2026-12-08 00:30 CET"},
		{"30 calendar days from a late evening in California: the local day counts, not the UTC one",
			Deadline{Kind: CalendarDays, Amount: 30}, time.Date(2026, 3, 1, 23, 30, 0, 0, la), la, nil,
			"2026-04-01T07:00:00Z", "2026-03-31", "2026-04-01 00:00 PDT"},
		{"15 calendar days over the autumn change in Paris",
			Deadline{Kind: CalendarDays, Amount: 15}, time.Date(2026, 10, 20, 12, 0, 0, 0, paris), paris, nil,
			"2026-11-04T23:00:00Z", "2026-11-04", "2026-11-05 00:00 CET"},
		{"3 business days in France over 1 May and a weekend",
			Deadline{Kind: BusinessDays, Amount: 3, Calendar: "fr"}, time.Date(2026, 4, 30, 15, 0, 0, 0, paris), paris, fr,
			"2026-05-06T22:00:00Z", "2026-05-06", "2026-05-07 00:00 CEST"},
		{"3 business days from a Friday, weekends only",
			Deadline{Kind: BusinessDays, Amount: 3, Calendar: "weekends"}, time.Date(2026, 12, 4, 17, 0, 0, 0, saoPaulo), saoPaulo, weekends,
			"2026-12-10T03:00:00Z", "2026-12-09", "2026-12-10 00:00 -03"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			due, day := DueAt(tc.d, tc.start, tc.loc, tc.cal)
			if got := due.UTC().Format(time.RFC3339); got != tc.wantUTC {
				t.Errorf("due %s, want %s", got, tc.wantUTC)
			}
			if got := due.In(tc.loc).Format("2006-01-02 15:04 MST"); got != tc.wantWall {
				t.Errorf("wall clock %s, want %s", got, tc.wantWall)
			}
			gotDay := ""
			if !day.IsZero() {
				gotDay = day.String()
			}
			if gotDay != tc.wantDay {
				t.Errorf("last day %q, want %q", gotDay, tc.wantDay)
			}
		})
	}
}

func TestClockStates(t *testing.T) {
	start := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
	d72 := Deadline{Kind: Hours, Amount: 72, From: FromAware}
	at := func(h int) *time.Time { x := start.Add(time.Duration(h) * time.Hour); return &x }
	cases := []struct {
		name  string
		d     Deadline
		start *time.Time
		sent  *time.Time
		now   time.Time
		want  ClockState
		left  time.Duration
	}{
		{"running", d72, &start, nil, *at(70), ClockRunning, 2 * time.Hour},
		{"due instant itself is overdue", d72, &start, nil, *at(72), ClockOverdue, 0},
		{"overdue", d72, &start, nil, *at(75), ClockOverdue, -3 * time.Hour},
		{"met", d72, &start, at(71), *at(100), ClockMet, -28 * time.Hour},
		{"late", d72, &start, at(73), *at(100), ClockLate, -28 * time.Hour},
		{"open-ended runs and shows the time elapsed", Deadline{Kind: AsSoonAsFeasible}, &start, nil, *at(5), ClockRunning, 5 * time.Hour},
		{"not started", Deadline{Kind: CalendarDays, Amount: 15, From: FromPersonsNotified}, nil, nil, *at(5), ClockPending, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := clockOf(tc.d, tc.start, tc.sent, tc.now, time.UTC, nil)
			if c.State != tc.want || c.Left != tc.left {
				t.Errorf("state %s left %s, want %s left %s", c.State, c.Left, tc.want, tc.left)
			}
		})
	}
}

func TestEmbeddedLawsLoad(t *testing.T) {
	laws, err := LoadLaws(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range laws.All() {
		ids = append(ids, l.ID)
	}
	want := []string{"california", "colorado", "florida", "gdpr", "lgpd", "pipeda", "quebec", "texas", "uk_gdpr", "washington"}
	if len(ids) != len(want) {
		t.Fatalf("laws %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("laws %v, want %v", ids, want)
		}
	}
	// Quebec residents are protected by Quebec's law and, across borders, PIPEDA.
	var qc []string
	for _, l := range laws.ForRegion("CA-QC") {
		qc = append(qc, l.ID)
	}
	if len(qc) != 2 || qc[0] != "pipeda" || qc[1] != "quebec" {
		t.Errorf("CA-QC laws %v", qc)
	}
	if got := laws.ForRegion("CA-ON"); len(got) != 1 || got[0].ID != "pipeda" {
		t.Errorf("CA-ON laws %v", got)
	}
}
