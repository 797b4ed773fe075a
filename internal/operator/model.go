// Package operator owns the people who use Garde's back office (accounts,
// roles, passwords, sessions, the first-start setup link) and the API
// tokens of the business's engineers.
package operator

import "time"

// Role is an operator's permission level. Each role can do everything the
// roles below it can.
type Role string

const (
	Owner  Role = "owner"
	Admin  Role = "admin"
	Agent  Role = "agent"
	Viewer Role = "viewer"
)

// Roles lists the roles from the most to the least powerful.
var Roles = []Role{Owner, Admin, Agent, Viewer}

func (r Role) rank() int {
	switch r {
	case Owner:
		return 4
	case Admin:
		return 3
	case Agent:
		return 2
	case Viewer:
		return 1
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r grants what min grants.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// Operator is a back-office account.
type Operator struct {
	ID          string
	Email       string
	Name        string
	Role        Role
	Locale      string // "", "en", "fr" or "nl": the language chosen in the switch
	DisabledAt  *time.Time
	LastLoginAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Disabled reports whether the account may no longer sign in.
func (o *Operator) Disabled() bool { return o.DisabledAt != nil }

// Scopes an API token can carry. "admin" grants every scope.
const (
	ScopeAdmin          = "admin"
	ScopeAuditRead      = "audit:read"
	ScopeOperatorsRead  = "operators:read"
	ScopeMailRead       = "mail:read"
	ScopeRequestsRead   = "requests:read"
	ScopeRequestsWrite  = "requests:write"
	ScopeBreachRead     = "breaches:read"
	ScopeBreachWrite    = "breaches:write"
	ScopeConsentRead    = "consent:read"
	ScopeConsentWrite   = "consent:write"
	ScopeInventoryRead  = "inventory:read"
	ScopeInventoryWrite = "inventory:write"
)

// Scopes lists the known scopes with what they allow (English, for --help;
// pages translate them through i18n IDs "scope.<name>").
var Scopes = []struct{ Name, Help string }{
	{ScopeAdmin, "every scope"},
	{ScopeAuditRead, "read the audit log"},
	{ScopeOperatorsRead, "list operators"},
	{ScopeMailRead, "read the mail outbox"},
	{ScopeRequestsRead, "read data subject requests"},
	{ScopeRequestsWrite, "create and handle data subject requests"},
	{ScopeBreachRead, "read the breach register"},
	{ScopeBreachWrite, "record and handle breaches"},
	{ScopeConsentRead, "check consent and read the consent ledger"},
	{ScopeConsentWrite, "record consent events"},
	{ScopeInventoryRead, "read the data inventory and documents"},
	{ScopeInventoryWrite, "edit the data inventory and publish documents"},
}

// Token is an API token. Its secret is only shown once, at creation.
type Token struct {
	ID         string
	Name       string
	Scopes     []string
	OperatorID string // who created it; empty when created from the CLI without --operator
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Allows reports whether the token carries scope (or admin).
func (t *Token) Allows(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope || s == ScopeAdmin {
			return true
		}
	}
	return false
}

// NewOperator is what creating an account takes. The password is checked
// against the policy and only its argon2id hash is kept.
type NewOperator struct {
	Email    string
	Name     string
	Role     Role
	Password string
	Locale   string // "", "en", "fr" or "nl"
}

// ClientMeta describes where a login comes from; it is kept with the
// session and in the audit log, and the IP feeds the login throttle.
type ClientMeta struct {
	IP        string
	UserAgent string
}

// NewToken is what creating an API token takes.
type NewToken struct {
	Name       string
	Scopes     []string
	OperatorID string        // optional: the operator the token is made for
	TTL        time.Duration // 0 means the token never expires
}
