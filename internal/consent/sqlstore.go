package consent

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	e.Granted, e.Refused = decodePurposes(granted), decodePurposes(refused)
	return &e, nil
}

// encodePurposes packs purposes as space-separated names: purpose names
// are [a-z0-9_] (validPurposeName), so the packing is unambiguous and
// costs one string per event instead of a JSON encoder.
func encodePurposes(ps []Purpose) string {
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return string(ps[0])
	}
	n := len(ps) - 1
	for _, p := range ps {
		n += len(p)
	}
	return string(appendPurposes(make([]byte, 0, n), ps))
}

// appendPurposes appends purposes packed as encodePurposes does.
func appendPurposes(b []byte, ps []Purpose) []byte {
	for i, p := range ps {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, p...)
	}
	return b
}

func decodePurposes(s string) []Purpose {
	if s == "" {
		return []Purpose{}
	}
	out := make([]Purpose, 0, strings.Count(s, " ")+1)
	for p := range strings.SplitSeq(s, " ") {
		if p != "" {
			out = append(out, Purpose(p))
		}
	}
	return out
}

func (s *SQLStore) GetEvent(ctx context.Context, id string) (*Event, error) {
	return scanEvent(s.db.QueryRow(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE id = ?`, id))
}

// holderColumn names the indexed column that finds a holder's events.
func holderColumn(h Holder) (string, string) {
	if h.SubjectID != "" {
		return "subject_id", h.SubjectID
	}
	return "device_id", h.DeviceID
}

func (s *SQLStore) History(ctx context.Context, h Holder, limit int) ([]Event, error) {
	col, val := holderColumn(h)
	// The "<> ''" repeats the partial index's condition so the planner
	// may use it.
	rows, err := s.db.Query(ctx, `SELECT `+eventColumns+` FROM consent_events WHERE `+col+` = ? AND `+col+` <> ''
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

// States derives a holder's current decisions from its events: per
// purpose, the event given last wins, and on a tie the one recorded last
// (ids are time-ordered: the later id). An import of an older choice is
// thus on record without overriding a newer one.
func (s *SQLStore) States(ctx context.Context, h Holder) ([]State, error) {
	col, val := holderColumn(h)
	rows, err := s.db.Query(ctx, `SELECT id, granted, refused, notice_version, given_at, recorded_at
		FROM consent_events WHERE `+col+` = ? AND `+col+` <> ''`, val)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type latest struct {
		State
		recorded time.Time
	}
	by := map[Purpose]*latest{}
	for rows.Next() {
		var id, granted, refused, notice string
		var given, recorded time.Time
		if err := rows.Scan(&id, &granted, &refused, &notice, &given, &recorded); err != nil {
			return nil, err
		}
		for _, set := range [2]struct {
			ps string
			d  Decision
		}{{granted, Granted}, {refused, Refused}} {
			for _, p := range decodePurposes(set.ps) {
				cur := by[p]
				if cur != nil && !laterEvent(given, recorded, id, cur.DecidedAt, cur.recorded, cur.EventID) {
					continue
				}
				by[p] = &latest{State: State{Purpose: p, Decision: set.d, EventID: id, NoticeVersion: notice,
					DecidedAt: given.UTC()}, recorded: recorded}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]State, 0, len(by))
	for _, l := range by {
		out = append(out, l.State)
	}
	slices.SortFunc(out, func(a, b State) int { return strings.Compare(string(a.Purpose), string(b.Purpose)) })
	return out, nil
}

// laterEvent tells whether an event given at g1, recorded at r1 with id1
// decides after the one given at g2, recorded at r2 with id2.
func laterEvent(g1, r1 time.Time, id1 string, g2, r2 time.Time, id2 string) bool {
	if c := g1.Compare(g2); c != 0 {
		return c > 0
	}
	if c := r1.Compare(r2); c != 0 {
		return c > 0
	}
	return id1 > id2
}

// Export reads the whole ledger in primary key order and keeps the
// period's events: there is no index on the time of recording, which
// would cost every append a write. Ids are time-ordered (UUIDv7), so the
// events come oldest first.
func (s *SQLStore) Export(ctx context.Context, from, to time.Time, fn func(*Event) error) error {
	rows, err := s.db.Query(ctx, `SELECT `+eventColumns+` FROM consent_events
		WHERE recorded_at >= ? AND recorded_at < ? ORDER BY id`, from.UTC(), to.UTC())
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
	if err := json.Unmarshal([]byte(purposes), &st.Purposes); err != nil {
		return nil, fmt.Errorf("consent: stored purposes: %w", err)
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
		st.ID, st.Name, encodeStrings(st.Origins), encodeStrings(purposeStrings(st.Purposes)), st.NoticeVersion, st.ReaskMonths,
		st.PolicyURL, st.CreatedAt, st.UpdatedAt)
	return err
}

func (s *SQLStore) UpdateSite(ctx context.Context, tx *db.Tx, st *Site) error {
	res, err := tx.Exec(ctx, `UPDATE consent_sites SET name = ?, origins = ?, purposes = ?, notice_version = ?,
		reask_months = ?, policy_url = ?, updated_at = ? WHERE id = ?`,
		st.Name, encodeStrings(st.Origins), encodeStrings(purposeStrings(st.Purposes)), st.NoticeVersion, st.ReaskMonths,
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
