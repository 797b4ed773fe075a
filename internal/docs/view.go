package docs

import (
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/taxonomy"
)

// view is what a template reads: every value from the inventory already
// put in the document's language and escaped for Markdown, so templates only
// arrange sentences.
type view struct {
	Lang          string
	Name          string
	LegalName     string
	Address       string
	Email         string
	Phone         string
	Website       string
	NEQ           string
	Officer       contactView
	EURep         *contactView
	Laws          map[string]bool
	LawNames      []string
	EffectiveDate string
	LastUpdated   string
	Version       int64
	CentreURL     string
	DoNotSellURL  string
	SellsOrShares bool

	Activities       []activityView
	CollectionPoints []string
	Categories       []string
	Sensitive        []string
	Systems          []systemView
	ThirdParties     []systemView
	Transfers        []transferView
	Cookies          []cookieView
	ConsentCookies   bool
	Security         securityView
	Express          []string
	Implied          []string
	OptOut           []string
	Unneeded         []string
	SourceLabels     []string
	Payment          []string
	Cameras          bool
	DeviceData       bool
	Automated        bool
	Employees        bool
	Applicants       bool
}

type contactView struct{ Name, Title, Email, Phone, Address string }

type activityView struct {
	Key, Name, PurposeDetail, Basis, LegitimateInterest, Consent string
	Purposes, Subjects, Categories, CollectionPoints, Sources    []string
	CollectedBy, UsedBy                                          string
	StoredBy, SharedWith                                         []string
	Transfers                                                    []transferView
	RetentionMonths                                              int
	RetentionNote                                                string
	Automated                                                    bool
}

type systemView struct {
	Name, Provider, Country, Role, Kind, Contact string
	ThirdParty, Contract                         bool
	Clauses, MissingClauses, Security            []string
}

type transferView struct{ Country, Recipient, Safeguard string }

type cookieView struct {
	Name, Provider, Purpose string
	Days                    int
}

type securityView struct {
	NeedToKnow, Training, Agreements, PaperFiles bool
	Paper, Electronic                            []string
	Disposal                                     string
}

// buildView reads inv in lang. lz gives the labels of Garde's enumerations,
// written natively in each language's catalog.
func buildView(inv *inventory.Inventory, lang string, lz *i18n.Localizer, opts Options) view {
	t := func(prefix, v string) string { return lz.T("inventory." + prefix + "." + v) }
	ts := func(prefix string, vs []string) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = t(prefix, v)
		}
		return out
	}
	o := inv.Organisation
	v := view{
		Lang: lang, LegalName: mdEscape(o.LegalName), Name: mdEscape(o.LegalName),
		Address: mdEscape(o.Address), Email: mdEscape(o.Email), Phone: mdEscape(o.Phone),
		Website: o.Website, NEQ: mdEscape(o.QuebecEnterpriseNumber),
		Officer: contact(o.PrivacyOfficer, lang), Laws: map[string]bool{},
		CentreURL: o.PrivacyCentreURL, DoNotSellURL: o.DoNotSellURL, SellsOrShares: o.SellsOrSharesData,
		Version: opts.Version,
	}
	if o.TradeName != "" {
		v.Name = mdEscape(o.TradeName)
	}
	if o.EURepresentative != nil {
		c := contact(*o.EURepresentative, lang)
		v.EURep = &c
	}
	for _, j := range o.Jurisdictions {
		v.Laws[j] = true
		v.LawNames = append(v.LawNames, t("law", j))
	}
	if !opts.EffectiveDate.IsZero() {
		v.EffectiveDate = formatDate(opts.EffectiveDate, lang)
	} else if d, err := time.Parse(time.DateOnly, o.EffectiveDate); err == nil {
		v.EffectiveDate = formatDate(d, lang)
	}
	if !opts.LastUpdated.IsZero() {
		v.LastUpdated = formatDate(opts.LastUpdated, lang)
	} else {
		v.LastUpdated = v.EffectiveDate
	}
	systemName := func(key string) string {
		if s, ok := inv.System(key); ok {
			// People know a third party by its company name.
			if s.Provider != "" && s.Kind == "third_party" {
				return mdEscape(s.Provider)
			}
			return mdEscape(s.Name.In(lang))
		}
		return mdEscape(key)
	}
	seenPoint, seenCat, seenSens := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range inv.Activities {
		av := activityView{
			Key: a.Key, Name: mdEscape(a.Name.In(lang)), PurposeDetail: mdEscape(a.PurposeDetail.In(lang)),
			LegitimateInterest: mdEscape(a.LegitimateInterest.In(lang)),
			CollectedBy:        mdEscape(a.CollectedBy.In(lang)), UsedBy: mdEscape(a.UsedBy.In(lang)),
			CollectionPoints: ts("collection", a.CollectionPoints), Sources: ts("source", a.Sources),
			RetentionMonths: a.Retention.Months, RetentionNote: mdEscape(a.Retention.Note.In(lang)),
			Automated: a.AutomatedDecisions,
		}
		if a.LegalBasis != "" {
			av.Basis = t("basis", a.LegalBasis)
		}
		if a.Consent != "" {
			av.Consent = t("consent", a.Consent)
		}
		for _, u := range a.Purposes {
			if it, ok := taxonomy.DataUse(u); ok {
				av.Purposes = append(av.Purposes, it.Label(lang))
			}
			if strings.HasPrefix(u, "essential.service.payment_processing") {
				for _, r := range a.Recipients {
					v.Payment = appendOnce(v.Payment, systemName(r))
				}
			}
		}
		for _, s := range a.DataSubjects {
			if it, ok := taxonomy.DataSubject(s); ok {
				av.Subjects = append(av.Subjects, it.Label(lang))
			}
			v.Employees = v.Employees || s == "employee"
			v.Applicants = v.Applicants || s == "job_applicant"
		}
		for _, c := range a.DataCategories {
			it, _ := taxonomy.DataCategory(c.Category)
			label := it.Label(lang)
			av.Categories = append(av.Categories, label)
			if !seenCat[label] {
				seenCat[label] = true
				v.Categories = append(v.Categories, label)
			}
			if taxonomy.IsSensitive(c.Category) {
				if !seenSens[label] {
					seenSens[label] = true
					v.Sensitive = append(v.Sensitive, label)
				}
			}
			if !c.Needed {
				v.Unneeded = append(v.Unneeded, label+" ("+av.Name+")")
			}
			if strings.HasPrefix(c.Category, "user.device") {
				v.DeviceData = true
			}
		}
		for _, src := range av.Sources {
			v.SourceLabels = appendOnce(v.SourceLabels, src)
		}
		for _, p := range a.CollectionPoints {
			if !seenPoint[p] {
				seenPoint[p] = true
				v.CollectionPoints = append(v.CollectionPoints, t("collection", p))
			}
			v.Cameras = v.Cameras || p == "cameras"
			v.DeviceData = v.DeviceData || p == "website_visit"
		}
		for _, s := range a.Systems {
			av.StoredBy = append(av.StoredBy, systemName(s))
		}
		for _, s := range a.Recipients {
			av.SharedWith = append(av.SharedWith, systemName(s))
		}
		for _, tr := range a.Transfers {
			tv := transferView{Country: countryName(tr.Country, lang)}
			if tr.Recipient != "" {
				tv.Recipient = systemName(tr.Recipient)
			}
			if tr.Safeguard != "" {
				tv.Safeguard = t("safeguard", tr.Safeguard)
			}
			av.Transfers = append(av.Transfers, tv)
			v.Transfers = append(v.Transfers, tv)
		}
		switch a.Consent {
		case "express":
			v.Express = append(v.Express, av.Name)
		case "implied":
			v.Implied = append(v.Implied, av.Name)
		case "opt_out":
			v.OptOut = append(v.OptOut, av.Name)
		}
		v.Automated = v.Automated || a.AutomatedDecisions
		v.Activities = append(v.Activities, av)
	}
	for _, s := range inv.Systems {
		sv := systemView{
			Name: mdEscape(s.Name.In(lang)), Provider: mdEscape(s.Provider), Contact: mdEscape(s.Contact),
			ThirdParty: s.Kind == "third_party", Security: ts("measure", s.Security),
		}
		if s.Country != "" {
			sv.Country = countryName(s.Country, lang)
		}
		if s.Role != "" {
			sv.Role = t("role", s.Role)
		}
		sv.Kind = t("kind", s.Kind)
		if s.Contract != nil && s.Contract.Signed {
			sv.Contract = true
			sv.Clauses = ts("clause", s.Contract.Clauses)
		}
		for _, c := range inventory.ContractClauses {
			if s.Contract == nil || !s.Contract.Signed || !contains(s.Contract.Clauses, c) {
				sv.MissingClauses = append(sv.MissingClauses, t("clause", c))
			}
		}
		v.Systems = append(v.Systems, sv)
		if sv.ThirdParty {
			v.ThirdParties = append(v.ThirdParties, sv)
		}
	}
	for _, c := range inv.Cookies {
		v.Cookies = append(v.Cookies, cookieView{Name: mdEscape(c.Name), Provider: mdEscape(c.Provider), Purpose: t("cookie_purpose", c.Purpose), Days: c.DurationDays})
		v.ConsentCookies = v.ConsentCookies || c.Purpose != "necessary"
	}
	sec := inv.Security
	v.Security = securityView{
		NeedToKnow: sec.NeedToKnow, Training: sec.Training, Agreements: sec.ConfidentialityAgreements,
		PaperFiles: sec.PaperFiles, Paper: ts("measure", sec.Paper), Electronic: ts("measure", sec.Electronic),
		Disposal: mdEscape(sec.Disposal.In(lang)),
	}
	return v
}

func contact(c inventory.Contact, lang string) contactView {
	return contactView{Name: mdEscape(c.Name), Title: mdEscape(c.Title.In(lang)), Email: mdEscape(c.Email), Phone: mdEscape(c.Phone), Address: mdEscape(c.Address)}
}

func appendOnce(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// countryName is the country's name in lang, from the Unicode CLDR data.
func countryName(code, lang string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return mdEscape(code)
	}
	if n := display.Regions(language.Make(lang)).Name(r); n != "" {
		return n
	}
	return mdEscape(code)
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// formatDate writes a date as each language writes it in prose.
func formatDate(d time.Time, lang string) string {
	m := months[lang][d.Month()-1]
	switch lang {
	case "fr":
		day := strings.TrimSpace(d.Format("_2"))
		if d.Day() == 1 {
			day = "1er"
		}
		return day + " " + m + " " + d.Format("2006")
	case "nl":
		return d.Format("2") + " " + m + " " + d.Format("2006")
	}
	return m + " " + d.Format("2, 2006")
}
