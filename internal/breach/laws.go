package breach

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/rules"
)

//go:embed laws/*.yaml
var lawFiles embed.FS

// Audience is who a notice goes to.
type Audience string

const (
	ToAuthority Audience = "authority"
	ToPersons   Audience = "persons"
)

// DeadlineKind is how a law expresses the time allowed.
type DeadlineKind string

const (
	// Hours are clock hours from the start event, nights and weekends
	// included (Regulation 1182/71 moves only periods not expressed in hours).
	Hours DeadlineKind = "hours"
	// CalendarDays end at the end of the Nth day after the start day, in the
	// business's time zone.
	CalendarDays DeadlineKind = "calendar_days"
	// BusinessDays count the working days of a rules calendar.
	BusinessDays DeadlineKind = "business_days"
	// The open-ended deadlines: no date, the clock shows the time elapsed.
	WithoutUndueDelay DeadlineKind = "without_undue_delay"
	AsSoonAsFeasible  DeadlineKind = "as_soon_as_feasible"
	Promptly          DeadlineKind = "promptly"
)

// StartEvent is what starts a deadline.
type StartEvent string

const (
	FromAware           StartEvent = "aware"
	FromPersonsNotified StartEvent = "persons_notified"
)

// Deadline is the time a law allows for a notice.
type Deadline struct {
	Kind     DeadlineKind `yaml:"kind"`
	Amount   int          `yaml:"amount"`
	From     StartEvent   `yaml:"from"`
	Calendar string       `yaml:"calendar"`
}

// Fixed reports whether the deadline ends at a computable instant.
func (d Deadline) Fixed() bool {
	return d.Kind == Hours || d.Kind == CalendarDays || d.Kind == BusinessDays
}

// Authority is a supervisory authority or attorney general.
type Authority struct {
	Name  string `yaml:"name"`
	URL   string `yaml:"url"`
	Label string `yaml:"label"`
}

// Notice is one notification a law requires when the assessment says so.
type Notice struct {
	Audience Audience `yaml:"audience"`
	// When lists the assessment levels that require the notice.
	When []string `yaml:"when"`
	// MinResidents: the notice is due only from that many residents.
	MinResidents int      `yaml:"min_residents"`
	Deadline     Deadline `yaml:"deadline"`
	Contents     string   `yaml:"contents"`
	// ContentsByRegion replaces Contents for one country's authority (the
	// Dutch AP has its own form).
	ContentsByRegion map[string]string `yaml:"contents_by_region"`
	Basis            string            `yaml:"basis"`
	Label            string            `yaml:"label"`
	Cite             []string          `yaml:"cite"`
}

// AssessmentRule says how a law's risk assessment is made.
type AssessmentRule struct {
	// Question names the law's test (breach.question.<id>).
	Question string   `yaml:"question"`
	Levels   []string `yaml:"levels"`
	// Factors are rated low, medium or high (breach.factor.<id>).
	Factors []string `yaml:"factors"`
	// ConsultRequired: the person in charge of privacy must be consulted.
	ConsultRequired bool `yaml:"consult_required"`
	// Exemptions free the business from telling the people (GDPR 34(3)).
	Exemptions []string `yaml:"exemptions"`
}

// Register is what a law says about the internal breach register.
type Register struct {
	RetentionMonths int    `yaml:"retention_months"`
	Basis           string `yaml:"basis"`
	Label           string `yaml:"label"`
}

// Source is a document a law file relies on.
type Source struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
	Label string `yaml:"label"`
}

// Law is one breach notification regime.
type Law struct {
	ID          string               `yaml:"id"`
	AsOf        string               `yaml:"as_of"`
	Names       map[string]string    `yaml:"names"`
	Regions     []string             `yaml:"regions"`
	Authority   Authority            `yaml:"authority"`
	Authorities map[string]Authority `yaml:"authorities"`
	Assessment  AssessmentRule       `yaml:"assessment"`
	Notices     []Notice             `yaml:"notices"`
	Register    Register             `yaml:"register"`
	Sources     []Source             `yaml:"sources"`
}

// Name is the law's name in lang.
func (l *Law) Name(lang i18n.Lang) string {
	if n := l.Names[string(lang)]; n != "" {
		return n
	}
	return l.Names["en"]
}

// AuthorityFor is the authority for people living in region.
func (l *Law) AuthorityFor(region string) Authority {
	if a, ok := l.Authorities[region]; ok {
		return a
	}
	return l.Authority
}

// Covers reports whether the law protects people living in region (an ISO
// 3166 code): a country law covers its subdivisions (CA covers CA-ON).
func (l *Law) Covers(region string) bool {
	country, _, _ := strings.Cut(region, "-")
	for _, r := range l.Regions {
		if r == region || r == country {
			return true
		}
	}
	return false
}

// ValidLevel reports whether level is one of the law's assessment levels.
func (l *Law) ValidLevel(level string) bool { return slices.Contains(l.Assessment.Levels, level) }

// Laws is the set of breach laws Garde knows.
type Laws struct {
	byID map[string]*Law
	list []*Law
}

// Law returns the law with this id.
func (s *Laws) Law(id string) (*Law, bool) {
	l, ok := s.byID[id]
	return l, ok
}

// All lists the laws by id.
func (s *Laws) All() []*Law { return s.list }

// ForRegion lists the laws protecting people living in region, by id.
func (s *Laws) ForRegion(region string) []*Law {
	var out []*Law
	for _, l := range s.list {
		if l.Covers(region) {
			out = append(out, l)
		}
	}
	return out
}

var knownKinds = []DeadlineKind{Hours, CalendarDays, BusinessDays, WithoutUndueDelay, AsSoonAsFeasible, Promptly}

// LoadLaws reads the embedded law files and checks them against the rules
// calendars (business days name one).
func LoadLaws(cals *rules.Set) (*Laws, error) {
	names, err := fs.Glob(lawFiles, "laws/*.yaml")
	if err != nil {
		return nil, err
	}
	s := &Laws{byID: map[string]*Law{}}
	for _, n := range names {
		data, err := lawFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var l Law
		if err := yaml.UnmarshalWithOptions(data, &l, yaml.Strict()); err != nil {
			return nil, fmt.Errorf("breach: %s: %w", n, err)
		}
		if err := checkLaw(&l, cals); err != nil {
			return nil, fmt.Errorf("breach: %s: %w", n, err)
		}
		if want := strings.TrimSuffix(path.Base(n), ".yaml"); l.ID != want {
			return nil, fmt.Errorf("breach: %s: id %q must match the file name", n, l.ID)
		}
		s.byID[l.ID] = &l
		s.list = append(s.list, &l)
	}
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].ID < s.list[j].ID })
	return s, nil
}

func checkLaw(l *Law, cals *rules.Set) error {
	if _, err := time.Parse(time.DateOnly, l.AsOf); err != nil {
		return fmt.Errorf("as_of: %w", err)
	}
	for _, lang := range i18n.Langs {
		if l.Names[string(lang)] == "" {
			return fmt.Errorf("names: %s is missing", lang)
		}
	}
	if len(l.Regions) == 0 || l.Authority.Name == "" {
		return fmt.Errorf("regions and authority are required")
	}
	for _, r := range l.Regions {
		if c, ok := rules.NormalizeRegion(r); !ok || c != r {
			return fmt.Errorf("regions: %q is not an upper-case ISO 3166 code", r)
		}
	}
	if len(l.Assessment.Levels) < 2 || l.Assessment.Question == "" {
		return fmt.Errorf("assessment: a question and at least two levels are required")
	}
	if l.Register.RetentionMonths < 0 {
		return fmt.Errorf("register: retention_months cannot be negative")
	}
	for _, e := range l.Assessment.Exemptions {
		if !slices.Contains(Exemptions, e) {
			return fmt.Errorf("assessment: unknown exemption %q", e)
		}
	}
	for _, f := range l.Assessment.Factors {
		if !slices.Contains(Factors, f) {
			return fmt.Errorf("assessment: unknown factor %q", f)
		}
	}
	cited := map[string]bool{}
	for _, src := range l.Sources {
		cited[src.ID] = true
	}
	for i, n := range l.Notices {
		if n.Audience != ToAuthority && n.Audience != ToPersons {
			return fmt.Errorf("notices[%d]: audience must be authority or persons", i)
		}
		for _, w := range n.When {
			if !l.ValidLevel(w) {
				return fmt.Errorf("notices[%d]: when: %q is not a level", i, w)
			}
		}
		d := n.Deadline
		if !slices.Contains(knownKinds, d.Kind) {
			return fmt.Errorf("notices[%d]: deadline kind %q is unknown", i, d.Kind)
		}
		if d.Fixed() != (d.Amount > 0) {
			return fmt.Errorf("notices[%d]: an amount goes with hours, calendar_days and business_days only", i)
		}
		if d.From != FromAware && d.From != FromPersonsNotified {
			return fmt.Errorf("notices[%d]: deadline from must be aware or persons_notified", i)
		}
		if d.Kind == BusinessDays {
			if _, ok := cals.Calendar(d.Calendar); !ok {
				return fmt.Errorf("notices[%d]: unknown calendar %q", i, d.Calendar)
			}
		}
		if _, ok := contentSchemas[n.Contents]; !ok {
			return fmt.Errorf("notices[%d]: unknown contents %q", i, n.Contents)
		}
		for region, c := range n.ContentsByRegion {
			if _, ok := contentSchemas[c]; !ok || !slices.Contains(l.Regions, region) {
				return fmt.Errorf("notices[%d]: contents_by_region: %s: %q", i, region, c)
			}
		}
		for _, c := range n.Cite {
			if !cited[c] {
				return fmt.Errorf("notices[%d]: cite %q is not a source", i, c)
			}
		}
	}
	return nil
}
