package operator

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/google/uuid"
)

const maxNameLen = 200

// validate checks and normalises a new account, returning it with its
// password hash. It runs before any transaction: hashing takes tens of
// milliseconds and must not hold SQLite's single writer.
func (s *Service) validate(in NewOperator) (*Operator, string, error) {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return nil, "", err
	}
	name := strings.TrimSpace(in.Name)
	if !validText(name) {
		return nil, "", ErrNameInvalid
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return nil, "", ErrNameLong
	}
	if !in.Role.Valid() {
		return nil, "", ErrRoleInvalid
	}
	locale := strings.TrimSpace(in.Locale)
	if locale != "" && !i18n.Lang(locale).Valid() {
		return nil, "", ErrLocaleInvalid
	}
	if err := checkPassword(in.Password, email); err != nil {
		return nil, "", err
	}
	hash, err := hashPassword(in.Password, s.params)
	if err != nil {
		return nil, "", err
	}
	return &Operator{
		ID:     uuid.Must(uuid.NewV7()).String(),
		Email:  email,
		Name:   name,
		Role:   in.Role,
		Locale: locale,
	}, hash, nil
}

// insert writes a validated account and its audit entry.
func (s *Service) insert(ctx context.Context, tx *db.Tx, actor string, o *Operator, hash string) error {
	now := s.now()
	o.CreatedAt, o.UpdatedAt = now, now
	_, err := tx.Exec(ctx, `INSERT INTO operators (id, email, name, role, password_hash, locale, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.Email, o.Name, string(o.Role), hash, o.Locale, now, now)
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	if err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "operator.created", targetOf(o.ID), map[string]any{
		"email": o.Email, "name": o.Name, "role": string(o.Role),
	})
}

// Create adds an operator account.
func (s *Service) Create(ctx context.Context, actor string, in NewOperator) (*Operator, error) {
	o, hash, err := s.validate(in)
	if err != nil {
		return nil, err
	}
	if err := s.db.InTx(ctx, func(tx *db.Tx) error { return s.insert(ctx, tx, actor, o, hash) }); err != nil {
		return nil, err
	}
	return o, nil
}

// List returns every operator, oldest first.
func (s *Service) List(ctx context.Context) ([]Operator, error) {
	rows, err := s.db.Query(ctx, "SELECT "+operatorColumns+" FROM operators ORDER BY created_at, email")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Operator
	for rows.Next() {
		o, err := scanOperator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Get returns the operator with this ID, or ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (*Operator, error) {
	id, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	return scanOperator(s.db.QueryRow(ctx, "SELECT "+operatorColumns+" FROM operators WHERE id = ?", id))
}

// GetByEmail returns the operator with this address (any case, surrounding
// spaces ignored), or ErrNotFound.
func (s *Service) GetByEmail(ctx context.Context, email string) (*Operator, error) {
	e, err := normalizeEmail(email)
	if err != nil {
		return nil, ErrNotFound
	}
	return scanOperator(s.db.QueryRow(ctx, "SELECT "+operatorColumns+" FROM operators WHERE email = ?", e))
}

// getTx reads an operator by "id" or "email" inside a transaction; arg must
// already be canonical (canonicalID, normalizeEmail).
func getTx(ctx context.Context, tx *db.Tx, where string, arg string) (*Operator, error) {
	return scanOperator(tx.QueryRow(ctx, "SELECT "+operatorColumns+" FROM operators WHERE "+where+" = ?", arg))
}

// guardLastOwner refuses a change that would leave no active owner, when o
// is an active owner about to lose that standing. On PostgreSQL the active
// owners' rows are locked, so two concurrent demotions cannot both pass;
// SQLite transactions are serialised already.
func guardLastOwner(ctx context.Context, tx *db.Tx, o *Operator) error {
	if o.Role != Owner || o.Disabled() {
		return nil
	}
	q := "SELECT id FROM operators WHERE role = 'owner' AND disabled_at IS NULL"
	if tx.Dialect() == db.Postgres {
		q += " FOR UPDATE"
	}
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	others := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if id != o.ID {
			others++
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if others == 0 {
		return ErrLastOwner
	}
	return nil
}

// Disable stops an operator from signing in and ends their sessions.
// Disabling an already disabled account does nothing.
func (s *Service) Disable(ctx context.Context, actor, email string) error {
	e, err := normalizeEmail(email)
	if err != nil {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := getTx(ctx, tx, "email", e)
		if err != nil || o.Disabled() {
			return err
		}
		if err := guardLastOwner(ctx, tx, o); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE operators SET disabled_at = ?, updated_at = ? WHERE id = ?", now, now, o.ID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "DELETE FROM sessions WHERE operator_id = ?", o.ID)
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		return s.record(ctx, tx, actor, "operator.disabled", targetOf(o.ID), map[string]any{
			"email": o.Email, "sessions_ended": ended,
		})
	})
}

// Enable lets a disabled operator sign in again. Enabling an active account
// does nothing.
func (s *Service) Enable(ctx context.Context, actor, email string) error {
	e, err := normalizeEmail(email)
	if err != nil {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := getTx(ctx, tx, "email", e)
		if err != nil || !o.Disabled() {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE operators SET disabled_at = NULL, updated_at = ? WHERE id = ?", s.now(), o.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "operator.enabled", targetOf(o.ID), map[string]any{"email": o.Email})
	})
}

// SetRole changes an operator's role. The last active owner cannot be
// demoted.
func (s *Service) SetRole(ctx context.Context, actor, id string, r Role) error {
	if !r.Valid() {
		return ErrRoleInvalid
	}
	id, ok := canonicalID(id)
	if !ok {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := getTx(ctx, tx, "id", id)
		if err != nil || o.Role == r {
			return err
		}
		if err := guardLastOwner(ctx, tx, o); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE operators SET role = ?, updated_at = ? WHERE id = ?", string(r), s.now(), o.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "operator.role_changed", targetOf(o.ID), map[string]any{
			"email": o.Email, "from": string(o.Role), "to": string(r),
		})
	})
}

// SetLocale stores the language an operator picked in the switch; "" goes
// back to following the browser.
func (s *Service) SetLocale(ctx context.Context, id string, l i18n.Lang) error {
	if l != "" && !l.Valid() {
		return ErrLocaleInvalid
	}
	id, ok := canonicalID(id)
	if !ok {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		o, err := getTx(ctx, tx, "id", id)
		if err != nil || o.Locale == string(l) {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE operators SET locale = ?, updated_at = ? WHERE id = ?", string(l), s.now(), o.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, ActorOf(o.ID), "operator.locale_changed", targetOf(o.ID), map[string]any{
			"from": o.Locale, "to": string(l),
		})
	})
}

// ChangePassword replaces an operator's password after checking the current
// one, and ends every other session of theirs: the session holding
// keepSessionToken (the one making the change) stays signed in.
func (s *Service) ChangePassword(ctx context.Context, id, current, next, keepSessionToken string) error {
	id, ok := canonicalID(id)
	if !ok {
		return ErrNotFound
	}
	var hash string
	o, err := scanOperator(s.db.QueryRow(ctx, "SELECT "+operatorColumns+", password_hash FROM operators WHERE id = ?", id), &hash)
	if err != nil {
		return err
	}
	if o.Disabled() {
		return ErrNoSession
	}
	// Guessing the current password from a stolen session is throttled like
	// a login.
	attempt := s.now()
	if !s.limiter.begin(attempt, o.Email, "") {
		return ErrThrottled
	}
	if ok, err := verifyPassword(current, hash); err != nil || !ok {
		return ErrPasswordWrong
	}
	s.limiter.succeeded(attempt, o.Email, "")
	if err := checkPassword(next, o.Email); err != nil {
		return err
	}
	newHash, err := hashPassword(next, s.params)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?",
			newHash, s.now(), o.ID, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Changed by someone else since we checked: the current
			// password given may no longer be the current one.
			return ErrPasswordWrong
		}
		res, err = tx.Exec(ctx, "DELETE FROM sessions WHERE operator_id = ? AND id_hash <> ?", o.ID, digest(keepSessionToken))
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		return s.record(ctx, tx, ActorOf(o.ID), "operator.password_changed", targetOf(o.ID), map[string]any{
			"sessions_ended": ended,
		})
	})
}
