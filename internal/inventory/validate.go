package inventory

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/taxonomy"
)

// Problem is one invalid value, by its path in the document. Reason is
// the English sentence (for the command line); ID and Data give it in the
// reader's language (see FileError.Localize).
type Problem struct {
	Path   string
	Reason string
	ID     string
	Data   map[string]any
}

// problemIDs gives each reason format its message ID; the first argument
// is the value ({{.Value}}), the second the accepted values ({{.Allowed}}).
var problemIDs = map[string]string{
	"%q is not one of %s":                                     "inventory.file.not_one_of",
	"unknown language %q (en, fr or nl)":                      "inventory.file.unknown_language",
	"the legal name is required":                              "inventory.file.legal_name_required",
	"%q is not a two-letter country code (CA, FR)":            "inventory.file.bad_country",
	"%q is not a two-letter country code":                     "inventory.file.bad_country",
	"a Quebec enterprise number has 10 digits":                "inventory.file.bad_neq",
	"%q is not an email address":                              "inventory.file.bad_email",
	"%q is not a web address (https://...)":                   "inventory.file.bad_url",
	"%q is not a date (YYYY-MM-DD)":                           "inventory.file.bad_date",
	"the cookie name is required":                             "inventory.file.cookie_name_required",
	"the purpose is required":                                 "inventory.file.cookie_purpose_required",
	"must not be negative":                                    "inventory.file.negative",
	"%q is not a key (lower-case letters, digits, _ and -)":   "inventory.file.bad_key",
	"the key %q is used twice":                                "inventory.file.key_twice",
	"the name is required":                                    "inventory.file.name_required",
	"the kind is required (internal or third_party)":          "inventory.file.kind_required",
	"%q is not a known security measure":                      "inventory.file.bad_measure",
	"at least one purpose (a fideslang data use) is required": "inventory.file.purposes_required",
	"%q is not a fideslang data use":                          "inventory.file.not_use",
	"at least one data subject is required":                   "inventory.file.subjects_required",
	"%q is not a fideslang data subject":                      "inventory.file.not_subject",
	"at least one data category is required":                  "inventory.file.categories_required",
	"%q is not a fideslang data category":                     "inventory.file.not_category",
	"%q is listed twice":                                      "inventory.file.listed_twice",
	"no system has the key %q":                                "inventory.file.no_system",
}

var (
	keyPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	neqPattern     = regexp.MustCompile(`^[0-9]{10}$`)
)

// Validate checks values a YAML decoder cannot: enumerations, taxonomy keys,
// references between systems and activities, formats. It says nothing about
// completeness: a document may still miss what a law requires (see docs).
func (inv *Inventory) Validate() []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		pr := Problem{Path: path, Reason: fmt.Sprintf(format, args...), ID: problemIDs[format], Data: map[string]any{}}
		if pr.ID == "" {
			pr.ID, pr.Data["Detail"] = "inventory.file.invalid", pr.Reason
		}
		if len(args) > 0 {
			pr.Data["Value"] = args[0]
		}
		if len(args) > 1 {
			pr.Data["Allowed"] = args[1]
		}
		ps = append(ps, pr)
	}
	oneOf := func(path, v string, list []string) {
		if v != "" && !contains(list, v) {
			add(path, "%q is not one of %s", v, strings.Join(list, ", "))
		}
	}
	text := func(path string, t Text) {
		if l := t.badLanguage(); l != "" {
			add(path, "unknown language %q (en, fr or nl)", l)
		}
	}
	o := inv.Organisation
	text("organisation.privacy_officer.title", o.PrivacyOfficer.Title)
	if o.EURepresentative != nil {
		text("organisation.eu_representative.title", o.EURepresentative.Title)
	}
	text("security.disposal", inv.Security.Disposal)
	if strings.TrimSpace(o.LegalName) == "" {
		add("organisation.legal_name", "the legal name is required")
	}
	if o.Country != "" && !countryPattern.MatchString(o.Country) {
		add("organisation.country", "%q is not a two-letter country code (CA, FR)", o.Country)
	}
	if o.QuebecEnterpriseNumber != "" && !neqPattern.MatchString(o.QuebecEnterpriseNumber) {
		add("organisation.quebec_enterprise_number", "a Quebec enterprise number has 10 digits")
	}
	checkEmail := func(path, v string) {
		if v != "" {
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				add(path, "%q is not an email address", v)
			}
		}
	}
	checkEmail("organisation.email", o.Email)
	checkEmail("organisation.privacy_officer.email", o.PrivacyOfficer.Email)
	if o.EURepresentative != nil {
		checkEmail("organisation.eu_representative.email", o.EURepresentative.Email)
	}
	for i, j := range o.Jurisdictions {
		oneOf(fmt.Sprintf("organisation.jurisdictions[%d]", i), j, Jurisdictions)
	}
	checkURL := func(path, v string) {
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			add(path, "%q is not a web address (https://...)", v)
		}
	}
	checkURL("organisation.website", o.Website)
	checkURL("organisation.privacy_centre_url", o.PrivacyCentreURL)
	checkURL("organisation.do_not_sell_url", o.DoNotSellURL)
	if o.EffectiveDate != "" {
		if _, err := time.Parse(time.DateOnly, o.EffectiveDate); err != nil {
			add("organisation.effective_date", "%q is not a date (YYYY-MM-DD)", o.EffectiveDate)
		}
	}
	for i, m := range inv.Security.Paper {
		oneOf(fmt.Sprintf("security.paper[%d]", i), m, PaperMeasures)
	}
	for i, m := range inv.Security.Electronic {
		oneOf(fmt.Sprintf("security.electronic[%d]", i), m, ElectronicMeasures)
	}
	for i, c := range inv.Cookies {
		p := fmt.Sprintf("cookies[%d]", i)
		if c.Name == "" {
			add(p+".name", "the cookie name is required")
		}
		if c.Purpose == "" {
			add(p+".purpose", "the purpose is required")
		}
		oneOf(p+".purpose", c.Purpose, CookiePurposes)
		if c.DurationDays < 0 {
			add(p+".duration_days", "must not be negative")
		}
	}
	systems := map[string]System{}
	for i, s := range inv.Systems {
		p := fmt.Sprintf("systems[%d]", i)
		if !keyPattern.MatchString(s.Key) {
			add(p+".key", "%q is not a key (lower-case letters, digits, _ and -)", s.Key)
		} else if _, dup := systems[s.Key]; dup {
			add(p+".key", "the key %q is used twice", s.Key)
		}
		systems[s.Key] = s
		text(p+".name", s.Name)
		if s.Name.Empty() {
			add(p+".name", "the name is required")
		}
		if s.Kind == "" {
			add(p+".kind", "the kind is required (internal or third_party)")
		}
		oneOf(p+".kind", s.Kind, SystemKinds)
		oneOf(p+".role", s.Role, SystemRoles)
		oneOf(p+".storage", s.Storage, StorageKinds)
		if s.Country != "" && !countryPattern.MatchString(s.Country) {
			add(p+".country", "%q is not a two-letter country code", s.Country)
		}
		for k, m := range s.Security {
			if !contains(ElectronicMeasures, m) && !contains(PaperMeasures, m) {
				add(fmt.Sprintf("%s.security[%d]", p, k), "%q is not a known security measure", m)
			}
		}
		if s.Contract != nil {
			for k, c := range s.Contract.Clauses {
				oneOf(fmt.Sprintf("%s.contract.clauses[%d]", p, k), c, ContractClauses)
			}
			if s.Contract.Date != "" {
				if _, err := time.Parse(time.DateOnly, s.Contract.Date); err != nil {
					add(p+".contract.date", "%q is not a date (YYYY-MM-DD)", s.Contract.Date)
				}
			}
		}
	}
	keys := map[string]bool{}
	for i, a := range inv.Activities {
		p := fmt.Sprintf("activities[%d]", i)
		if !keyPattern.MatchString(a.Key) {
			add(p+".key", "%q is not a key (lower-case letters, digits, _ and -)", a.Key)
		} else if keys[a.Key] {
			add(p+".key", "the key %q is used twice", a.Key)
		}
		keys[a.Key] = true
		text(p+".name", a.Name)
		text(p+".purpose_detail", a.PurposeDetail)
		text(p+".legitimate_interest", a.LegitimateInterest)
		text(p+".collected_by", a.CollectedBy)
		text(p+".used_by", a.UsedBy)
		text(p+".retention.note", a.Retention.Note)
		if a.Name.Empty() {
			add(p+".name", "the name is required")
		}
		if len(a.Purposes) == 0 {
			add(p+".purposes", "at least one purpose (a fideslang data use) is required")
		}
		for k, u := range a.Purposes {
			if !taxonomy.IsDataUse(u) {
				add(fmt.Sprintf("%s.purposes[%d]", p, k), "%q is not a fideslang data use", u)
			}
		}
		oneOf(p+".legal_basis", a.LegalBasis, LegalBases)
		oneOf(p+".consent", a.Consent, ConsentForms)
		if len(a.DataSubjects) == 0 {
			add(p+".data_subjects", "at least one data subject is required")
		}
		for k, s := range a.DataSubjects {
			if !taxonomy.IsDataSubject(s) {
				add(fmt.Sprintf("%s.data_subjects[%d]", p, k), "%q is not a fideslang data subject", s)
			}
		}
		if len(a.DataCategories) == 0 {
			add(p+".data_categories", "at least one data category is required")
		}
		seen := map[string]bool{}
		for k, c := range a.DataCategories {
			cp := fmt.Sprintf("%s.data_categories[%d].category", p, k)
			switch {
			case !taxonomy.IsDataCategory(c.Category):
				add(cp, "%q is not a fideslang data category", c.Category)
			case seen[c.Category]:
				add(cp, "%q is listed twice", c.Category)
			}
			seen[c.Category] = true
		}
		for k, c := range a.CollectionPoints {
			oneOf(fmt.Sprintf("%s.collection_points[%d]", p, k), c, CollectionPoints)
		}
		for k, s := range a.Sources {
			oneOf(fmt.Sprintf("%s.sources[%d]", p, k), s, DataSources)
		}
		for k, s := range a.Systems {
			if _, ok := systems[s]; !ok {
				add(fmt.Sprintf("%s.systems[%d]", p, k), "no system has the key %q", s)
			}
		}
		for k, s := range a.Recipients {
			if _, ok := systems[s]; !ok {
				add(fmt.Sprintf("%s.recipients[%d]", p, k), "no system has the key %q", s)
			}
		}
		for k, t := range a.Transfers {
			tp := fmt.Sprintf("%s.transfers[%d]", p, k)
			if !countryPattern.MatchString(t.Country) {
				add(tp+".country", "%q is not a two-letter country code", t.Country)
			}
			if _, ok := systems[t.Recipient]; t.Recipient != "" && !ok {
				add(tp+".recipient", "no system has the key %q", t.Recipient)
			}
			oneOf(tp+".safeguard", t.Safeguard, Safeguards)
		}
		if a.Retention.Months < 0 {
			add(p+".retention.months", "must not be negative")
		}
	}
	return ps
}
