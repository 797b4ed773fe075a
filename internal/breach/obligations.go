package breach

import (
	"slices"
	"sort"
	"time"

	"github.com/garde-privacy/garde/internal/rules"
)

// Status says whether a notification is owed.
type Status string

const (
	// StatusAwaitingAssessment: the law applies, its assessment is not made;
	// the clock already runs.
	StatusAwaitingAssessment Status = "awaiting_assessment"
	StatusRequired           Status = "required"
	StatusNotRequired        Status = "not_required"
	// StatusBelowThreshold: fewer residents than the law's threshold.
	StatusBelowThreshold Status = "below_threshold"
	// StatusExempt: GDPR Art. 34(3)(a) or (b) frees the business from
	// telling the people.
	StatusExempt Status = "exempt"
	// StatusPublicCommunication: Art. 34(3)(c), a public communication
	// replaces individual notices.
	StatusPublicCommunication Status = "public_communication"
	StatusSent                Status = "sent"
)

// Owed reports whether a notice must (still or already) be sent.
func (s Status) Owed() bool {
	return s == StatusRequired || s == StatusPublicCommunication || s == StatusSent || s == StatusAwaitingAssessment
}

// Obligation is one notification the laws require for an incident.
type Obligation struct {
	// Key names it in drafts and notifications: law/audience, or
	// law/region/audience when each country has its own authority.
	Key    string
	Law    *Law
	Notice Notice
	// Region is the country of the authority, when per country.
	Region    string
	Authority Authority // for an authority notice
	Regions   []string  // the regions of the people concerned
	Residents int
	Status    Status
	Clock     Clock
	Sent      []Notification
}

// Obligations computes what the laws require of an incident at now: one
// entry per notice of every law protecting people it concerns, in law
// order. loc is the business's zone (days are counted there).
func Obligations(inc *Incident, laws *Laws, cals *rules.Set, sent []Notification, now time.Time, loc *time.Location) []Obligation {
	var out []Obligation
	for _, law := range laws.All() {
		byRegion := map[string]int{}
		total := 0
		for region, n := range inc.Facts.Residents {
			if n > 0 && law.Covers(region) {
				byRegion[region] += n
				total += n
			}
		}
		if total == 0 {
			continue
		}
		regions := sortedKeys(byRegion)
		a, assessed := inc.Assessments[law.ID]
		for _, n := range law.Notices {
			base := Obligation{Law: law, Notice: n, Regions: regions, Residents: total}
			var group []Obligation
			if n.Audience == ToAuthority && len(law.Authorities) > 0 {
				// One authority per country (see the law file).
				countries := map[string]int{}
				for _, r := range regions {
					c := country(r)
					countries[c] += byRegion[r]
				}
				for _, c := range sortedKeys(countries) {
					o := base
					o.Key, o.Region, o.Residents = law.ID+"/"+c+"/"+string(n.Audience), c, countries[c]
					o.Authority = law.AuthorityFor(c)
					group = append(group, o)
				}
			} else {
				o := base
				o.Key = law.ID + "/" + string(n.Audience)
				if n.Audience == ToAuthority {
					o.Authority = law.Authority
				}
				group = append(group, o)
			}
			for _, o := range group {
				o.Status = status(o, a, assessed)
				for _, s := range sent {
					if s.Obligation == o.Key {
						o.Sent = append(o.Sent, s)
					}
				}
				if len(o.Sent) > 0 {
					o.Status = StatusSent
				}
				if o.Status.Owed() {
					var cal *rules.Calendar
					if n.Deadline.Kind == BusinessDays {
						cal, _ = cals.Calendar(n.Deadline.Calendar)
					}
					o.Clock = clockOf(n.Deadline, startOf(n.Deadline, inc, law, sent), firstSent(o.Sent), now, loc, cal)
				}
				out = append(out, o)
			}
		}
	}
	return out
}

// Contents is the kind of notice to write: the law's, or the one of the
// authority's country.
func (o Obligation) Contents() string {
	if c, ok := o.Notice.ContentsByRegion[o.Region]; ok {
		return c
	}
	return o.Notice.Contents
}

func status(o Obligation, a Assessment, assessed bool) Status {
	if !assessed {
		return StatusAwaitingAssessment
	}
	if !slices.Contains(o.Notice.When, a.Level) {
		return StatusNotRequired
	}
	if o.Residents < o.Notice.MinResidents {
		return StatusBelowThreshold
	}
	if o.Notice.Audience == ToPersons {
		if slices.Contains(a.Exemptions, "unintelligible") || slices.Contains(a.Exemptions, "later_measures") {
			return StatusExempt
		}
		if slices.Contains(a.Exemptions, "disproportionate_effort") {
			return StatusPublicCommunication
		}
	}
	return StatusRequired
}

// startOf is when a notice's clock starts: at awareness, or when the people
// of the same law were first notified.
func startOf(d Deadline, inc *Incident, law *Law, sent []Notification) *time.Time {
	if d.From == FromAware {
		t := inc.Facts.AwareAt
		return &t
	}
	var first *time.Time
	key := law.ID + "/" + string(ToPersons)
	for _, s := range sent {
		if s.Obligation == key && (first == nil || s.SentAt.Before(*first)) {
			t := s.SentAt
			first = &t
		}
	}
	return first
}

func firstSent(ns []Notification) *time.Time {
	var first *time.Time
	for _, n := range ns {
		if first == nil || n.SentAt.Before(*first) {
			t := n.SentAt
			first = &t
		}
	}
	return first
}

// RetainUntil is how long the register entry must be kept: the longest
// retention among the laws protecting the people concerned, from the day
// the business became aware; nil when no law fixes one.
func RetainUntil(f *Facts, laws *Laws) *time.Time {
	months := 0
	for _, law := range laws.All() {
		for region, n := range f.Residents {
			if n > 0 && law.Covers(region) {
				months = max(months, law.Register.RetentionMonths)
			}
		}
	}
	if months == 0 || f.AwareAt.IsZero() {
		return nil
	}
	t := rules.DateOf(f.AwareAt.UTC()).AddMonths(months).Time()
	return &t
}

func country(region string) string {
	if i := len(region); i > 2 && region[2] == '-' {
		return region[:2]
	}
	return region
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
