package breach

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// contentSchemas list the sections of each kind of notice, in the order
// the law lists what it must contain (legal-rules table 2b). A section's
// heading is breach.section.<id>; its text comes from the facts.
var contentSchemas = map[string][]string{
	// GDPR Art. 33(3) (a) to (d), then the reasons for a late notice (33(1)).
	"gdpr_33": {"nature", "contact", "consequences", "measures", "delay"},
	// Art. 34(2): in clear and plain language, with advice (the AP asks for it).
	"gdpr_34": {"nature", "contact", "consequences", "measures", "advice"},
	// PIPEDA Regulations s. 2(1) (a) to (g).
	"pipeda_report": {"circumstances", "period", "information", "persons", "steps_reduce", "steps_notify", "contact"},
	// Regulations s. 3 (a) to (g).
	"pipeda_notice": {"circumstances", "period", "information", "steps_reduce", "steps_individual", "contact", "complaint"},
	// The Dutch AP's notification form, sections 0 to 9.
	"ap_meldformulier": {"report", "contact", "timeline", "details", "personal_data", "group", "prior_measures",
		"consequences", "follow_up", "other"},
	// Quebec Regulation s. 3, items 1 to 11.
	"quebec_cai": {"enterprise", "contact", "information", "circumstances", "period", "aware", "residents",
		"risk_elements", "steps_notify", "steps_reduce", "other_bodies"},
	// Quebec Regulation s. 5, items 1 to 6.
	"quebec_persons": {"information", "circumstances", "period", "steps_reduce", "advice", "contact"},
	// California 1798.82(d): title and headings fixed by the law.
	"california_notice": {"what_happened", "what_information", "what_we_are_doing", "what_you_can_do", "more_information"},
	"us_notice":         {"what_happened", "what_information", "what_we_are_doing", "what_you_can_do", "more_information"},
	"us_authority":      {"circumstances", "period", "residents", "information", "steps_notify", "contact"},
}

// Sections lists the section ids of a content schema.
func Sections(contents string) []string { return contentSchemas[contents] }

// drafter writes a notice from the facts in one language.
type drafter struct {
	lz  *i18n.Localizer
	inc *Incident
	ob  Obligation
	all []Obligation
	org string
	loc *time.Location
	now time.Time
}

func (d *drafter) t(id string, kv ...any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[kv[i].(string)] = kv[i+1]
	}
	return d.lz.T(id, data)
}

// Generate writes the first version of a notice: its title and its
// sections, numbered, in the legal order.
func Generate(lz *i18n.Localizer, inc *Incident, ob Obligation, all []Obligation, org string, loc *time.Location, now time.Time) (title, body string) {
	d := &drafter{lz: lz, inc: inc, ob: ob, all: all, org: org, loc: loc, now: now}
	recipient := ob.Authority.Name
	if ob.Notice.Audience == ToPersons {
		recipient = d.t("breach.draft.persons_of", "Law", ob.Law.Name(lz.Lang))
	}
	title = d.t("breach.draft.title."+ob.Contents(), "Recipient", recipient, "Reference", inc.Reference)
	var b strings.Builder
	b.WriteString(title + "\n")
	n := 0
	for _, sec := range contentSchemas[ob.Contents()] {
		text := d.section(sec)
		if text == "" {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n%d. %s\n%s\n", n, d.t("breach.section."+sec), text)
	}
	return title, b.String()
}

func (d *drafter) section(id string) string {
	f := &d.inc.Facts
	switch id {
	case "nature":
		return join(f.Description, d.kinds(), d.counts(), d.t("breach.draft.categories", "List", d.categories()))
	case "contact", "more_information":
		return d.contact()
	case "consequences":
		return f.Consequences
	case "measures", "steps_reduce", "what_we_are_doing":
		return f.Measures
	case "delay":
		if f.DelayReason == "" {
			return ""
		}
		return f.DelayReason
	case "advice", "steps_individual", "what_you_can_do":
		if f.Advice == "" {
			return d.t("breach.draft.no_advice")
		}
		return f.Advice
	case "circumstances":
		return join(f.Description, labelled(d.t("breach.draft.cause"), f.Cause))
	case "what_happened":
		delay := "breach.draft.not_delayed"
		if f.LawEnforcementDelay {
			delay = "breach.draft.delayed"
		}
		return join(f.Description, d.period(), d.t(delay))
	case "period":
		return d.period()
	case "report":
		if len(d.ob.Sent) == 0 {
			return d.t("breach.draft.report_new")
		}
		return d.t("breach.draft.report_follow_up", "Reference", d.ob.Sent[0].Reference, "When", d.when(d.ob.Sent[0].SentAt))
	case "timeline":
		return join(d.period(), d.t("breach.draft.aware", "When", d.when(f.AwareAt)))
	case "details":
		return join(f.Description, d.kinds(), labelled(d.t("breach.draft.cause"), f.Cause))
	case "personal_data":
		s := d.t("breach.draft.categories", "List", d.categories())
		if f.Records > 0 {
			s += " " + d.t("breach.draft.records", "N", d.number(f.Records, f.RecordsApprox))
		}
		return s
	case "group":
		return d.t("breach.draft.persons", "N", d.number(f.Persons, f.PersonsApprox))
	case "prior_measures":
		if f.PriorMeasures == "" {
			return d.t("breach.draft.none")
		}
		return f.PriorMeasures
	case "follow_up":
		return join(d.notifyPlan(), f.Measures, d.international())
	case "other":
		return join(labelled(d.t("breach.draft.systems"), f.Systems), labelled(d.t("breach.draft.processors"), f.Processors))
	case "information", "what_information":
		return d.t("breach.draft.categories", "List", d.categories())
	case "persons":
		return d.counts()
	case "steps_notify":
		return d.notifyPlan()
	case "complaint":
		return d.t("breach.draft.complaint_pipeda", "Organization", d.orgName())
	case "enterprise":
		if f.EnterpriseNumber == "" {
			return d.orgName()
		}
		return d.t("breach.draft.enterprise", "Organization", d.orgName(), "Number", f.EnterpriseNumber)
	case "aware":
		return join(d.t("breach.draft.aware", "When", d.when(f.AwareAt)), f.AwareHow)
	case "residents":
		return d.t("breach.draft.residents", "Persons", d.number(f.Persons, f.PersonsApprox),
			"Residents", d.ob.Residents, "Law", d.ob.Law.Name(d.lz.Lang))
	case "risk_elements":
		return d.riskElements()
	case "other_bodies":
		return d.otherBodies()
	}
	return ""
}

func (d *drafter) orgName() string {
	if d.org == "" {
		return d.t("breach.draft.our_organization")
	}
	return d.org
}

func (d *drafter) kinds() string {
	names := make([]string, len(d.inc.Facts.Kinds))
	for i, k := range d.inc.Facts.Kinds {
		names[i] = d.t("breach.kind." + string(k))
	}
	return d.t("breach.draft.kinds", "List", strings.Join(names, ", "))
}

func (d *drafter) categories() string {
	names := make([]string, len(d.inc.Facts.Categories))
	for i, c := range d.inc.Facts.Categories {
		names[i] = d.t("breach.category." + c)
	}
	return strings.Join(names, ", ")
}

func (d *drafter) number(n int, approx bool) string {
	s := FormatNumber(d.lz.Lang, n)
	if approx {
		return d.t("breach.draft.approx", "N", s)
	}
	return s
}

func (d *drafter) counts() string {
	f := &d.inc.Facts
	s := d.t("breach.draft.persons", "N", d.number(f.Persons, f.PersonsApprox))
	if f.Records > 0 {
		s += " " + d.t("breach.draft.records", "N", d.number(f.Records, f.RecordsApprox))
	}
	return s
}

// when writes an instant in the business's zone, with the zone named.
func (d *drafter) when(t time.Time) string {
	l := t.In(d.loc)
	return FormatDate(d.lz.Lang, l) + " " + l.Format("15:04") + " (" + d.loc.String() + ")"
}

func (d *drafter) period() string {
	f := &d.inc.Facts
	var s string
	if f.OccurredUntil != nil {
		s = d.t("breach.draft.period", "From", d.when(f.OccurredAt), "To", d.when(*f.OccurredUntil))
	} else {
		s = d.t("breach.draft.moment", "When", d.when(f.OccurredAt))
	}
	if f.OccurredApprox {
		s += " " + d.t("breach.draft.estimated")
	}
	return s
}

func (d *drafter) contact() string {
	f := &d.inc.Facts
	lines := []string{d.orgName(), f.ContactName, f.ContactEmail}
	if f.ContactPhone != "" {
		lines = append(lines, f.ContactPhone)
	}
	return strings.Join(lines, "\n")
}

// notifyPlan says how the people are (or will be) told under this law.
func (d *drafter) notifyPlan() string {
	for _, o := range d.all {
		if o.Law.ID != d.ob.Law.ID || o.Notice.Audience != ToPersons {
			continue
		}
		if len(o.Sent) > 0 {
			return d.t("breach.draft.persons_notified", "When", d.when(o.Sent[0].SentAt))
		}
		if o.Status == StatusPublicCommunication {
			return d.t("breach.draft.persons_public")
		}
		if o.Status.Owed() {
			return d.t("breach.draft.persons_planned")
		}
		return d.t("breach.draft.persons_not_required")
	}
	return d.t("breach.draft.persons_not_required")
}

func (d *drafter) riskElements() string {
	a, ok := d.inc.Assessments[d.ob.Law.ID]
	if !ok {
		return d.t("breach.draft.not_assessed")
	}
	var parts []string
	for _, f := range Factors {
		if r, ok := a.Factors[f]; ok {
			parts = append(parts, d.t("breach.draft.factor", "Factor", d.t("breach.factor."+f), "Rating", d.t("breach.rating."+r)))
		}
	}
	return join(strings.Join(parts, "\n"), a.Reasoning)
}

// otherBodies names the authorities of other laws already notified.
func (d *drafter) otherBodies() string {
	var names []string
	for _, o := range d.all {
		if o.Law.ID != d.ob.Law.ID && o.Notice.Audience == ToAuthority && len(o.Sent) > 0 && !slices.Contains(names, o.Authority.Name) {
			names = append(names, o.Authority.Name)
		}
	}
	if len(names) == 0 {
		return d.t("breach.draft.no_other_bodies")
	}
	return strings.Join(names, "\n")
}

// international names the countries outside the authority's where people
// concerned live (the AP form's "international aspects").
func (d *drafter) international() string {
	var others []string
	for _, r := range sortedKeys(d.inc.Facts.Residents) {
		if country(r) != d.ob.Region && !slices.Contains(others, r) {
			others = append(others, r)
		}
	}
	if len(others) == 0 {
		return d.t("breach.draft.no_international")
	}
	return d.t("breach.draft.international", "Regions", strings.Join(others, ", "))
}

func labelled(label, v string) string {
	if v == "" {
		return ""
	}
	return label + " " + v
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

var monthNames = map[i18n.Lang][12]string{
	i18n.EN: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	i18n.FR: {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	i18n.NL: {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// FormatDate writes the date of t as people of lang write it: 3 December
// 2026, 3 décembre 2026, 3 december 2026.
func FormatDate(lang i18n.Lang, t time.Time) string {
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames[i18n.EN]
	}
	day := fmt.Sprint(t.Day())
	if lang == i18n.FR && t.Day() == 1 {
		day = "1er"
	}
	return day + " " + names[t.Month()-1] + " " + fmt.Sprint(t.Year())
}

// FormatNumber groups thousands as lang does: 1,200 in English, 1 200 in
// French (narrow no-break space), 1.200 in Dutch.
func FormatNumber(lang i18n.Lang, n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + FormatNumber(lang, -n)
	}
	sep := ","
	switch lang {
	case i18n.FR:
		sep = "\u202f"
	case i18n.NL:
		sep = "."
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}
