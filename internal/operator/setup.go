package operator

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// setupLockKey serialises setup completions on PostgreSQL, so two setup
// links used at the same moment cannot create two first owners.
const setupLockKey = 7205113031

// NeedsSetup reports whether no operator exists yet, in which case the
// server offers the one-time setup link.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT id FROM operators LIMIT 1) AS any_operator").Scan(&n); err != nil {
		return false, err
	}
	return n == 0, nil
}

// CreateSetupToken makes a one-time token that lets whoever holds it create
// the first owner account within ttl. Only its SHA-256 is stored.
func (s *Service) CreateSetupToken(ctx context.Context, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", ErrSetupInvalid
	}
	raw, err := randomSecret()
	if err != nil {
		return "", err
	}
	now := s.now()
	expires := now.Add(ttl)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
			digest(raw), now, expires); err != nil {
			return err
		}
		return s.record(ctx, tx, ActorSystem, "operator.setup_token_created", "", map[string]any{
			"expires_at": expires.Format(time.RFC3339),
		})
	})
	if err != nil {
		return "", err
	}
	return raw, nil
}

// CheckSetupToken reports whether raw can still complete the setup, for the
// setup page to refuse a dead link before the form is filled in.
func (s *Service) CheckSetupToken(ctx context.Context, raw string) error {
	if raw == "" || len(raw) > 128 {
		return ErrSetupInvalid
	}
	var expires time.Time
	var used sql.NullTime
	err := s.db.QueryRow(ctx, "SELECT expires_at, used_at FROM setup_tokens WHERE token_hash = ?", digest(raw)).Scan(&expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrSetupInvalid
	}
	if err != nil {
		return err
	}
	if used.Valid || !s.now().Before(expires) {
		return ErrSetupInvalid
	}
	needs, err := s.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if !needs {
		return ErrSetupInvalid
	}
	return nil
}

// CompleteSetup creates the first owner with the setup token raw and spends
// the token, in one transaction. The token must be known, unused and
// unexpired, and no operator may exist yet; otherwise ErrSetupInvalid. The
// role in `in` is ignored: the first account is always an owner. Invalid
// account details give their own errors and leave the token usable.
func (s *Service) CompleteSetup(ctx context.Context, raw string, in NewOperator) (*Operator, error) {
	if err := s.CheckSetupToken(ctx, raw); err != nil {
		return nil, err
	}
	in.Role = Owner
	o, hash, err := s.validate(in)
	if err != nil {
		return nil, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if tx.Dialect() == db.Postgres {
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(setupLockKey)); err != nil {
				return err
			}
		}
		// Checked again inside the transaction: the token may have been
		// spent, or an operator created, since CheckSetupToken.
		now := s.now()
		res, err := tx.Exec(ctx, "UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
			now, digest(raw), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrSetupInvalid
		}
		var count int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM operators").Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return ErrSetupInvalid
		}
		if err := s.insert(ctx, tx, ActorSystem, o, hash); err != nil {
			return err
		}
		return s.record(ctx, tx, ActorOf(o.ID), "operator.setup_completed", targetOf(o.ID), map[string]any{"email": o.Email})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
