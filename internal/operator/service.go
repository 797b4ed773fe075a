package operator

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/google/uuid"
)

// Auditor records changes in the audit log inside the transaction that makes
// them, so a change and its trace commit or roll back together. *audit.Log
// satisfies it.
type Auditor interface {
	Record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) (audit.Entry, error)
}

// Actors that are not operators (see ActorOf for operators).
const (
	ActorCLI    = "cli"
	ActorSystem = "system"
)

// ActorOf is the audit actor string of an operator.
func ActorOf(operatorID string) string { return "operator:" + operatorID }

func targetOf(operatorID string) string { return "operator:" + operatorID }

// DefaultSessionTTL is used when NewService is given no session lifetime.
const DefaultSessionTTL = 12 * time.Hour

// touchEvery bounds how often a session's expiry or a token's last use is
// written: at most once a minute, instead of a write per request.
const touchEvery = time.Minute

// Service manages operators, their sessions, the first-start setup and API
// tokens. It is safe for concurrent use.
type Service struct {
	// Now is the clock; tests replace it. It must be set before first use.
	Now func() time.Time

	db         *db.DB
	audit      Auditor
	sessionTTL time.Duration
	params     hashParams

	dummyOnce sync.Once
	dummyHash string

	limiter *loginLimiter
}

// NewService returns the service over d. Every change is recorded through a.
func NewService(d *db.DB, a Auditor, sessionTTL time.Duration) *Service {
	if d == nil || a == nil {
		panic("operator: NewService needs a database and an auditor")
	}
	if sessionTTL <= 0 {
		sessionTTL = DefaultSessionTTL
	}
	return &Service{
		Now:        time.Now,
		db:         d,
		audit:      a,
		sessionTTL: sessionTTL,
		params:     defaultHashParams,
		limiter:    newLoginLimiter(),
	}
}

// SessionTTL is how long a session lives without activity.
func (s *Service) SessionTTL() time.Duration { return s.sessionTTL }

// now is the current time in UTC at the precision both databases keep.
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) error {
	_, err := s.audit.Record(ctx, tx, actor, action, target, details)
	return err
}

// dummy returns a hash to verify against when an e-mail address is unknown,
// so that such a login costs the same time as one with a wrong password.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		// crypto/rand does not fail since Go 1.24, so neither can this.
		s.dummyHash, _ = hashPassword("garde dummy password for timing", s.params)
	})
	return s.dummyHash
}

// randomSecret returns 32 random bytes in unpadded base64url (43 characters).
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// digest is the hex SHA-256 of a secret: the only form secrets are stored in.
// Secrets are 256 random bits, so a fast hash is enough (no salt or KDF).
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// canonicalID returns id in the form IDs are stored in (a lower-case UUID
// with dashes), or ok=false: anything else names no row, and is not sent to
// the database (its bytes may not even be valid text there).
func canonicalID(id string) (string, bool) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// validText reports whether s is printable text: valid UTF-8 without
// control characters.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

const operatorColumns = "id, email, name, role, locale, disabled_at, last_login_at, created_at, updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanOperator(row scanner, extra ...any) (*Operator, error) {
	var o Operator
	var role string
	var disabled, lastLogin sql.NullTime
	dest := append([]any{&o.ID, &o.Email, &o.Name, &role, &o.Locale, &disabled, &lastLogin, &o.CreatedAt, &o.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	o.Role = Role(role)
	o.DisabledAt = timePtr(disabled)
	o.LastLoginAt = timePtr(lastLogin)
	o.CreatedAt = o.CreatedAt.UTC()
	o.UpdatedAt = o.UpdatedAt.UTC()
	return &o, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
