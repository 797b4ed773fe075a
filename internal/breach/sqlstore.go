package breach

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// SQLStore is the Store over Garde's database; its SQL runs unchanged on
// SQLite and PostgreSQL.
type SQLStore struct{ db *db.DB }

// NewSQLStore returns the store over d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

var _ Store = (*SQLStore)(nil)

const incidentColumns = `id, reference, state, title, occurred_at, aware_at, facts, assessments, closed_at,
	close_note, retain_until, version, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanIncident(row scanner) (*Incident, error) {
	var i Incident
	var state, title, facts, assessments string
	var occurred, aware time.Time
	var closed, retain sql.NullTime
	err := row.Scan(&i.ID, &i.Reference, &state, &title, &occurred, &aware, &facts, &assessments, &closed,
		&i.CloseNote, &retain, &i.Version, &i.CreatedAt, &i.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	i.State = State(state)
	if err := json.Unmarshal([]byte(facts), &i.Facts); err != nil {
		return nil, fmt.Errorf("facts of %s: %w", i.ID, err)
	}
	if err := json.Unmarshal([]byte(assessments), &i.Assessments); err != nil {
		return nil, fmt.Errorf("assessments of %s: %w", i.ID, err)
	}
	if i.Assessments == nil {
		i.Assessments = map[string]Assessment{}
	}
	i.ClosedAt, i.RetainUntil = timePtr(closed), timePtr(retain)
	i.CreatedAt, i.UpdatedAt = i.CreatedAt.UTC(), i.UpdatedAt.UTC()
	return &i, nil
}

func encode(i *Incident) (facts, assessments string, err error) {
	f, err := json.Marshal(i.Facts)
	if err != nil {
		return "", "", err
	}
	a := i.Assessments
	if a == nil {
		a = map[string]Assessment{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", "", err
	}
	return string(f), string(b), nil
}

func (s *SQLStore) InsertIncident(ctx context.Context, tx *db.Tx, i *Incident) error {
	facts, assessments, err := encode(i)
	if err != nil {
		return err
	}
	if i.Version == 0 {
		i.Version = 1
	}
	_, err = tx.Exec(ctx, `INSERT INTO breaches(`+incidentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.ID, i.Reference, string(i.State), i.Facts.Title, i.Facts.OccurredAt.UTC(), i.Facts.AwareAt.UTC(), facts, assessments,
		nullTime(i.ClosedAt), i.CloseNote, nullTime(i.RetainUntil), i.Version, i.CreatedAt.UTC(), i.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("breach: insert: %w", err)
	}
	return nil
}

func (s *SQLStore) UpdateIncident(ctx context.Context, tx *db.Tx, i *Incident) error {
	facts, assessments, err := encode(i)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE breaches SET state = ?, title = ?, occurred_at = ?, aware_at = ?, facts = ?,
		assessments = ?, closed_at = ?, close_note = ?, retain_until = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		string(i.State), i.Facts.Title, i.Facts.OccurredAt.UTC(), i.Facts.AwareAt.UTC(), facts, assessments,
		nullTime(i.ClosedAt), i.CloseNote, nullTime(i.RetainUntil), i.UpdatedAt.UTC(), i.ID, i.Version)
	if err != nil {
		return fmt.Errorf("breach: update: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("breach: update: %w", err)
	} else if n == 0 {
		return ErrConflict
	}
	i.Version++
	return nil
}

func (s *SQLStore) GetIncident(ctx context.Context, q Querier, id string) (*Incident, error) {
	i, err := scanIncident(q.QueryRow(ctx, `SELECT `+incidentColumns+` FROM breaches WHERE id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("breach: get: %w", err)
	}
	return i, err
}

func (s *SQLStore) ListIncidents(ctx context.Context, q Querier, state State) ([]Incident, error) {
	query := `SELECT ` + incidentColumns + ` FROM breaches`
	var args []any
	if state != "" {
		query += ` WHERE state = ?`
		args = append(args, string(state))
	}
	// 'open' sorts after 'closed': descending puts open incidents first.
	query += ` ORDER BY state DESC, aware_at DESC, id`
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("breach: list: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("breach: list: %w", err)
		}
		out = append(out, *i)
	}
	return out, rows.Err()
}

func (s *SQLStore) InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return err
	}
	if e.Data == nil {
		data = []byte("{}")
	}
	_, err = tx.Exec(ctx, `INSERT INTO breach_events(id, breach_id, at, kind, actor, body, data) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.IncidentID, e.At.UTC(), string(e.Kind), e.Actor, e.Body, string(data))
	if err != nil {
		return fmt.Errorf("breach: event: %w", err)
	}
	return nil
}

func (s *SQLStore) ListEvents(ctx context.Context, q Querier, incidentID string) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT id, breach_id, at, kind, actor, body, data FROM breach_events
		WHERE breach_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("breach: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var kind, data string
		if err := rows.Scan(&e.ID, &e.IncidentID, &e.At, &kind, &e.Actor, &e.Body, &data); err != nil {
			return nil, fmt.Errorf("breach: events: %w", err)
		}
		e.Kind, e.At = EventKind(kind), e.At.UTC()
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, fmt.Errorf("breach: event data: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *SQLStore) InsertDraft(ctx context.Context, tx *db.Tx, d *Draft) error {
	_, err := tx.Exec(ctx, `INSERT INTO breach_drafts(id, breach_id, obligation, language, version, title, body, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.IncidentID, d.Obligation, d.Language, d.Version, d.Title, d.Body, d.CreatedBy, d.CreatedAt.UTC())
	if err != nil {
		if db.IsUniqueViolation(err) {
			return ErrConflict
		}
		return fmt.Errorf("breach: draft: %w", err)
	}
	return nil
}

func (s *SQLStore) ListDrafts(ctx context.Context, q Querier, incidentID string) ([]Draft, error) {
	rows, err := q.Query(ctx, `SELECT id, breach_id, obligation, language, version, title, body, created_by, created_at
		FROM breach_drafts WHERE breach_id = ? ORDER BY obligation, language, version`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("breach: drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		if err := rows.Scan(&d.ID, &d.IncidentID, &d.Obligation, &d.Language, &d.Version, &d.Title, &d.Body,
			&d.CreatedBy, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("breach: drafts: %w", err)
		}
		d.CreatedAt = d.CreatedAt.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *SQLStore) InsertNotification(ctx context.Context, tx *db.Tx, n *Notification) error {
	_, err := tx.Exec(ctx, `INSERT INTO breach_notifications(id, breach_id, obligation, phase, sent_at, reference, note,
		recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.IncidentID, n.Obligation, n.Phase, n.SentAt.UTC(), n.Reference, n.Note, n.RecordedBy, n.RecordedAt.UTC())
	if err != nil {
		if db.IsUniqueViolation(err) {
			return ErrConflict
		}
		return fmt.Errorf("breach: notification: %w", err)
	}
	return nil
}

func (s *SQLStore) ListNotifications(ctx context.Context, q Querier, incidentID string) ([]Notification, error) {
	query := `SELECT id, breach_id, obligation, phase, sent_at, reference, note, recorded_by, recorded_at
		FROM breach_notifications`
	var args []any
	if incidentID != "" {
		query += ` WHERE breach_id = ?`
		args = append(args, incidentID)
	} else {
		query += ` WHERE breach_id IN (SELECT id FROM breaches WHERE state = 'open')`
	}
	rows, err := q.Query(ctx, query+` ORDER BY sent_at, phase, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("breach: notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.IncidentID, &n.Obligation, &n.Phase, &n.SentAt, &n.Reference, &n.Note,
			&n.RecordedBy, &n.RecordedAt); err != nil {
			return nil, fmt.Errorf("breach: notifications: %w", err)
		}
		n.SentAt, n.RecordedAt = n.SentAt.UTC(), n.RecordedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
