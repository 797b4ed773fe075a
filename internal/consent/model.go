// Package consent keeps the consent ledger (every choice a person or a
// device made about each purpose, append-only, as proof), the current state
// derived from it on read, the banner sites' configuration, the banner script
// itself, Global Privacy Control and the "do not sell or share" opt-outs.
package consent

import "time"

// Purpose names a reason for processing a person is asked about
// ("analytics"). Purposes are configured per site; DefaultPurposes apply
// when none are.
type Purpose string

// The default purposes. Necessary is always granted and never asked.
const (
	Necessary   Purpose = "necessary"
	Preferences Purpose = "preferences"
	Analytics   Purpose = "analytics"
	Marketing   Purpose = "marketing"
	SaleSharing Purpose = "sale_sharing"
	// Sensitive is the "limit the use of my sensitive personal information"
	// choice; only its refusal is ever recorded.
	Sensitive Purpose = "sensitive"
)

// DefaultPurposes are the purposes known to the ledger when no site says
// otherwise.
var DefaultPurposes = []Purpose{Necessary, Preferences, Analytics, Marketing, SaleSharing}

// OptOutPurposes are refused by a Global Privacy Control signal and by the
// "do not sell or share" page.
var OptOutPurposes = []Purpose{SaleSharing, Marketing}

// Method is how a choice was given (PIPEDA's three forms of consent).
type Method string

const (
	Express Method = "express"
	Implied Method = "implied"
	OptOut  Method = "opt_out"
)

// Methods lists the valid methods.
var Methods = []Method{Express, Implied, OptOut}

// Source is where a choice came from.
type Source string

const (
	SourceBanner   Source = "banner"
	SourceForm     Source = "form"
	SourceCheckout Source = "checkout"
	SourceImport   Source = "import"
	SourceAPI      Source = "api"
	SourceGPC      Source = "gpc"
)

// Sources lists the valid sources.
var Sources = []Source{SourceBanner, SourceForm, SourceCheckout, SourceImport, SourceAPI, SourceGPC}

// Kind tells a choice from a withdrawal.
type Kind string

const (
	KindChoice     Kind = "choice"
	KindWithdrawal Kind = "withdrawal"
)

// Decision is the current answer for one purpose.
type Decision string

const (
	Granted Decision = "granted"
	Refused Decision = "refused"
	// None: the ledger holds no choice for that purpose.
	None Decision = "none"
)

// Event is one entry of the ledger.
type Event struct {
	ID            string
	SiteID        string
	SubjectID     string // the business's identifier of the person, or an email
	DeviceID      string // a pseudonymous identifier kept in the banner's cookie
	Kind          Kind
	Granted       []Purpose
	Refused       []Purpose
	Method        Method
	Source        Source
	NoticeVersion string
	Language      string
	GPC           bool
	Actor         string // who recorded it: token:<id>, public, operator:<id>
	GivenAt       time.Time
	RecordedAt    time.Time
}

// State is the current decision of one holder for one purpose.
type State struct {
	Purpose       Purpose
	Decision      Decision
	EventID       string
	NoticeVersion string
	DecidedAt     time.Time
	// Restricted: a data subject request stops the purpose (see
	// Restrictions); the ledger's answer does not count.
	Restricted bool
}

// Site is the configuration of one site showing the banner.
type Site struct {
	ID            string
	Name          string
	Origins       []string // scheme://host[:port] allowed to post choices
	Purposes      []Purpose
	NoticeVersion string
	ReaskMonths   int
	PolicyURL     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// DefaultReaskMonths is how long a choice holds before the banner asks
// again (the CNIL's recommended six months).
const DefaultReaskMonths = 6

// Holder names whose state is asked for: a subject or a device.
type Holder struct {
	SubjectID string
	DeviceID  string
}
