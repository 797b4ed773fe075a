package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// RequestType is a kind of request a person can make about their data.
type RequestType string

// The request types Garde knows. A law recognises some of them; DPA (a data
// processing agreement asked for by a business customer) is contractual and
// has no statutory deadline in any law.
const (
	Access         RequestType = "access"
	Rectification  RequestType = "rectification"
	Erasure        RequestType = "erasure"
	Objection      RequestType = "objection"
	Restriction    RequestType = "restriction"
	Portability    RequestType = "portability"
	OptOutSale     RequestType = "opt_out_sale"
	LimitSensitive RequestType = "limit_sensitive"
	DPA            RequestType = "dpa"
)

// RequestTypes lists every request type in display order.
var RequestTypes = []RequestType{Access, Rectification, Erasure, Objection, Restriction, Portability, OptOutSale, LimitSensitive, DPA}

// Valid reports whether t is one of RequestTypes.
func (t RequestType) Valid() bool {
	for _, k := range RequestTypes {
		if k == t {
			return true
		}
	}
	return false
}

// MessageID is the i18n message holding the type's name.
func (t RequestType) MessageID() string { return "rules.type." + string(t) }

// ParseRequestType reads a request type such as "access" or "opt_out_sale".
func ParseRequestType(s string) (RequestType, error) {
	t := RequestType(strings.TrimSpace(strings.ToLower(s)))
	if !t.Valid() {
		return "", i18n.NewError(ErrUnknownType, map[string]any{"Type": s})
	}
	return t, nil
}

// Unit is what a period is counted in.
type Unit string

const (
	// CalendarMonths end on the same date of a later month, or on that
	// month's last day when the date does not exist (Regulation 1182/71
	// art. 3(2)(c)).
	CalendarMonths Unit = "calendar_months"
	// CalendarDays count every day; the day of receipt is not counted.
	CalendarDays Unit = "calendar_days"
	// BusinessDays count only the working days of the law's calendar.
	BusinessDays Unit = "business_days"
)

// Period is an amount of a unit, such as one calendar month or 45 days.
type Period struct {
	Amount int
	Unit   Unit
}

// Start says which event starts the clock.
type Start string

const (
	// StartReceipt: the clock starts on receipt, whatever verification takes.
	StartReceipt Start = "receipt"
	// StartLatestOfReceiptIdentityFee: the clock starts on receipt, or later
	// when proof of identity or a permitted fee arrives later (UK).
	StartLatestOfReceiptIdentityFee Start = "latest_of_receipt_identity_fee"
)

// ClosedDayRule says what happens to a deadline that ends on a day off.
type ClosedDayRule string

const (
	// NextOpenDay moves the deadline to the next day that is open in the
	// law's calendar (Regulation 1182/71 art. 3(4); the Canadian and Quebec
	// Interpretation Acts, whose calendars close Sundays and holidays only).
	NextOpenDay ClosedDayRule = "next_open_day"
	// Stay leaves the deadline where it falls.
	Stay ClosedDayRule = "stay"
)

// Label says how well a fact is established: S when a cited source confirms
// it, K when it still has to be checked against the official text.
type Label string

const (
	Confirmed   Label = "S"
	Unconfirmed Label = "K"
)

// Source is a document a law file relies on.
type Source struct {
	ID    string
	Title string
	URL   string
	Label Label
}

// Authority is where a person can complain about a business under a law.
type Authority struct {
	Name         string
	ComplaintURL string
	Label        Label
}

// Extension is how much longer a business may take, and by when it must
// tell the person, both counted from the start of the clock.
type Extension struct {
	Period
	NotifyWithin Period
}

// Rule is what a law says about one request type.
type Rule struct {
	Type  RequestType
	Basis string // article or section of the law
	Label Label
	// Deadline is nil when the law sets none (contracts, rights without a
	// fixed time): the operator's internal target applies.
	Deadline    *Period
	Start       Start
	Acknowledge *Period    // nil when no acknowledgement is required
	Extension   *Extension // nil when no extension is allowed
	// Pausable laws stop the clock while the business waits for a
	// clarification it asked for (UK, Data (Use and Access) Act 2025).
	Pausable bool
	Cite     []string // ids of the law's sources
	Note     string
}

// Law is one data protection law and the requests it recognises.
type Law struct {
	ID           string
	Revision     int
	AsOf         Date
	Names        map[i18n.Lang]string
	Regions      []string // ISO 3166-1 countries and ISO 3166-2 subdivisions
	Authority    Authority
	Authorities  map[string]Authority // by region, where it differs
	Sources      []Source
	OnClosedDay  ClosedDayRule
	CountingCite []string
	Notes        []string
	File         string // where the law was loaded from

	rules     map[RequestType]*Rule
	calendar  *Calendar            // default calendar; nil when none is needed
	calendars map[string]*Calendar // by region of establishment
}

// Name is the law's name in lang.
func (l *Law) Name(lang i18n.Lang) string { return pick(l.Names, lang) }

// Rule returns what the law says about t.
func (l *Law) Rule(t RequestType) (*Rule, bool) {
	r, ok := l.rules[t]
	return r, ok
}

// Types lists the request types the law recognises, in display order.
func (l *Law) Types() []RequestType {
	var out []RequestType
	for _, t := range RequestTypes {
		if _, ok := l.rules[t]; ok {
			out = append(out, t)
		}
	}
	return out
}

// Calendar returns the holiday calendar for a business established in
// region (an ISO code; "" for the law's default), or nil when the law counts
// no working days.
func (l *Law) Calendar(region string) *Calendar {
	if c, ok := byRegion(l.calendars, region); ok {
		return c
	}
	return l.calendar
}

// AuthorityFor returns the authority people in region complain to.
func (l *Law) AuthorityFor(region string) Authority {
	if a, ok := byRegion(l.Authorities, region); ok {
		return a
	}
	return l.Authority
}

// byRegion finds region in m, then its country (FR-75 → FR).
func byRegion[V any](m map[string]V, region string) (V, bool) {
	var zero V
	code, ok := NormalizeRegion(region)
	if !ok {
		return zero, false
	}
	if v, ok := m[code]; ok {
		return v, true
	}
	if i := strings.IndexByte(code, '-'); i > 0 {
		if v, ok := m[code[:i]]; ok {
			return v, true
		}
	}
	return zero, false
}

var regionRE = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

// NormalizeRegion upper-cases an ISO 3166 code ("ca-qc" → "CA-QC") and
// reports whether it is well formed.
func NormalizeRegion(code string) (string, bool) {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "_", "-"))
	return c, regionRE.MatchString(c)
}

// Set is the laws and calendars in force: the embedded files, with the
// operator's replacements.
type Set struct {
	laws      map[string]*Law
	calendars map[string]*Calendar
	regions   map[string]*Law
}

// Law returns the law with this id.
func (s *Set) Law(id string) (*Law, bool) {
	l, ok := s.laws[strings.ToLower(strings.TrimSpace(id))]
	return l, ok
}

// Lookup is Law with a localized error for an unknown id.
func (s *Set) Lookup(id string) (*Law, error) {
	if l, ok := s.Law(id); ok {
		return l, nil
	}
	return nil, i18n.NewError(ErrUnknownLaw, map[string]any{"Law": id})
}

// ForRegion returns the law protecting people who live in region, an ISO
// 3166-1 country (FR) or 3166-2 subdivision (CA-QC). A subdivision without a
// law of its own falls back to its country's (CA-ON → PIPEDA).
func (s *Set) ForRegion(code string) (*Law, bool) {
	return byRegion(s.regions, code)
}

// LookupRegion is ForRegion with a localized error.
func (s *Set) LookupRegion(code string) (*Law, error) {
	if _, ok := NormalizeRegion(code); !ok {
		return nil, i18n.NewError(ErrInvalidRegion, map[string]any{"Region": code})
	}
	if l, ok := s.ForRegion(code); ok {
		return l, nil
	}
	return nil, i18n.NewError(ErrNoLawForRegion, map[string]any{"Region": code})
}

// Laws lists the laws by id.
func (s *Set) Laws() []*Law {
	out := make([]*Law, 0, len(s.laws))
	for _, l := range s.laws {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Calendar returns the calendar with this id.
func (s *Set) Calendar(id string) (*Calendar, bool) {
	c, ok := s.calendars[id]
	return c, ok
}

// Calendars lists the calendars by id.
func (s *Set) Calendars() []*Calendar {
	out := make([]*Calendar, 0, len(s.calendars))
	for _, c := range s.calendars {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
