package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Item is one outbox row. Its subject and bodies never show a Secret: one
// still waiting to be sent is shown replaced by the marker, as it will be
// stored once sent.
type Item struct {
	ID        string
	To        string
	Lang      i18n.Lang
	Template  string
	Subject   string
	BodyText  string
	BodyHTML  string
	Status    string
	Attempts  int
	LastError string
	// MessageID is set once sent (without angle brackets).
	MessageID string
	CreatedAt time.Time
	UpdatedAt time.Time
	// SentAt is nil until the server accepts the message.
	SentAt *time.Time
}

// ListFilter selects outbox rows. Zero fields do not filter.
type ListFilter struct {
	Status string
	// Limit is 50 when zero, at most 500.
	Limit int
}

// ErrNotFound is returned by Get for an unknown ID.
var ErrNotFound = i18n.NewError("mail.error.not_found")

const itemColumns = "id, to_addr, locale, template, subject, body_text, body_html, status, attempts, last_error, message_id, created_at, updated_at, sent_at"

// shownColumns are itemColumns and the secrets that scanShown hides.
const shownColumns = itemColumns + ", secrets"

// scanShown reads shownColumns into an Item without its secrets.
func (o *Outbox) scanShown(s scanner) (Item, error) {
	var raw string
	it, err := scanItem(s, &raw)
	if err != nil {
		return Item{}, err
	}
	secrets, err := decodeSecrets(raw)
	if err != nil {
		return Item{}, err
	}
	return o.redactItem(it, secrets), nil
}

// List returns outbox rows, newest first.
func (o *Outbox) List(ctx context.Context, f ListFilter) ([]Item, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := "SELECT " + shownColumns + " FROM mail_outbox"
	var args []any
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			return nil, i18n.NewError("mail.error.invalid_status", map[string]any{"Status": f.Status})
		}
		q += " WHERE status = ?"
		args = append(args, f.Status)
	}
	// IDs are UUIDv7, so they break ties in creation order.
	q += " ORDER BY created_at DESC, id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := o.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("mail: list: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := o.scanShown(rows)
		if err != nil {
			return nil, fmt.Errorf("mail: list: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail: list: %w", err)
	}
	return out, nil
}

// Get returns one outbox row, or ErrNotFound.
func (o *Outbox) Get(ctx context.Context, id string) (Item, error) {
	it, err := o.scanShown(o.db.QueryRow(ctx, "SELECT "+shownColumns+" FROM mail_outbox WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("mail: get: %w", err)
	}
	return it, nil
}

// Counts returns the number of rows in each status (every status present,
// zero included) for the back office and the metrics.
func (o *Outbox) Counts(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(Statuses))
	for _, s := range Statuses {
		out[s] = 0
	}
	rows, err := o.db.Query(ctx, "SELECT status, COUNT(*) FROM mail_outbox GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("mail: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("mail: counts: %w", err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mail: counts: %w", err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

// scanItem reads itemColumns, then any extra columns into extra.
func scanItem(s scanner, extra ...any) (Item, error) {
	var it Item
	var lang string
	var sent sql.NullTime
	dest := []any{&it.ID, &it.To, &lang, &it.Template, &it.Subject, &it.BodyText, &it.BodyHTML, &it.Status,
		&it.Attempts, &it.LastError, &it.MessageID, &it.CreatedAt, &it.UpdatedAt, &sent}
	err := s.Scan(append(dest, extra...)...)
	if err != nil {
		return Item{}, err
	}
	it.Lang = i18n.Lang(lang)
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	if sent.Valid {
		t := sent.Time.UTC()
		it.SentAt = &t
	}
	return it, nil
}
