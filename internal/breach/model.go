// Package breach keeps the register of personal data breaches: the facts of
// each incident, the risk assessment under every law that protects the
// people concerned, the notifications those laws require with their clocks,
// the drafts of those notifications in English, French and Dutch, and the
// record of what was sent. Every change lands, in the same transaction, on
// the incident's timeline and in the audit log.
package breach

import (
	"slices"
	"time"
)

// State is where an incident stands.
type State string

const (
	StateOpen   State = "open"
	StateClosed State = "closed"
)

// Kind is what the breach did to the data.
type Kind string

const (
	Confidentiality Kind = "confidentiality"
	Integrity       Kind = "integrity"
	Availability    Kind = "availability"
	// UnauthorisedUse counts as an incident in Quebec only (P-39.1 s. 3.6).
	UnauthorisedUse Kind = "unauthorised_use"
)

// Kinds lists the kinds in form order.
var Kinds = []Kind{Confidentiality, Integrity, Availability, UnauthorisedUse}

// Categories are the fideslang data categories a form offers; sensitive
// ones weigh in the assessment.
var Categories = []string{
	"user.name", "user.contact.email", "user.contact.phone_number", "user.contact.address",
	"user.demographic.date_of_birth", "user.account", "user.authorization.credentials",
	"user.financial", "user.financial.bank_account", "user.government_id",
	"user.health_and_medical", "user.biometric", "user.behavior.purchase_history", "user.device.ip_address",
}

// SensitiveCategories are the categories most laws treat as sensitive.
var SensitiveCategories = []string{
	"user.authorization.credentials", "user.financial", "user.financial.bank_account",
	"user.government_id", "user.health_and_medical", "user.biometric",
}

// Exemptions are the GDPR Art. 34(3) cases.
var Exemptions = []string{"unintelligible", "later_measures", "disproportionate_effort"}

// Factors are the elements a risk assessment rates.
var Factors = []string{"sensitivity", "consequences", "probability"}

// Ratings of a factor.
var Ratings = []string{"low", "medium", "high"}

// Facts are what is known of an incident, editable while it is open.
type Facts struct {
	Title       string    `json:"title"`
	Description string    `json:"description"` // what happened
	Cause       string    `json:"cause"`
	OccurredAt  time.Time `json:"occurred_at"`
	// OccurredUntil ends the period when the breach lasted; nil for a moment.
	OccurredUntil  *time.Time `json:"occurred_until,omitempty"`
	OccurredApprox bool       `json:"occurred_approx"`
	AwareAt        time.Time  `json:"aware_at"`
	AwareHow       string     `json:"aware_how"`
	Kinds          []Kind     `json:"kinds"`
	Categories     []string   `json:"categories"`
	Persons        int        `json:"persons"`
	PersonsApprox  bool       `json:"persons_approx"`
	Records        int        `json:"records"`
	RecordsApprox  bool       `json:"records_approx"`
	// Residents counts the people concerned by region of residence (ISO
	// 3166: FR, CA-QC, US-CA); it picks the laws.
	Residents     map[string]int `json:"residents"`
	Systems       string         `json:"systems"`
	Processors    string         `json:"processors"`
	PriorMeasures string         `json:"prior_measures"` // e.g. encryption in place before
	Consequences  string         `json:"consequences"`
	Measures      string         `json:"measures"` // taken or planned
	Advice        string         `json:"advice"`   // what people can do
	ContactName   string         `json:"contact_name"`
	ContactEmail  string         `json:"contact_email"`
	ContactPhone  string         `json:"contact_phone"`
	// EnterpriseNumber is the Quebec enterprise number (NEQ), if any.
	EnterpriseNumber string `json:"enterprise_number"`
	// DelayReason explains a late notification (GDPR Art. 33(1)).
	DelayReason string `json:"delay_reason"`
	// LawEnforcementDelay: the police asked to delay the notices (California
	// notices must say whether they were delayed so).
	LawEnforcementDelay bool `json:"law_enforcement_delay"`
}

// Sensitive reports whether the facts name a sensitive category.
func (f *Facts) Sensitive() bool {
	for _, c := range f.Categories {
		if slices.Contains(SensitiveCategories, c) {
			return true
		}
	}
	return false
}

// Assessment is the risk assessment under one law, with its reasoning.
type Assessment struct {
	LawID string `json:"law_id"`
	Level string `json:"level"`
	// Factors rate the elements the law weighs: low, medium or high.
	Factors    map[string]string `json:"factors,omitempty"`
	Exemptions []string          `json:"exemptions,omitempty"`
	// Consulted is set when the person in charge of privacy was consulted.
	Consulted  bool      `json:"consulted"`
	Reasoning  string    `json:"reasoning"`
	AssessedAt time.Time `json:"assessed_at"`
	AssessedBy string    `json:"assessed_by"`
}

// Incident is one entry of the breach register.
type Incident struct {
	ID          string
	Reference   string // BR-7K3F-Q9
	State       State
	Facts       Facts
	Assessments map[string]Assessment // by law id
	ClosedAt    *time.Time
	CloseNote   string
	// RetainUntil is when the register entry may be purged: the longest
	// retention of the laws that apply, from awareness.
	RetainUntil *time.Time
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Open reports whether the incident is still being handled.
func (i *Incident) Open() bool { return i.State == StateOpen }

// EventKind names what happened to an incident.
type EventKind string

const (
	EventOpened      EventKind = "opened"
	EventFactsEdited EventKind = "facts_edited"
	EventAssessed    EventKind = "assessed"
	EventDraftSaved  EventKind = "draft_saved"
	EventNotified    EventKind = "notified"
	EventClosed      EventKind = "closed"
	// EventReminded: the contact person was reminded of a deadline.
	EventReminded EventKind = "reminded"
)

// Event is one entry of an incident's timeline.
type Event struct {
	ID         string
	IncidentID string
	At         time.Time
	Kind       EventKind
	Actor      string
	Body       string
	Data       map[string]any
}

// Draft is one version of a notification's text.
type Draft struct {
	ID         string
	IncidentID string
	// Obligation is the key of the obligation it is for (gdpr/FR/authority).
	Obligation string
	Language   string
	Version    int
	Title      string
	Body       string
	CreatedBy  string
	CreatedAt  time.Time
}

// Notification records a notice that was sent: to an authority (with its
// reference number) or to the people.
type Notification struct {
	ID         string
	IncidentID string
	Obligation string
	SentAt     time.Time
	Reference  string
	Note       string
	// Phase counts the submissions of one obligation: 1 for the first,
	// more for follow-up information sent in phases.
	Phase      int
	RecordedBy string
	RecordedAt time.Time
}
