// Package requests handles data subject requests: a person asks (public form
// or API), proves they hold the email address, and the business answers on
// time under the law of the person's region. Every change goes through an
// explicit state machine and lands, in the same transaction, on the request's
// timeline and in the audit log.
package requests

import (
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Type is what the person asks for.
type Type string

const (
	TypeAccess         Type = "access"
	TypeRectification  Type = "rectification"
	TypeErasure        Type = "erasure"
	TypeObjection      Type = "objection"
	TypeRestriction    Type = "restriction"
	TypePortability    Type = "portability"
	TypeOptOutSale     Type = "opt_out_sale"
	TypeLimitSensitive Type = "limit_sensitive"
	TypeDPA            Type = "dpa"
)

// Types lists every type in the order forms show them.
var Types = []Type{
	TypeAccess, TypeRectification, TypeErasure, TypeObjection, TypeRestriction,
	TypePortability, TypeOptOutSale, TypeLimitSensitive, TypeDPA,
}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, k := range Types {
		if k == t {
			return true
		}
	}
	return false
}

// LabelID is the catalog ID of the type's name.
func (t Type) LabelID() string { return "requests.type." + string(t) }

// Source says where a request came from.
type Source string

const (
	SourceForm Source = "form"
	SourceAPI  Source = "api"
)

// Outcome is how a finished request ended.
type Outcome string

// Outcomes of a completed request.
const (
	OutcomeFulfilled Outcome = "fulfilled"
	OutcomePartial   Outcome = "partially_fulfilled"
	OutcomeNoData    Outcome = "no_data"
)

// Outcomes of a request closed without being fulfilled.
const (
	OutcomeWithdrawn Outcome = "withdrawn"
	OutcomeDuplicate Outcome = "duplicate"
	OutcomeNoReply   Outcome = "no_reply"
	OutcomeOther     Outcome = "other"
)

// Outcomes set by the system or the state alone.
const (
	OutcomeRejected Outcome = "rejected"
	OutcomeExpired  Outcome = "expired"
)

// CompletedOutcomes and ClosedOutcomes list what an agent may choose when
// completing or closing a request.
var (
	CompletedOutcomes = []Outcome{OutcomeFulfilled, OutcomePartial, OutcomeNoData}
	ClosedOutcomes    = []Outcome{OutcomeWithdrawn, OutcomeDuplicate, OutcomeNoReply, OutcomeOther}
)

// LabelID is the catalog ID of the outcome's name.
func (o Outcome) LabelID() string { return "requests.outcome." + string(o) }

// IdentityMethod is how an agent confirmed who the person is.
type IdentityMethod string

const (
	IdentityAccountLogin IdentityMethod = "account_login"
	IdentityEmailMatch   IdentityMethod = "email_match"
	IdentityDocument     IdentityMethod = "document"
	IdentityCall         IdentityMethod = "call"
	IdentityKnowledge    IdentityMethod = "knowledge"
	IdentityOther        IdentityMethod = "other"
)

// IdentityMethods lists the methods in the order forms show them.
var IdentityMethods = []IdentityMethod{
	IdentityAccountLogin, IdentityEmailMatch, IdentityDocument, IdentityCall, IdentityKnowledge, IdentityOther,
}

// Valid reports whether m is a known method.
func (m IdentityMethod) Valid() bool {
	for _, k := range IdentityMethods {
		if k == m {
			return true
		}
	}
	return false
}

// LabelID is the catalog ID of the method's name.
func (m IdentityMethod) LabelID() string { return "requests.identity_method." + string(m) }

// Request is one data subject request.
type Request struct {
	ID string
	// Reference is the short code the person quotes, e.g. GR-7K3F-Q9.
	Reference string
	Type      Type
	State     State

	// Who asks, and what. Emptied by the retention purge.
	Email       string // normalised: trimmed, lower case
	Name        string
	Phone       string // E.164, or empty
	Subject     string
	Description string
	AccountID   string

	Region   string // region of residence: FR, CA-QC, US-CA…
	LawID    string // the law that applies there
	Language i18n.Lang
	Source   Source

	ReceivedAt time.Time
	VerifiedAt *time.Time

	// Dates are civil dates (midnight UTC); a deadline ends with its day.
	// DueDate is the date shown and worked to: the earlier of the legal due
	// date and the internal target, or the extended date once extended.
	DueDate           time.Time
	LegalDueDate      *time.Time // nil when the law sets no deadline for the type
	AcknowledgeBy     *time.Time // nil when the law asks for no acknowledgement
	InternalTarget    *time.Time // nil when the operator set no target
	ExtensionLimit    *time.Time // latest extended date; nil when the law allows none
	ExtensionNoticeBy *time.Time // the person must be told of an extension by then
	ExtendedAt        *time.Time
	ExtensionReason   string

	AssigneeID string // operator ID, or empty

	Identity IdentityCheck

	ClosedAt        *time.Time
	Outcome         Outcome
	CloseNote       string
	RejectionReason string

	PurgedAt  *time.Time
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time

	verify verification
}

// IdentityCheck records how an agent confirmed the person's identity.
type IdentityCheck struct {
	Method    IdentityMethod
	Note      string
	CheckedBy string // audit actor of the agent
	CheckedAt *time.Time
}

// verification is the state of the emailed link and code; only hashes are
// kept.
type verification struct {
	tokenHash string // empty once unusable
	codeHash  string
	expiresAt *time.Time
	attempts  int // wrong codes since the last email
	sends     int // verification emails sent, the first included
	sentAt    *time.Time
}

// Open reports whether the request still awaits an answer.
func (r *Request) Open() bool { return !r.State.Terminal() }

// Extended reports whether the deadline was extended.
func (r *Request) Extended() bool { return r.ExtendedAt != nil }

// Overdue reports whether an open request's due date is before today's date.
func (r *Request) Overdue(now time.Time) bool {
	return r.Open() && r.DueDate.Before(civil(now))
}

// Event is one entry of a request's timeline.
type Event struct {
	ID         string
	RequestID  string
	At         time.Time
	Kind       EventKind
	Actor      string // audit actor string
	Visibility Visibility
	Body       string
	Data       map[string]any
}

// EventKind names what happened.
type EventKind string

const (
	EventSubmitted          EventKind = "submitted"
	EventStateChanged       EventKind = "state_changed"
	EventEmailSent          EventKind = "email_sent"
	EventNote               EventKind = "note"
	EventReply              EventKind = "reply"
	EventSubjectMessage     EventKind = "subject_message"
	EventTaskCreated        EventKind = "task_created"
	EventTaskDone           EventKind = "task_done"
	EventAssigned           EventKind = "assigned"
	EventExtended           EventKind = "extended"
	EventIdentityChecked    EventKind = "identity_checked"
	EventVerificationResent EventKind = "verification_resent"
	EventPurged             EventKind = "purged"
	EventAttachmentAdded    EventKind = "attachment_added"
	EventAttachmentKept     EventKind = "attachment_kept"
	EventAttachmentDeleted  EventKind = "attachment_deleted"
	EventPaused             EventKind = "paused"
	EventResumed            EventKind = "resumed"
	EventDelivered          EventKind = "delivered"
	EventResultDownloaded   EventKind = "result_downloaded"
)

// LabelID is the catalog ID of the kind's name.
func (k EventKind) LabelID() string { return "requests.event." + string(k) }

// Visibility says who sees an event.
type Visibility string

const (
	Internal       Visibility = "internal"
	VisibleSubject Visibility = "subject"
)

// SystemKind says whether Garde acts on a system itself or asks its owner.
type SystemKind string

const (
	SystemAutomatic SystemKind = "automatic"
	SystemManual    SystemKind = "manual"
)

// SystemKinds lists the kinds.
var SystemKinds = []SystemKind{SystemManual, SystemAutomatic}

// Valid reports whether k is a known kind.
func (k SystemKind) Valid() bool { return k == SystemAutomatic || k == SystemManual }

// System is a place holding personal data that every request must reach:
// a linked shop, a partner integration, a database.
type System struct {
	ID          string
	Name        string
	OwnerEmail  string
	Kind        SystemKind
	Description string
	Active      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// SystemInput is what creating or changing a system takes.
type SystemInput struct {
	Name        string
	OwnerEmail  string
	Kind        SystemKind
	Description string
	Active      bool
}

// TaskState is where a task stands.
type TaskState string

const (
	TaskOpen             TaskState = "open"
	TaskDone             TaskState = "done"
	TaskWaitingConnector TaskState = "waiting_connector"
)

// LabelID is the catalog ID of the state's name.
func (s TaskState) LabelID() string { return "requests.task_state." + string(s) }

// Task is the work one system must do for one request.
type Task struct {
	ID            string
	RequestID     string
	SystemID      string // empty once the system is deleted
	SystemName    string // as it was when the task was created
	Kind          SystemKind
	State         TaskState
	AssigneeEmail string
	Note          string
	DoneAt        *time.Time
	DoneBy        string // audit actor, or "owner:<email-hash>" for a link
	CreatedAt     time.Time
	UpdatedAt     time.Time

	tokenHash      string
	tokenExpiresAt *time.Time
}

// civil returns the date of t (in UTC) at midnight UTC.
func civil(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
