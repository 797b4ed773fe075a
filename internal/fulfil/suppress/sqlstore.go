package suppress

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// SQLStore is the Store on Garde's database (SQLite or PostgreSQL).
type SQLStore struct{ db *db.DB }

// NewSQLStore returns the store on d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

// The request's reference and email come with each entry; the email only
// while the request still has it.
const entryColumns = `s.id, s.identity_hash, s.purposes, s.reason, COALESCE(s.request_id, ''), s.note, s.created_by,
	s.created_at, s.updated_at, s.lifted_at, s.lifted_by, s.lift_cause, s.lift_reason,
	COALESCE(r.reference, ''), CASE WHEN r.purged_at IS NULL THEN COALESCE(r.email, '') ELSE '' END`

const entryFrom = ` FROM suppressions s LEFT JOIN requests r ON r.id = s.request_id`

func scanEntry(sc interface{ Scan(...any) error }) (*Entry, error) {
	var e Entry
	var purposes string
	var lifted sql.NullTime
	if err := sc.Scan(&e.ID, &e.IdentityHash, &purposes, &e.Reason, &e.RequestID, &e.Note, &e.CreatedBy,
		&e.CreatedAt, &e.UpdatedAt, &lifted, &e.LiftedBy, &e.LiftCause, &e.LiftReason,
		&e.RequestReference, &e.RequestEmail); err != nil {
		return nil, err
	}
	e.Purposes = splitPurposes(purposes)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if lifted.Valid {
		t := lifted.Time.UTC()
		e.LiftedAt = &t
	}
	return &e, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// Insert implements Store.
func (s *SQLStore) Insert(ctx context.Context, tx *db.Tx, e *Entry) error {
	_, err := tx.Exec(ctx, `INSERT INTO suppressions (id, identity_hash, purposes, reason, request_id, note, created_by,
		created_at, updated_at, lifted_at, lifted_by, lift_cause, lift_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.IdentityHash, joinPurposes(e.Purposes), string(e.Reason), nullString(e.RequestID), e.Note, e.CreatedBy,
		e.CreatedAt.UTC(), e.UpdatedAt.UTC(), nullTime(e.LiftedAt), e.LiftedBy, e.LiftCause, e.LiftReason)
	return err
}

// Update implements Store.
func (s *SQLStore) Update(ctx context.Context, tx *db.Tx, e *Entry) error {
	res, err := tx.Exec(ctx, `UPDATE suppressions SET purposes = ?, updated_at = ?, lifted_at = ?, lifted_by = ?,
		lift_cause = ?, lift_reason = ? WHERE id = ?`,
		joinPurposes(e.Purposes), e.UpdatedAt.UTC(), nullTime(e.LiftedAt), e.LiftedBy, e.LiftCause, e.LiftReason, e.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(ErrNotFound, err)
	}
	return nil
}

func (s *SQLStore) one(ctx context.Context, q Querier, where string, arg any) (*Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, `SELECT `+entryColumns+entryFrom+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return e, err
}

// Get implements Store.
func (s *SQLStore) Get(ctx context.Context, q Querier, id string) (*Entry, error) {
	return s.one(ctx, q, "s.id = ?", id)
}

// ByRequest implements Store.
func (s *SQLStore) ByRequest(ctx context.Context, q Querier, requestID string) (*Entry, error) {
	return s.one(ctx, q, "s.request_id = ?", requestID)
}

func (s *SQLStore) many(ctx context.Context, q Querier, query string, args ...any) ([]Entry, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// Active implements Store.
func (s *SQLStore) Active(ctx context.Context, q Querier, hash string) ([]Entry, error) {
	return s.many(ctx, q, `SELECT `+entryColumns+entryFrom+` WHERE s.identity_hash = ? AND s.lifted_at IS NULL
		ORDER BY s.created_at, s.id`, hash)
}

// ActivePurposes implements Store.
func (s *SQLStore) ActivePurposes(ctx context.Context, hash string) ([][]string, error) {
	rows, err := s.db.Query(ctx, `SELECT purposes FROM suppressions WHERE identity_hash = ? AND lifted_at IS NULL`, hash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, splitPurposes(p))
	}
	return out, rows.Err()
}

// List implements Store: newest first.
func (s *SQLStore) List(ctx context.Context, f Filter) ([]Entry, error) {
	q := `SELECT ` + entryColumns + entryFrom + ` WHERE 1 = 1`
	var args []any
	if !f.Lifted {
		q += ` AND s.lifted_at IS NULL`
	}
	if f.Reason != "" {
		q += ` AND s.reason = ?`
		args = append(args, string(f.Reason))
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	q += ` ORDER BY s.created_at DESC, s.id DESC LIMIT ?`
	return s.many(ctx, s.db, q, append(args, limit)...)
}

// InsertChange implements Store.
func (s *SQLStore) InsertChange(ctx context.Context, tx *db.Tx, c *Change) error {
	_, err := tx.Exec(ctx, `INSERT INTO suppression_changes (id, suppression_id, at, actor, action, purposes, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.SuppressionID, c.At.UTC(), c.Actor, c.Action, joinPurposes(c.Purposes), c.Reason)
	return err
}

// Changes implements Store: oldest first.
func (s *SQLStore) Changes(ctx context.Context, q Querier, suppressionID string) ([]Change, error) {
	rows, err := q.Query(ctx, `SELECT id, suppression_id, at, actor, action, purposes, reason FROM suppression_changes
		WHERE suppression_id = ? ORDER BY at, id`, suppressionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var purposes string
		if err := rows.Scan(&c.ID, &c.SuppressionID, &c.At, &c.Actor, &c.Action, &purposes, &c.Reason); err != nil {
			return nil, err
		}
		c.At, c.Purposes = c.At.UTC(), splitPurposes(purposes)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Pending implements Store.
func (s *SQLStore) Pending(ctx context.Context) ([]PendingRequest, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.email, r.type FROM requests r
		WHERE r.type IN ('restriction', 'objection', 'opt_out_sale', 'limit_sensitive')
		AND r.state IN ('verified', 'in_progress', 'identity_check', 'completed') AND r.purged_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.request_id = r.id)
		ORDER BY r.received_at, r.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingRequest
	for rows.Next() {
		var p PendingRequest
		if err := rows.Scan(&p.ID, &p.Email, &p.Type); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
