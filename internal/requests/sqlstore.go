package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// SQLStore is the Store over Garde's database; its SQL runs unchanged on
// SQLite and PostgreSQL.
type SQLStore struct {
	db *db.DB
}

// NewSQLStore returns the store over d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

var _ Store = (*SQLStore)(nil)

const requestColumns = `id, reference, type, state, email, name, phone, subject, description, account_id,
	region, law_id, language, source, received_at, verified_at, due_date, legal_due_date, acknowledge_by,
	internal_target, extension_limit, extension_notice_by, extended_at, extension_reason, assignee_id,
	identity_method, identity_note, identity_checked_by, identity_checked_at, closed_at, outcome, close_note,
	rejection_reason, verify_token_hash, verify_code_hash, verify_expires_at, verify_attempts, verify_sends,
	verify_sent_at, purged_at, version, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanRequest(row scanner) (*Request, error) {
	var r Request
	var typ, state, lang, source, method, outcome string
	var verifiedAt, legal, ack, target, extLimit, extNotice, extendedAt, idAt, closedAt, vExp, vSent, purged sql.NullTime
	var assignee, tokenHash sql.NullString
	err := row.Scan(&r.ID, &r.Reference, &typ, &state, &r.Email, &r.Name, &r.Phone, &r.Subject, &r.Description, &r.AccountID,
		&r.Region, &r.LawID, &lang, &source, &r.ReceivedAt, &verifiedAt, &r.DueDate, &legal, &ack,
		&target, &extLimit, &extNotice, &extendedAt, &r.ExtensionReason, &assignee,
		&method, &r.Identity.Note, &r.Identity.CheckedBy, &idAt, &closedAt, &outcome, &r.CloseNote,
		&r.RejectionReason, &tokenHash, &r.verify.codeHash, &vExp, &r.verify.attempts, &r.verify.sends,
		&vSent, &purged, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	r.Type, r.State, r.Language, r.Source = Type(typ), State(state), i18n.Lang(lang), Source(source)
	r.Identity.Method, r.Outcome = IdentityMethod(method), Outcome(outcome)
	r.ReceivedAt, r.DueDate = r.ReceivedAt.UTC(), r.DueDate.UTC()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.VerifiedAt, r.LegalDueDate, r.AcknowledgeBy = timePtr(verifiedAt), timePtr(legal), timePtr(ack)
	r.InternalTarget, r.ExtensionLimit, r.ExtensionNoticeBy = timePtr(target), timePtr(extLimit), timePtr(extNotice)
	r.ExtendedAt, r.Identity.CheckedAt, r.ClosedAt = timePtr(extendedAt), timePtr(idAt), timePtr(closedAt)
	r.verify.expiresAt, r.verify.sentAt, r.PurgedAt = timePtr(vExp), timePtr(vSent), timePtr(purged)
	r.AssigneeID, r.verify.tokenHash = assignee.String, tokenHash.String
	return &r, nil
}

func (s *SQLStore) InsertRequest(ctx context.Context, tx *db.Tx, r *Request) error {
	if r.Version == 0 {
		r.Version = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO requests(`+requestColumns+`) VALUES (`+placeholders(43)+`)`,
		r.ID, r.Reference, string(r.Type), string(r.State), r.Email, r.Name, r.Phone, r.Subject, r.Description, r.AccountID,
		r.Region, r.LawID, string(r.Language), string(r.Source), r.ReceivedAt.UTC(), nullTime(r.VerifiedAt), r.DueDate.UTC(),
		nullTime(r.LegalDueDate), nullTime(r.AcknowledgeBy), nullTime(r.InternalTarget), nullTime(r.ExtensionLimit),
		nullTime(r.ExtensionNoticeBy), nullTime(r.ExtendedAt), r.ExtensionReason, nullString(r.AssigneeID),
		string(r.Identity.Method), r.Identity.Note, r.Identity.CheckedBy, nullTime(r.Identity.CheckedAt), nullTime(r.ClosedAt),
		string(r.Outcome), r.CloseNote, r.RejectionReason, nullString(r.verify.tokenHash), r.verify.codeHash,
		nullTime(r.verify.expiresAt), r.verify.attempts, r.verify.sends, nullTime(r.verify.sentAt), nullTime(r.PurgedAt),
		r.Version, r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("requests: insert: %w", err)
	}
	return nil
}

func (s *SQLStore) UpdateRequest(ctx context.Context, tx *db.Tx, r *Request) error {
	res, err := tx.Exec(ctx, `UPDATE requests SET state = ?, email = ?, name = ?, phone = ?, subject = ?, description = ?,
		account_id = ?, verified_at = ?, due_date = ?, legal_due_date = ?, acknowledge_by = ?, internal_target = ?,
		extension_limit = ?, extension_notice_by = ?, extended_at = ?, extension_reason = ?, assignee_id = ?,
		identity_method = ?, identity_note = ?, identity_checked_by = ?, identity_checked_at = ?, closed_at = ?,
		outcome = ?, close_note = ?, rejection_reason = ?, verify_token_hash = ?, verify_code_hash = ?,
		verify_expires_at = ?, verify_attempts = ?, verify_sends = ?, verify_sent_at = ?, purged_at = ?,
		version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		string(r.State), r.Email, r.Name, r.Phone, r.Subject, r.Description,
		r.AccountID, nullTime(r.VerifiedAt), r.DueDate.UTC(), nullTime(r.LegalDueDate), nullTime(r.AcknowledgeBy), nullTime(r.InternalTarget),
		nullTime(r.ExtensionLimit), nullTime(r.ExtensionNoticeBy), nullTime(r.ExtendedAt), r.ExtensionReason, nullString(r.AssigneeID),
		string(r.Identity.Method), r.Identity.Note, r.Identity.CheckedBy, nullTime(r.Identity.CheckedAt), nullTime(r.ClosedAt),
		string(r.Outcome), r.CloseNote, r.RejectionReason, nullString(r.verify.tokenHash), r.verify.codeHash,
		nullTime(r.verify.expiresAt), r.verify.attempts, r.verify.sends, nullTime(r.verify.sentAt), nullTime(r.PurgedAt),
		r.UpdatedAt.UTC(), r.ID, r.Version)
	if err != nil {
		return fmt.Errorf("requests: update: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("requests: update: %w", err)
	} else if n == 0 {
		return ErrConflict
	}
	r.Version++
	return nil
}

func (s *SQLStore) getRequest(ctx context.Context, q Querier, where string, arg any) (*Request, error) {
	r, err := scanRequest(q.QueryRow(ctx, `SELECT `+requestColumns+` FROM requests WHERE `+where, arg))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("requests: get: %w", err)
	}
	return r, err
}

func (s *SQLStore) GetRequest(ctx context.Context, q Querier, id string) (*Request, error) {
	return s.getRequest(ctx, q, "id = ?", id)
}

func (s *SQLStore) GetRequestByReference(ctx context.Context, q Querier, ref string) (*Request, error) {
	return s.getRequest(ctx, q, "reference = ?", ref)
}

func (s *SQLStore) GetRequestByVerifyToken(ctx context.Context, q Querier, hash string) (*Request, error) {
	return s.getRequest(ctx, q, "verify_token_hash = ?", hash)
}

func (s *SQLStore) ReferenceExists(ctx context.Context, q Querier, ref string) (bool, error) {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM requests WHERE reference = ?", ref).Scan(&n); err != nil {
		return false, fmt.Errorf("requests: reference: %w", err)
	}
	return n > 0, nil
}

// openStatesSQL is the SQL list of the open states.
var openStatesSQL = func() string {
	quoted := make([]string, len(OpenStates))
	for i, s := range OpenStates {
		quoted[i] = "'" + string(s) + "'"
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}()

func (s *SQLStore) ListRequests(ctx context.Context, f Filter, today time.Time) ([]Request, error) {
	var where []string
	var args []any
	add := func(clause string, a ...any) {
		where = append(where, clause)
		args = append(args, a...)
	}
	if f.State != "" {
		add("state = ?", string(f.State))
	}
	if f.Open || f.Overdue || f.DueWithinDays > 0 {
		add("state IN " + openStatesSQL)
	}
	if f.Type != "" {
		add("type = ?", string(f.Type))
	}
	if f.LawID != "" {
		add("law_id = ?", f.LawID)
	}
	switch f.Assignee {
	case "":
	case Unassigned:
		add("assignee_id IS NULL")
	default:
		add("assignee_id = ?", f.Assignee)
	}
	if f.Overdue {
		add("due_date < ?", today)
	}
	if f.DueWithinDays > 0 {
		add("due_date <= ?", today.AddDate(0, 0, f.DueWithinDays))
	}
	if f.Search != "" {
		if ref, ok := ParseReference(f.Search); ok {
			add("reference = ?", ref)
		} else {
			add("email = ?", strings.ToLower(strings.TrimSpace(f.Search)))
		}
	}
	if f.after != nil {
		add("(due_date > ? OR (due_date = ? AND id > ?))", f.after.due, f.after.due, f.after.id)
	}
	q := `SELECT ` + requestColumns + ` FROM requests`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY due_date, id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("requests: list: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("requests: list: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func (s *SQLStore) CountRequests(ctx context.Context, today time.Time, soonDays int) (Counts, error) {
	c := Counts{ByState: map[State]int{}}
	rows, err := s.db.Query(ctx, "SELECT state, COUNT(*) FROM requests GROUP BY state")
	if err != nil {
		return c, fmt.Errorf("requests: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return c, fmt.Errorf("requests: counts: %w", err)
		}
		c.ByState[State(st)] = n
		if !State(st).Terminal() {
			c.Open += n
		}
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	err = s.db.QueryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN due_date < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN due_date >= ? AND due_date <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM requests WHERE state IN `+openStatesSQL, today, today, today.AddDate(0, 0, soonDays)).
		Scan(&c.Overdue, &c.DueSoon, &c.Unassigned)
	if err != nil {
		return c, fmt.Errorf("requests: counts: %w", err)
	}
	return c, nil
}

func (s *SQLStore) PurgeCandidates(ctx context.Context, closedBefore time.Time, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM requests WHERE purged_at IS NULL AND closed_at IS NOT NULL AND closed_at < ?
		ORDER BY closed_at, id LIMIT ?`, closedBefore.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("requests: purge candidates: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// PurgeRequest is the retention checklist for one request. Every step only
// blanks or nulls what it touches, so running it again, or after a crash
// half-way, changes nothing more. What stays is anonymous: type, law,
// region, language, dates, state and outcome, and the shape of the
// timeline (kinds, times, states) without any text. It reports whether the
// request was purged by this call (false when it already was).
func (s *SQLStore) PurgeRequest(ctx context.Context, tx *db.Tx, id string, at time.Time) (bool, error) {
	var purged sql.NullTime
	if err := tx.QueryRow(ctx, "SELECT purged_at FROM requests WHERE id = ?", id).Scan(&purged); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, ErrNotFound
		}
		return false, fmt.Errorf("requests: purge: %w", err)
	}
	// 1. The emails sent about the request: the outbox keeps their text as
	// a record; blank it (only mail that is finished with).
	rows, err := tx.Query(ctx, "SELECT data FROM request_events WHERE request_id = ? AND kind = ?", id, string(EventEmailSent))
	if err != nil {
		return false, fmt.Errorf("requests: purge: %w", err)
	}
	var outboxIDs []string
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return false, fmt.Errorf("requests: purge: %w", err)
		}
		var d struct {
			OutboxID string `json:"outbox_id"`
		}
		if json.Unmarshal([]byte(raw), &d) == nil && d.OutboxID != "" {
			outboxIDs = append(outboxIDs, d.OutboxID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("requests: purge: %w", err)
	}
	for _, oid := range outboxIDs {
		if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET to_addr = '', subject = '', body_text = '', body_html = '', last_error = ''
			WHERE id = ? AND status IN ('sent', 'failed')`, oid); err != nil {
			return false, fmt.Errorf("requests: purge mail: %w", err)
		}
	}
	// 2. Timeline texts: notes, replies, messages, reasons.
	if _, err := tx.Exec(ctx, "UPDATE request_events SET body = '' WHERE request_id = ?", id); err != nil {
		return false, fmt.Errorf("requests: purge timeline: %w", err)
	}
	// 3. Tasks: the owners' notes and addresses, and any live link.
	if _, err := tx.Exec(ctx, `UPDATE request_tasks SET note = '', assignee_email = '', token_hash = NULL, token_expires_at = NULL
		WHERE request_id = ?`, id); err != nil {
		return false, fmt.Errorf("requests: purge tasks: %w", err)
	}
	// 4. The request itself: who asked and what they wrote.
	if _, err := tx.Exec(ctx, `UPDATE requests SET email = '', name = '', phone = '', subject = '', description = '',
		account_id = '', extension_reason = '', identity_note = '', close_note = '', rejection_reason = '',
		verify_token_hash = NULL, verify_code_hash = '', purged_at = COALESCE(purged_at, ?), updated_at = ?,
		version = version + 1 WHERE id = ?`, at.UTC(), at.UTC(), id); err != nil {
		return false, fmt.Errorf("requests: purge request: %w", err)
	}
	return !purged.Valid, nil
}

const eventColumns = "id, request_id, at, kind, actor, visibility, body, data"

func (s *SQLStore) InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	data := e.Data
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("requests: event data: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO request_events(`+eventColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.RequestID, e.At.UTC(), string(e.Kind), e.Actor, string(e.Visibility), e.Body, string(raw))
	if err != nil {
		return fmt.Errorf("requests: insert event: %w", err)
	}
	return nil
}

func (s *SQLStore) ListEvents(ctx context.Context, q Querier, requestID string, subjectOnly bool) ([]Event, error) {
	query := `SELECT ` + eventColumns + ` FROM request_events WHERE request_id = ?`
	args := []any{requestID}
	if subjectOnly {
		query += " AND visibility = ?"
		args = append(args, string(VisibleSubject))
	}
	rows, err := q.Query(ctx, query+" ORDER BY at, id", args...)
	if err != nil {
		return nil, fmt.Errorf("requests: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var kind, vis, raw string
		if err := rows.Scan(&e.ID, &e.RequestID, &e.At, &kind, &e.Actor, &vis, &e.Body, &raw); err != nil {
			return nil, fmt.Errorf("requests: events: %w", err)
		}
		e.At, e.Kind, e.Visibility = e.At.UTC(), EventKind(kind), Visibility(vis)
		if err := json.Unmarshal([]byte(raw), &e.Data); err != nil {
			return nil, fmt.Errorf("requests: event %s data: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const taskColumns = `id, request_id, system_id, system_name, kind, state, assignee_email, note, done_at, done_by,
	token_hash, token_expires_at, created_at, updated_at`

func scanTask(row scanner) (*Task, error) {
	var t Task
	var kind, state string
	var systemID, tokenHash sql.NullString
	var doneAt, tokenExp sql.NullTime
	err := row.Scan(&t.ID, &t.RequestID, &systemID, &t.SystemName, &kind, &state, &t.AssigneeEmail, &t.Note,
		&doneAt, &t.DoneBy, &tokenHash, &tokenExp, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrTaskNotFound
		}
		return nil, fmt.Errorf("requests: task: %w", err)
	}
	t.SystemID, t.tokenHash = systemID.String, tokenHash.String
	t.Kind, t.State = SystemKind(kind), TaskState(state)
	t.DoneAt, t.tokenExpiresAt = timePtr(doneAt), timePtr(tokenExp)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func (s *SQLStore) InsertTask(ctx context.Context, tx *db.Tx, t *Task) error {
	_, err := tx.Exec(ctx, `INSERT INTO request_tasks(`+taskColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.RequestID, nullString(t.SystemID), t.SystemName, string(t.Kind), string(t.State), t.AssigneeEmail, t.Note,
		nullTime(t.DoneAt), t.DoneBy, nullString(t.tokenHash), nullTime(t.tokenExpiresAt), t.CreatedAt.UTC(), t.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("requests: insert task: %w", err)
	}
	return nil
}

func (s *SQLStore) UpdateTask(ctx context.Context, tx *db.Tx, t *Task, from TaskState) error {
	res, err := tx.Exec(ctx, `UPDATE request_tasks SET state = ?, assignee_email = ?, note = ?, done_at = ?, done_by = ?,
		token_hash = ?, token_expires_at = ?, updated_at = ? WHERE id = ? AND state = ?`,
		string(t.State), t.AssigneeEmail, t.Note, nullTime(t.DoneAt), t.DoneBy, nullString(t.tokenHash),
		nullTime(t.tokenExpiresAt), t.UpdatedAt.UTC(), t.ID, string(from))
	if err != nil {
		return fmt.Errorf("requests: update task: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("requests: update task: %w", err)
	} else if n == 0 {
		return ErrConflict
	}
	return nil
}

func (s *SQLStore) GetTask(ctx context.Context, q Querier, id string) (*Task, error) {
	return scanTask(q.QueryRow(ctx, `SELECT `+taskColumns+` FROM request_tasks WHERE id = ?`, id))
}

func (s *SQLStore) GetTaskByToken(ctx context.Context, q Querier, hash string) (*Task, error) {
	return scanTask(q.QueryRow(ctx, `SELECT `+taskColumns+` FROM request_tasks WHERE token_hash = ?`, hash))
}

func (s *SQLStore) ListTasks(ctx context.Context, q Querier, requestID string) ([]Task, error) {
	rows, err := q.Query(ctx, `SELECT `+taskColumns+` FROM request_tasks WHERE request_id = ? ORDER BY created_at, id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("requests: tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

const systemColumns = "id, name, owner_email, kind, description, active, created_at, updated_at"

func scanSystem(row scanner) (*System, error) {
	var s System
	var kind string
	err := row.Scan(&s.ID, &s.Name, &s.OwnerEmail, &kind, &s.Description, &s.Active, &s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrSystemNotFound
		}
		return nil, fmt.Errorf("requests: system: %w", err)
	}
	s.Kind = SystemKind(kind)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// systemNameKey makes "Shop", "shop " and "SHOP" one name.
func systemNameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

func (s *SQLStore) InsertSystem(ctx context.Context, tx *db.Tx, sys *System) error {
	_, err := tx.Exec(ctx, `INSERT INTO systems(id, name, name_key, owner_email, kind, description, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sys.ID, sys.Name, systemNameKey(sys.Name), sys.OwnerEmail, string(sys.Kind),
		sys.Description, sys.Active, sys.CreatedAt.UTC(), sys.UpdatedAt.UTC())
	if db.IsUniqueViolation(err) {
		return ErrSystemNameTaken
	}
	if err != nil {
		return fmt.Errorf("requests: insert system: %w", err)
	}
	return nil
}

func (s *SQLStore) UpdateSystem(ctx context.Context, tx *db.Tx, sys *System) error {
	res, err := tx.Exec(ctx, `UPDATE systems SET name = ?, name_key = ?, owner_email = ?, kind = ?, description = ?, active = ?,
		updated_at = ? WHERE id = ?`, sys.Name, systemNameKey(sys.Name), sys.OwnerEmail, string(sys.Kind), sys.Description,
		sys.Active, sys.UpdatedAt.UTC(), sys.ID)
	if db.IsUniqueViolation(err) {
		return ErrSystemNameTaken
	}
	if err != nil {
		return fmt.Errorf("requests: update system: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrSystemNotFound
	}
	return nil
}

func (s *SQLStore) DeleteSystem(ctx context.Context, tx *db.Tx, id string) error {
	res, err := tx.Exec(ctx, "DELETE FROM systems WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("requests: delete system: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrSystemNotFound
	}
	return nil
}

func (s *SQLStore) GetSystem(ctx context.Context, q Querier, id string) (*System, error) {
	return scanSystem(q.QueryRow(ctx, `SELECT `+systemColumns+` FROM systems WHERE id = ?`, id))
}

func (s *SQLStore) ListSystems(ctx context.Context, q Querier, activeOnly bool) ([]System, error) {
	query := `SELECT ` + systemColumns + ` FROM systems`
	var args []any
	if activeOnly {
		query += " WHERE active = ?"
		args = append(args, true)
	}
	rows, err := q.Query(ctx, query+" ORDER BY name_key, id", args...)
	if err != nil {
		return nil, fmt.Errorf("requests: systems: %w", err)
	}
	defer rows.Close()
	var out []System
	for rows.Next() {
		sys, err := scanSystem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *sys)
	}
	return out, rows.Err()
}

func (s *SQLStore) Key(ctx context.Context, name string, gen func() (string, error)) (string, error) {
	read := func() (string, error) {
		var v string
		err := s.db.Write.QueryRowContext(ctx, s.db.Rebind("SELECT value FROM secret_keys WHERE name = ?"), name).Scan(&v)
		return v, err
	}
	v, err := read()
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("requests: key: %w", err)
	}
	fresh, err := gen()
	if err != nil {
		return "", fmt.Errorf("requests: key: %w", err)
	}
	// Two instances starting at once: the first insert wins, both read it.
	if _, err := s.db.Exec(ctx, `INSERT INTO secret_keys(name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, fresh, time.Now().UTC()); err != nil {
		return "", fmt.Errorf("requests: key: %w", err)
	}
	if v, err = read(); err != nil {
		return "", fmt.Errorf("requests: key: %w", err)
	}
	return v, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
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

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
