package rules

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// schemaVersion is the version of the file format this code reads; a file
// written for another version is refused rather than half understood.
const schemaVersion = 1

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// checker collects every problem of one file, each with its line.
type checker struct {
	d    *doc
	errs []error
}

func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, c.d.errf(path, format, args...))
}

func (c *checker) header(kind, gotKind string, schema int, id string, revision int, asOf string) Date {
	if gotKind != kind {
		c.fail("kind", "must be %q in this file, not %q", kind, gotKind)
	}
	if schema != schemaVersion {
		c.fail("schema", "this version of Garde reads schema %d, not %d", schemaVersion, schema)
	}
	if !idRE.MatchString(id) {
		c.fail("id", "%q is not a valid id (lower-case letters, digits and _)", id)
	}
	if revision < 1 {
		c.fail("revision", "must be 1 or more")
	}
	d, err := ParseDate(asOf)
	if err != nil {
		c.fail("as_of", "%q is not a date written YYYY-MM-DD", asOf)
	}
	return d
}

func (c *checker) names(path string, m map[string]string) map[i18n.Lang]string {
	out := map[i18n.Lang]string{}
	for k, v := range m {
		l := i18n.Lang(k)
		if !l.Valid() {
			c.fail(path+"."+k, "unknown language %q (use en, fr and nl)", k)
			continue
		}
		if strings.TrimSpace(v) == "" {
			c.fail(path+"."+k, "must not be empty")
		}
		out[l] = v
	}
	for _, l := range i18n.Langs {
		if _, ok := m[string(l)]; !ok {
			c.fail(path, "the %s name is missing (en, fr and nl are required)", l)
		}
	}
	return out
}

func (c *checker) label(path, s string) Label {
	switch Label(s) {
	case Confirmed, Unconfirmed:
		return Label(s)
	}
	c.fail(path, "must be S (confirmed by a cited source) or K (to be checked), not %q", s)
	return Unconfirmed
}

func (c *checker) url(path, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		c.fail(path, "%q is not an http(s) address", s)
	}
}

func (c *checker) sources(files []sourceFile) ([]Source, map[string]bool) {
	ids := map[string]bool{}
	var out []Source
	if len(files) == 0 {
		c.fail("sources", "at least one source is required")
	}
	for i, s := range files {
		p := fmt.Sprintf("sources[%d]", i)
		if !idRE.MatchString(s.ID) {
			c.fail(p+".id", "%q is not a valid id", s.ID)
		} else if ids[s.ID] {
			c.fail(p+".id", "%q is used twice", s.ID)
		}
		ids[s.ID] = true
		if strings.TrimSpace(s.Title) == "" {
			c.fail(p+".title", "must not be empty")
		}
		c.url(p+".url", s.URL)
		out = append(out, Source{ID: s.ID, Title: s.Title, URL: s.URL, Label: c.label(p+".label", s.Label)})
	}
	return out, ids
}

func (c *checker) cite(path string, cite []string, ids map[string]bool) {
	if len(cite) == 0 {
		c.fail(path, "cite at least one source")
	}
	for i, id := range cite {
		if !ids[id] {
			c.fail(fmt.Sprintf("%s[%d]", path, i), "no source has the id %q", id)
		}
	}
}

func (c *checker) region(path, code string) string {
	n, ok := NormalizeRegion(code)
	if !ok || n != code {
		c.fail(path, "%q is not an upper-case ISO 3166 code such as FR or CA-QC", code)
	}
	return n
}

func (c *checker) unit(path, s string) Unit {
	switch u := Unit(s); u {
	case CalendarDays, CalendarMonths, BusinessDays:
		return u
	}
	c.fail(path, "%q is not a unit (calendar_days, calendar_months or business_days)", s)
	return CalendarDays
}

func (c *checker) period(path string, p *periodFile) *Period {
	if p == nil {
		return nil
	}
	if p.Amount < 1 || p.Amount > 1000 {
		c.fail(path+".amount", "must be between 1 and 1000")
	}
	return &Period{Amount: p.Amount, Unit: c.unit(path+".unit", p.Unit)}
}

func (c *checker) authority(path string, a authorityFile) Authority {
	if strings.TrimSpace(a.Name) == "" {
		c.fail(path+".name", "must not be empty")
	}
	c.url(path+".complaint_url", a.ComplaintURL)
	return Authority{Name: a.Name, ComplaintURL: a.ComplaintURL, Label: c.label(path+".label", a.Label)}
}

// buildLaw checks a law file and resolves its calendars.
// A calendar that failed its own checks is in broken: laws using it are not
// blamed a second time.
func buildLaw(d *doc, f *lawFile, calendars map[string]*Calendar, broken map[string]bool) (*Law, []error) {
	c := &checker{d: d}
	l := &Law{ID: f.ID, Revision: f.Revision, Notes: f.Notes, File: d.name, rules: map[RequestType]*Rule{}}
	l.AsOf = c.header("law", f.Kind, f.Schema, f.ID, f.Revision, f.AsOf)
	l.Names = c.names("names", f.Names)
	if len(f.Regions) == 0 {
		c.fail("regions", "at least one region is required")
	}
	seen := map[string]bool{}
	for i, r := range f.Regions {
		code := c.region(fmt.Sprintf("regions[%d]", i), r)
		if seen[code] {
			c.fail(fmt.Sprintf("regions[%d]", i), "%s is listed twice", code)
		}
		seen[code] = true
		l.Regions = append(l.Regions, code)
	}
	if f.Authority == nil {
		c.fail("authority", "is required")
	} else {
		l.Authority = c.authority("authority", *f.Authority)
	}
	l.Authorities = map[string]Authority{}
	for _, k := range sortedKeys(f.Authorities) {
		l.Authorities[c.region("authorities."+k, k)] = c.authority("authorities."+k, f.Authorities[k])
	}
	var ids map[string]bool
	l.Sources, ids = c.sources(f.Sources)

	needCalendar := false
	if f.Counting == nil {
		c.fail("counting", "is required")
		f.Counting = &countingFile{}
	}
	switch r := ClosedDayRule(f.Counting.OnClosedDay); r {
	case NextOpenDay, Stay:
		l.OnClosedDay = r
		needCalendar = r == NextOpenDay
	default:
		c.fail("counting.on_closed_day", "%q is not a rule (next_open_day or stay)", f.Counting.OnClosedDay)
	}
	c.cite("counting.cite", f.Counting.Cite, ids)
	l.CountingCite = f.Counting.Cite
	if f.Counting.Calendar != "" {
		if cal, ok := calendars[f.Counting.Calendar]; ok {
			l.calendar = cal
		} else if !broken[f.Counting.Calendar] {
			c.fail("counting.calendar", "no calendar has the id %q", f.Counting.Calendar)
		}
	}
	l.calendars = map[string]*Calendar{}
	for _, k := range sortedKeys(f.Counting.Calendars) {
		p := "counting.calendars." + k
		code := c.region(p, k)
		if cal, ok := calendars[f.Counting.Calendars[k]]; ok {
			l.calendars[code] = cal
		} else if !broken[f.Counting.Calendars[k]] {
			c.fail(p, "no calendar has the id %q", f.Counting.Calendars[k])
		}
	}

	if len(f.RequestTypes) == 0 {
		c.fail("request_types", "at least one request type is required")
	}
	for _, k := range sortedKeys(f.RequestTypes) {
		rf := f.RequestTypes[k]
		p := "request_types." + k
		t := RequestType(k)
		if !t.Valid() {
			c.fail(p, "%q is not a request type (%s)", k, typeList())
			continue
		}
		r := &Rule{Type: t, Basis: rf.Basis, Label: c.label(p+".label", rf.Label), Pausable: rf.Pausable, Cite: rf.Cite, Note: rf.Note, Start: StartReceipt}
		if strings.TrimSpace(rf.Basis) == "" {
			c.fail(p+".basis", "name the article or section")
		}
		c.cite(p+".cite", rf.Cite, ids)
		switch {
		case rf.Deadline != nil && rf.NoDeadline:
			c.fail(p+".no_deadline", "give either a deadline or no_deadline: true, not both")
		case rf.Deadline == nil && !rf.NoDeadline:
			c.fail(p, "give a deadline, or no_deadline: true when the law sets none")
		case rf.Deadline != nil:
			r.Deadline = c.period(p+".deadline", &periodFile{Amount: rf.Deadline.Amount, Unit: rf.Deadline.Unit})
			switch s := Start(rf.Deadline.Start); s {
			case StartReceipt, StartLatestOfReceiptIdentityFee:
				r.Start = s
			default:
				c.fail(p+".deadline.start", "%q is not a start (receipt or latest_of_receipt_identity_fee)", rf.Deadline.Start)
			}
			needCalendar = needCalendar || r.Deadline.Unit == BusinessDays
		}
		r.Acknowledge = c.period(p+".acknowledge", rf.Acknowledge)
		if r.Acknowledge != nil && r.Acknowledge.Unit == BusinessDays {
			needCalendar = true
		}
		if e := rf.Extension; e != nil {
			ext := &Extension{Period: *c.period(p+".extension", &periodFile{Amount: e.Amount, Unit: e.Unit})}
			if r.Deadline == nil {
				c.fail(p+".extension", "an extension needs a deadline to extend")
			} else if ext.Unit != r.Deadline.Unit {
				c.fail(p+".extension.unit", "must be counted like the deadline (%s)", r.Deadline.Unit)
			}
			if e.NotifyWithin == nil {
				c.fail(p+".extension.notify_within", "say within which period the person must be told")
			} else {
				ext.NotifyWithin = *c.period(p+".extension.notify_within", e.NotifyWithin)
			}
			r.Extension = ext
		}
		if r.Pausable && r.Deadline == nil {
			c.fail(p+".pausable", "only a deadline can be paused")
		}
		l.rules[t] = r
	}
	if needCalendar && l.calendar == nil && f.Counting.Calendar == "" {
		c.fail("counting.calendar", "a calendar is required to count working days or move deadlines off holidays")
	}
	return l, c.errs
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// monthDay reads MM-DD; 29 February is refused, as it is not a yearly date.
func (c *checker) monthDay(path, s string) (time.Month, int) {
	if len(s) == 5 && s[2] == '-' {
		m, ok1 := digits(s[:2])
		d, ok2 := digits(s[3:])
		if ok1 && ok2 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(2001, time.Month(m)) {
			return time.Month(m), d
		}
	}
	c.fail(path, "%q is not a day of the year written MM-DD", s)
	return time.January, 1
}

// buildCalendar checks a calendar file.
func buildCalendar(d *doc, f *calendarFile) (*Calendar, []error) {
	c := &checker{d: d}
	cal := &Calendar{ID: f.ID, Revision: f.Revision, Notes: f.Notes, File: d.name, except: map[Date]bool{}}
	cal.AsOf = c.header("calendar", f.Kind, f.Schema, f.ID, f.Revision, f.AsOf)
	cal.Names = c.names("names", f.Names)
	cal.Sources, _ = c.sources(f.Sources)
	closed := map[time.Weekday]bool{}
	for i, w := range f.ClosedWeekdays {
		wd, ok := weekdays[w]
		if !ok {
			c.fail(fmt.Sprintf("closed_weekdays[%d]", i), "%q is not a day of the week (monday … sunday)", w)
			continue
		}
		if !closed[wd] {
			cal.Closed = append(cal.Closed, wd)
		}
		closed[wd] = true
	}
	if len(closed) == 7 {
		c.fail("closed_weekdays", "at least one day of the week must be a working day")
	}
	ids := map[string]bool{}
	for i, h := range f.Holidays {
		p := fmt.Sprintf("holidays[%d]", i)
		if !idRE.MatchString(h.ID) {
			c.fail(p+".id", "%q is not a valid id", h.ID)
		} else if ids[h.ID] {
			c.fail(p+".id", "%q is used twice", h.ID)
		}
		ids[h.ID] = true
		r := holidayRule{id: h.ID, names: c.names(p+".names", h.Names), ifSaturday: h.IfSaturday, ifSunday: h.IfSunday,
			substitute: h.Substitute, from: h.From, until: h.Until, nth: h.Nth}
		forms := 0
		if h.Date != "" {
			forms++
			r.month, r.day = c.monthDay(p+".date", h.Date)
		}
		if h.Easter != nil {
			forms++
			if *h.Easter < -100 || *h.Easter > 100 {
				c.fail(p+".easter", "must be between -100 and 100 days")
			}
			r.easter = h.Easter
		}
		if h.Weekday != "" {
			forms++
			wd, ok := weekdays[h.Weekday]
			if !ok {
				c.fail(p+".weekday", "%q is not a day of the week", h.Weekday)
			}
			r.weekday = &wd
			switch {
			case h.Before != "" && (h.Nth != 0 || h.Month != 0):
				c.fail(p+".before", "use either before or nth and month, not both")
			case h.Before != "":
				r.before = true
				r.month, r.day = c.monthDay(p+".before", h.Before)
			default:
				// A fifth weekday does not exist every month: use -1 for "last".
				if h.Nth < -1 || h.Nth == 0 || h.Nth > 4 {
					c.fail(p+".nth", "must be 1 to 4, or -1 for the last one")
				}
				if h.Month < 1 || h.Month > 12 {
					c.fail(p+".month", "must be 1 to 12")
				}
				r.month = time.Month(h.Month)
			}
		} else if h.Before != "" || h.Nth != 0 || h.Month != 0 {
			c.fail(p+".weekday", "before, nth and month need a weekday")
		}
		if forms != 1 {
			c.fail(p, "give exactly one of date, easter or weekday")
		}
		if h.IfSaturday < -3 || h.IfSaturday > 3 || h.IfSunday < -3 || h.IfSunday > 3 {
			c.fail(p, "if_saturday and if_sunday move a holiday by -3 to 3 days")
		}
		if h.Substitute && (h.IfSaturday != 0 || h.IfSunday != 0) {
			c.fail(p+".substitute", "use either substitute or if_saturday/if_sunday, not both")
		}
		if h.From < 0 || h.Until < 0 || (h.Until != 0 && h.Until < h.From) {
			c.fail(p+".until", "must not be before from")
		}
		cal.rules = append(cal.rules, r)
	}
	for i, e := range f.Extra {
		p := fmt.Sprintf("extra[%d]", i)
		dt, err := ParseDate(e.Date)
		if err != nil {
			c.fail(p+".date", "%q is not a date written YYYY-MM-DD", e.Date)
		}
		if !idRE.MatchString(e.ID) {
			c.fail(p+".id", "%q is not a valid id", e.ID)
		}
		cal.extra = append(cal.extra, Holiday{Date: dt, ID: e.ID, Names: c.names(p+".names", e.Names)})
	}
	for i, e := range f.Except {
		p := fmt.Sprintf("except[%d].date", i)
		dt, err := ParseDate(e.Date)
		if err != nil {
			c.fail(p, "%q is not a date written YYYY-MM-DD", e.Date)
		}
		cal.except[dt] = true
	}
	return cal, c.errs
}

func typeList() string {
	var s []string
	for _, t := range RequestTypes {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
