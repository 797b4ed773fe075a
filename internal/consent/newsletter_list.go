package consent

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
)

// What the back office reads of a re-permission campaign: where it stands
// and who is at which stage.

// SubscriberRow is a subscriber as the back office lists them.
type SubscriberRow struct {
	ID, Email, Name, HowAdded, Status string
	SubscribedAt, AskedAt, Deadline   *time.Time
	ConfirmedAt, ArchivedAt           *time.Time
	CreatedAt                         time.Time
}

// SubscriberQuery selects subscribers: Search is part of an address or a
// name, Status one of SubStatuses (empty: any).
type SubscriberQuery struct {
	Search, Status string
	Limit, Offset  int
}

// MaxSubscriberPage is the most subscribers listed at once.
const MaxSubscriberPage = 200

// Campaign is where the re-permission campaign stands.
type Campaign struct {
	Counts map[string]int // by status, every status present
	Total  int
	// PastDeadline are the subscribers asked whose deadline has passed:
	// the next archive takes them.
	PastDeadline int
	// NextDeadline is the earliest deadline of those still to answer.
	NextDeadline *time.Time
	// SentLastHour and PerHour: how much of the hourly cap is used.
	SentLastHour, PerHour int
	// Days is how long each person has to confirm.
	Days int
}

// Remaining is how many emails may still go out this hour.
func (c *Campaign) Remaining() int { return max(0, c.PerHour-c.SentLastHour) }

// Campaign reports the counts, the deadlines and the hourly cap.
func (s *Service) Campaign(ctx context.Context) (*Campaign, error) {
	counts, err := s.SubscriberCounts(ctx)
	if err != nil {
		return nil, err
	}
	c := &Campaign{Counts: counts, PerHour: s.perHour, Days: s.repermissionDays}
	for _, n := range counts {
		c.Total += n
	}
	now := s.now().UTC()
	var next sql.NullTime
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM consent_subscribers WHERE status = ? AND deadline < ?`,
		SubAsked, now).Scan(&c.PastDeadline); err != nil {
		return nil, err
	}
	// ORDER BY rather than MIN: an aggregate loses the column's type on
	// SQLite and would come back as text.
	err = s.db.QueryRow(ctx, `SELECT deadline FROM consent_subscribers WHERE status = ? AND deadline >= ? ORDER BY deadline LIMIT 1`,
		SubAsked, now).Scan(&next)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if next.Valid {
		t := next.Time.UTC()
		c.NextDeadline = &t
	}
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM consent_subscribers WHERE asked_at > ?",
		now.Add(-time.Hour)).Scan(&c.SentLastHour); err != nil {
		return nil, err
	}
	return c, nil
}

// likePattern matches s anywhere, its wildcard characters taken as such.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// Subscribers lists the subscribers matching q, oldest import first, and
// how many match in all.
func (s *Service) Subscribers(ctx context.Context, q SubscriberQuery) ([]SubscriberRow, int, error) {
	var where []string
	var args []any
	if q.Status != "" && slices.Contains(SubStatuses, q.Status) {
		where = append(where, "status = ?")
		args = append(args, q.Status)
	}
	if v := strings.TrimSpace(q.Search); v != "" {
		where = append(where, `(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`)
		args = append(args, likePattern(v), likePattern(v))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM consent_subscribers"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := q.Limit
	if limit <= 0 || limit > MaxSubscriberPage {
		limit = MaxSubscriberPage
	}
	rows, err := s.db.Query(ctx, `SELECT id, email, name, how_added, status, subscribed_at, asked_at, deadline, confirmed_at, archived_at, created_at
		FROM consent_subscribers`+cond+" ORDER BY created_at, email LIMIT ? OFFSET ?", append(args, limit, max(0, q.Offset))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []SubscriberRow
	for rows.Next() {
		var r SubscriberRow
		var sub, asked, deadline, confirmed, archived sql.NullTime
		if err := rows.Scan(&r.ID, &r.Email, &r.Name, &r.HowAdded, &r.Status, &sub, &asked, &deadline, &confirmed, &archived,
			&r.CreatedAt); err != nil {
			return nil, 0, err
		}
		r.SubscribedAt, r.AskedAt, r.Deadline = optTime(sub), optTime(asked), optTime(deadline)
		r.ConfirmedAt, r.ArchivedAt = optTime(confirmed), optTime(archived)
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, total, rows.Err()
}

func optTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
