package consent

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
type SQLStore struct {
	db    *db.DB
	stmts stmtCache
}

// NewSQLStore returns the store over d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

var _ Store = (*SQLStore)(nil)

const eventColumns = `id, site_id, subject_id, device_id, kind, granted, refused, method, source,
	notice_version, language, gpc, actor, given_at, recorded_at`

type scanner interface{ Scan(dest ...any) error }

func scanEvent(row scanner) (*Event, error) {
	var e Event
	var kind, granted, refused, method, source string
	err := row.Scan(&e.ID, &e.SiteID, &e.SubjectID, &e.DeviceID, &kind, &granted, &refused, &method, &source,
		&e.NoticeVersion, &e.Language, &e.GPC, &e.Actor, &e.GivenAt, &e.RecordedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	e.Kind, e.Method, e.Source = Kind(kind), Method(method), Source(source)
	e.GivenAt, e.RecordedAt = e.GivenAt.UTC(), e.RecordedAt.UTC()
	if e.Granted, err = decodePurposes(granted); err != nil {
		return nil, err
	}
	if e.Refused, err = decodePurposes(refused); err != nil {
		return nil, err
	}
	return &e, nil
}

func encodePurposes(ps []Purpose) string {
	if ps == nil {
		ps = []Purpose{}
	}
	b, _ := json.Marshal(ps)
	return string(b)
}

func decodePurposes(s string) ([]Purpose, error) {
	var ps []Purpose
	if err := json.Unmarshal([]byte(s), &ps); err != nil {
		return nil, fmt.Errorf("consent: stored purposes: %w", err)
	}
	return ps, nil
}

func (s *SQLStore) GetEvent(ctx context.Context, id string) (*Event, error) {
	return scanEvent(s.db.QueryRow(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE id = ?`, id))
}

func (s *SQLStore) History(ctx context.Context, h Holder, limit int) ([]Event, error) {
	col, val := "device_id", h.DeviceID
	if h.SubjectID != "" {
		col, val = "subject_id", h.SubjectID
	}
	rows, err := s.db.Query(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE `+col+` = ?
		ORDER BY recorded_at DESC, id DESC LIMIT ?`, val, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

func (s *SQLStore) States(ctx context.Context, h Holder) ([]State, error) {
	rows, err := s.db.Query(ctx, `SELECT purpose, decision, event_id, notice_version, decided_at
		FROM consent_state WHERE holder = ? ORDER BY purpose`, h.key())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []State
	for rows.Next() {
		var st State
		var p, d string
		if err := rows.Scan(&p, &d, &st.EventID, &st.NoticeVersion, &st.DecidedAt); err != nil {
			return nil, err
		}
		st.Purpose, st.Decision, st.DecidedAt = Purpose(p), Decision(d), st.DecidedAt.UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *SQLStore) Export(ctx context.Context, from, to time.Time, fn func(*Event) error) error {
	rows, err := s.db.Query(ctx, `SELECT `+eventColumns+` FROM consent_events
		WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, id`, from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

const siteColumns = `id, name, origins, purposes, notice_version, reask_months, policy_url, created_at, updated_at`

func scanSite(row scanner) (*Site, error) {
	var st Site
	var origins, purposes string
	err := row.Scan(&st.ID, &st.Name, &origins, &purposes, &st.NoticeVersion, &st.ReaskMonths, &st.PolicyURL,
		&st.CreatedAt, &st.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSiteNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(origins), &st.Origins); err != nil {
		return nil, fmt.Errorf("consent: stored origins: %w", err)
	}
	if st.Purposes, err = decodePurposes(purposes); err != nil {
		return nil, err
	}
	st.CreatedAt, st.UpdatedAt = st.CreatedAt.UTC(), st.UpdatedAt.UTC()
	return &st, nil
}

func encodeStrings(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss)
	return string(b)
}

func (s *SQLStore) InsertSite(ctx context.Context, tx *db.Tx, st *Site) error {
	_, err := tx.Exec(ctx, `INSERT INTO consent_sites(`+siteColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.Name, encodeStrings(st.Origins), encodePurposes(st.Purposes), st.NoticeVersion, st.ReaskMonths,
		st.PolicyURL, st.CreatedAt, st.UpdatedAt)
	return err
}

func (s *SQLStore) UpdateSite(ctx context.Context, tx *db.Tx, st *Site) error {
	res, err := tx.Exec(ctx, `UPDATE consent_sites SET name = ?, origins = ?, purposes = ?, notice_version = ?,
		reask_months = ?, policy_url = ?, updated_at = ? WHERE id = ?`,
		st.Name, encodeStrings(st.Origins), encodePurposes(st.Purposes), st.NoticeVersion, st.ReaskMonths,
		st.PolicyURL, st.UpdatedAt, st.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrSiteNotFound
	}
	return nil
}

func (s *SQLStore) GetSite(ctx context.Context, id string) (*Site, error) {
	return scanSite(s.db.QueryRow(ctx, `SELECT `+siteColumns+` FROM consent_sites WHERE id = ?`, id))
}

func (s *SQLStore) ListSites(ctx context.Context) ([]Site, error) {
	rows, err := s.db.Query(ctx, `SELECT `+siteColumns+` FROM consent_sites ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Site
	for rows.Next() {
		st, err := scanSite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}
