// Package inventory keeps what a business knows about its personal data:
// the organisation and its person in charge of privacy, the systems that
// hold data, and the processing activities (purpose, legal basis, data
// categories and subjects from the fideslang taxonomy, collection points,
// sources, recipients, transfers, retention). It is edited as one YAML
// document and stored as numbered revisions, so that a published document
// can name the exact inventory it was written from.
package inventory

// Inventory is the whole document.
type Inventory struct {
	Organisation Organisation `yaml:"organisation" json:"organisation"`
	Security     Security     `yaml:"security,omitempty" json:"security"`
	Cookies      []Cookie     `yaml:"cookies,omitempty" json:"cookies,omitempty"`
	Systems      []System     `yaml:"systems,omitempty" json:"systems,omitempty"`
	Activities   []Activity   `yaml:"activities,omitempty" json:"activities,omitempty"`
}

// Organisation is the business that answers for the data.
type Organisation struct {
	LegalName string `yaml:"legal_name" json:"legal_name"`
	TradeName string `yaml:"trade_name,omitempty" json:"trade_name,omitempty"`
	Address   string `yaml:"address,omitempty" json:"address,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code; Region a subdivision ("QC").
	Country string `yaml:"country,omitempty" json:"country,omitempty"`
	Region  string `yaml:"region,omitempty" json:"region,omitempty"`
	Website string `yaml:"website,omitempty" json:"website,omitempty"`
	Email   string `yaml:"email,omitempty" json:"email,omitempty"`
	Phone   string `yaml:"phone,omitempty" json:"phone,omitempty"`
	// QuebecEnterpriseNumber is the NEQ (10 digits) of the Quebec
	// enterprise register.
	QuebecEnterpriseNumber string `yaml:"quebec_enterprise_number,omitempty" json:"quebec_enterprise_number,omitempty"`
	// PrivacyOfficer is the person in charge of the protection of personal
	// information (Quebec), the accountable person (PIPEDA) or the DPO.
	PrivacyOfficer Contact `yaml:"privacy_officer" json:"privacy_officer"`
	// EURepresentative is required by GDPR Art. 27 for a business outside
	// the EU that offers goods to people in the EU.
	EURepresentative *Contact `yaml:"eu_representative,omitempty" json:"eu_representative,omitempty"`
	// Jurisdictions are the laws the documents must satisfy: quebec,
	// pipeda, gdpr, ccpa.
	Jurisdictions []string `yaml:"jurisdictions,omitempty" json:"jurisdictions,omitempty"`
	// PrivacyCentreURL is the public address of Garde's privacy centre, where
	// people exercise their rights.
	PrivacyCentreURL string `yaml:"privacy_centre_url,omitempty" json:"privacy_centre_url,omitempty"`
	// SellsOrSharesData says whether personal information is sold or shared
	// in the CCPA's sense; DoNotSellURL is the opt-out link then.
	SellsOrSharesData bool   `yaml:"sells_or_shares_data,omitempty" json:"sells_or_shares_data,omitempty"`
	DoNotSellURL      string `yaml:"do_not_sell_url,omitempty" json:"do_not_sell_url,omitempty"`
	// EffectiveDate is the date (YYYY-MM-DD) the policy takes effect.
	EffectiveDate string `yaml:"effective_date,omitempty" json:"effective_date,omitempty"`
}

// Contact is a person or office people can write to.
type Contact struct {
	Name    string `yaml:"name,omitempty" json:"name,omitempty"`
	Title   Text   `yaml:"title,omitempty" json:"title,omitempty"`
	Email   string `yaml:"email,omitempty" json:"email,omitempty"`
	Phone   string `yaml:"phone,omitempty" json:"phone,omitempty"`
	Address string `yaml:"address,omitempty" json:"address,omitempty"`
}

// Security is the security plan: who sees the data and how it is kept.
type Security struct {
	// NeedToKnow says employees see customer data only when their work
	// needs it.
	NeedToKnow bool `yaml:"need_to_know,omitempty" json:"need_to_know,omitempty"`
	// Training and ConfidentialityAgreements of employees.
	Training                  bool `yaml:"training,omitempty" json:"training,omitempty"`
	ConfidentialityAgreements bool `yaml:"confidentiality_agreements,omitempty" json:"confidentiality_agreements,omitempty"`
	// Paper and Electronic list the measures taken (see PaperMeasures and
	// ElectronicMeasures); an empty Paper list with PaperFiles false means
	// no paper files are kept.
	PaperFiles bool     `yaml:"paper_files,omitempty" json:"paper_files,omitempty"`
	Paper      []string `yaml:"paper,omitempty" json:"paper,omitempty"`
	Electronic []string `yaml:"electronic,omitempty" json:"electronic,omitempty"`
	// Disposal says how data no longer needed is destroyed.
	Disposal Text `yaml:"disposal,omitempty" json:"disposal,omitempty"`
}

// PaperMeasures are the protections of paper files.
var PaperMeasures = []string{"locked_cabinet", "restricted_area", "alarm", "clean_desk", "shredding"}

// ElectronicMeasures are the protections of electronic files.
var ElectronicMeasures = []string{"passwords", "two_factor", "firewall", "encryption_at_rest", "encryption_in_transit", "audit_trail", "backups", "locked_backups", "device_encryption"}

// Cookie is one cookie or tracker set on the business's website.
type Cookie struct {
	Name     string `yaml:"name" json:"name"`
	Provider string `yaml:"provider,omitempty" json:"provider,omitempty"`
	// Purpose is one of CookiePurposes.
	Purpose string `yaml:"purpose" json:"purpose"`
	// DurationDays is how long the cookie lives.
	DurationDays int `yaml:"duration_days,omitempty" json:"duration_days,omitempty"`
}

// CookiePurposes: strictly necessary cookies need no consent, the others do.
var CookiePurposes = []string{"necessary", "preferences", "analytics", "marketing"}

// System is an application, service or file where personal data is kept.
type System struct {
	Key  string `yaml:"key" json:"key"`
	Name Text   `yaml:"name" json:"name"`
	// Kind is internal or third_party.
	Kind     string `yaml:"kind" json:"kind"`
	Provider string `yaml:"provider,omitempty" json:"provider,omitempty"`
	// Country is where the data is stored (ISO 3166-1 alpha-2).
	Country string `yaml:"country,omitempty" json:"country,omitempty"`
	// Role is controller or processor (the provider's role for us).
	Role string `yaml:"role,omitempty" json:"role,omitempty"`
	// Storage is electronic or paper.
	Storage  string    `yaml:"storage,omitempty" json:"storage,omitempty"`
	Contract *Contract `yaml:"contract,omitempty" json:"contract,omitempty"`
	// Security lists measures from ElectronicMeasures or PaperMeasures.
	Security []string `yaml:"security,omitempty" json:"security,omitempty"`
	// Contact is where to reach the provider about a person's data.
	Contact string `yaml:"contact,omitempty" json:"contact,omitempty"`
}

// Contract is the agreement with a third party.
type Contract struct {
	Signed bool `yaml:"signed" json:"signed"`
	// Date of signature (YYYY-MM-DD).
	Date string `yaml:"date,omitempty" json:"date,omitempty"`
	// Clauses lists ContractClauses present in the contract.
	Clauses []string `yaml:"clauses,omitempty" json:"clauses,omitempty"`
}

// ContractClauses are the clauses a contract with a third party should hold.
var ContractClauses = []string{"protect", "purpose_only", "audit", "forward_requests", "breach_notice", "return_or_destroy", "subcontracting", "confidentiality"}

// Activity is one processing activity.
type Activity struct {
	Key  string `yaml:"key" json:"key"`
	Name Text   `yaml:"name" json:"name"`
	// Purposes are fideslang data uses; PurposeDetail says it in words.
	Purposes      []string `yaml:"purposes" json:"purposes"`
	PurposeDetail Text     `yaml:"purpose_detail,omitempty" json:"purpose_detail,omitempty"`
	// LegalBasis is one of LegalBases (GDPR Art. 6).
	LegalBasis         string `yaml:"legal_basis,omitempty" json:"legal_basis,omitempty"`
	LegitimateInterest Text   `yaml:"legitimate_interest,omitempty" json:"legitimate_interest,omitempty"`
	// Consent is the form of consent: express, implied or opt_out.
	Consent        string          `yaml:"consent,omitempty" json:"consent,omitempty"`
	DataSubjects   []string        `yaml:"data_subjects" json:"data_subjects"`
	DataCategories []CategoryEntry `yaml:"data_categories" json:"data_categories"`
	// CollectionPoints are CollectionPoints values.
	CollectionPoints []string `yaml:"collection_points,omitempty" json:"collection_points,omitempty"`
	// Sources are DataSources values.
	Sources []string `yaml:"sources,omitempty" json:"sources,omitempty"`
	// CollectedBy and UsedBy name who inside collects and uses the data.
	CollectedBy Text `yaml:"collected_by,omitempty" json:"collected_by,omitempty"`
	UsedBy      Text `yaml:"used_by,omitempty" json:"used_by,omitempty"`
	// Systems are keys of systems that store the data.
	Systems []string `yaml:"systems,omitempty" json:"systems,omitempty"`
	// Recipients are keys of third-party systems the data is shared with.
	Recipients []string   `yaml:"recipients,omitempty" json:"recipients,omitempty"`
	Transfers  []Transfer `yaml:"transfers,omitempty" json:"transfers,omitempty"`
	Retention  Retention  `yaml:"retention" json:"retention"`
	// AutomatedDecisions says whether decisions with legal or similar
	// effects are made by automated means only.
	AutomatedDecisions bool `yaml:"automated_decisions,omitempty" json:"automated_decisions,omitempty"`
}

// CategoryEntry is one data category collected by an activity.
type CategoryEntry struct {
	Category string `yaml:"category" json:"category"`
	// Needed says whether the purpose needs it; the questionnaire flags
	// data collected but not needed.
	Needed bool `yaml:"needed" json:"needed"`
}

// Transfer is a communication of data outside the jurisdiction.
type Transfer struct {
	Country   string `yaml:"country" json:"country"`
	Recipient string `yaml:"recipient,omitempty" json:"recipient,omitempty"`
	// Safeguard is one of Safeguards.
	Safeguard string `yaml:"safeguard,omitempty" json:"safeguard,omitempty"`
	// Disclosed says whether people are told about it.
	Disclosed bool `yaml:"disclosed" json:"disclosed"`
}

// Retention is how long data is kept.
type Retention struct {
	Months int  `yaml:"months,omitempty" json:"months,omitempty"`
	Note   Text `yaml:"note,omitempty" json:"note,omitempty"`
}

// Enumerations accepted in a file.
var (
	Jurisdictions    = []string{"quebec", "pipeda", "gdpr", "ccpa"}
	SystemKinds      = []string{"internal", "third_party"}
	SystemRoles      = []string{"controller", "processor"}
	StorageKinds     = []string{"electronic", "paper"}
	LegalBases       = []string{"consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"}
	ConsentForms     = []string{"express", "implied", "opt_out"}
	CollectionPoints = []string{"contact_form", "account", "online_order", "phone_order", "email", "in_person", "phone", "social_media", "job_application", "written_correspondence", "cameras", "website_visit"}
	DataSources      = []string{"data_subject", "third_party", "public", "automatic"}
	Safeguards       = []string{"adequacy", "standard_clauses", "binding_rules", "consent", "contract_necessity", "none"}
)

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// System returns the system with that key.
func (inv *Inventory) System(key string) (System, bool) {
	for _, s := range inv.Systems {
		if s.Key == key {
			return s, true
		}
	}
	return System{}, false
}

// HasJurisdiction reports whether the business chose the law.
func (inv *Inventory) HasJurisdiction(j string) bool {
	return contains(inv.Organisation.Jurisdictions, j)
}
