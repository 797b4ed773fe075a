package operator

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
)

// Client details are stored as given, within these lengths.
const (
	maxUserAgentLen = 512
	maxIPLen        = 64
)

// Login checks an operator's address and password and opens a session. It
// returns the session token (for a cookie; only its SHA-256 is stored). An
// unknown address, a wrong password and a disabled account all give
// ErrInvalidCredentials, and take the same time, so a login form does not
// reveal which addresses have accounts. Too many recent failures for the
// address or from the client give ErrThrottled.
func (s *Service) Login(ctx context.Context, email, password string, meta ClientMeta) (string, *Operator, error) {
	now := s.now()
	ek, ik := emailKey(email), ipKey(meta.IP)
	ua, ip := clean(meta.UserAgent, maxUserAgentLen), clean(meta.IP, maxIPLen)
	failed := func(reason string, o *Operator) error {
		target := ""
		if o != nil {
			target = targetOf(o.ID)
		}
		return s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.record(ctx, tx, ActorSystem, "operator.login_failed", target, map[string]any{
				"email": clean(ek, maxEmailLen), "ip": ip, "user_agent": ua, "reason": reason,
			})
		})
	}
	if !s.limiter.begin(now, ek, ik) {
		if err := failed("throttled", nil); err != nil {
			return "", nil, err
		}
		return "", nil, ErrThrottled
	}

	var hash string
	var o *Operator
	// An address that is not valid cannot have an account: no query (its
	// bytes might not even be valid text for the database).
	if _, err := normalizeEmail(ek); err == nil {
		var err error
		o, err = scanOperator(s.db.QueryRow(ctx, "SELECT "+operatorColumns+", password_hash FROM operators WHERE email = ?", ek), &hash)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", nil, err
		}
	}
	if o == nil {
		hash = s.dummy()
	}
	ok, verr := verifyPassword(password, hash)
	reason := ""
	switch {
	case o == nil:
		reason = "unknown_email"
	case verr != nil || !ok:
		reason = "wrong_password"
	case o.Disabled():
		reason = "disabled"
	}
	if reason != "" {
		if err := failed(reason, o); err != nil {
			return "", nil, err
		}
		return "", nil, ErrInvalidCredentials
	}

	token, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	// Parameters raised since this hash was made: upgrade it now that the
	// password is known. Hashing happens before the transaction.
	rehash := ""
	if needsRehash(hash, s.params) {
		if rehash, err = hashPassword(password, s.params); err != nil {
			return "", nil, err
		}
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, operator_id, created_at, expires_at, last_seen_at, user_agent, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, digest(token), o.ID, now, now.Add(s.sessionTTL), now, ua, ip); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE operators SET last_login_at = ? WHERE id = ?", now, o.ID); err != nil {
			return err
		}
		if rehash != "" {
			if _, err := tx.Exec(ctx, "UPDATE operators SET password_hash = ? WHERE id = ? AND password_hash = ?", rehash, o.ID, hash); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, ActorOf(o.ID), "operator.login", targetOf(o.ID), map[string]any{
			"ip": ip, "user_agent": ua,
		})
	})
	if err != nil {
		return "", nil, err
	}
	s.limiter.succeeded(now, ek, ik)
	o.LastLoginAt = &now
	return token, o, nil
}

// Session returns the operator signed in with token, or ErrNoSession when
// the session does not exist, has expired or its operator is disabled. An
// active session's expiry slides to now + TTL, written at most once a
// minute.
func (s *Service) Session(ctx context.Context, token string) (*Operator, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrNoSession
	}
	now := s.now()
	h := digest(token)
	var expires, seen time.Time
	o, err := scanOperator(s.db.QueryRow(ctx, `SELECT o.id, o.email, o.name, o.role, o.locale, o.disabled_at, o.last_login_at,
			o.created_at, o.updated_at, s.expires_at, s.last_seen_at
		FROM sessions s JOIN operators o ON o.id = s.operator_id WHERE s.id_hash = ?`, h), &expires, &seen)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if !now.Before(expires) || o.Disabled() {
		return nil, ErrNoSession
	}
	if now.Sub(seen) >= touchEvery {
		if _, err := s.db.Exec(ctx, "UPDATE sessions SET expires_at = ?, last_seen_at = ? WHERE id_hash = ?",
			now.Add(s.sessionTTL), now, h); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// Logout ends the session holding token. An unknown token is not an error:
// the result (no session) is the same.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var operatorID string
		err := tx.QueryRow(ctx, "DELETE FROM sessions WHERE id_hash = ? RETURNING operator_id", digest(token)).Scan(&operatorID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, ActorOf(operatorID), "operator.logout", targetOf(operatorID), map[string]any{})
	})
}

// PurgeExpired deletes expired sessions and setup tokens that can no longer
// be used. They are already refused; this only reclaims space.
func (s *Service) PurgeExpired(ctx context.Context) error {
	now := s.now()
	if _, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", now); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, "DELETE FROM setup_tokens WHERE expires_at <= ? OR used_at IS NOT NULL", now)
	return err
}

// clean makes client-supplied text safe to store: valid UTF-8 without NUL
// bytes (PostgreSQL refuses both), at most n bytes, cut between characters.
func clean(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
