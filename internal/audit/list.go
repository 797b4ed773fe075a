package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ListFilter selects entries for List. Zero fields do not filter.
type ListFilter struct {
	// Limit is the page size: 50 when zero, at most 500.
	Limit int
	// BeforeSeq pages backwards: only entries with a smaller seq.
	BeforeSeq int64
	Action    string
	Actor     string
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// List returns entries newest first.
func (l *Log) List(ctx context.Context, f ListFilter) ([]Entry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	var where []string
	var args []any
	if f.BeforeSeq > 0 {
		where = append(where, "seq < ?")
		args = append(args, f.BeforeSeq)
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.Actor != "" {
		where = append(where, "actor = ?")
		args = append(args, f.Actor)
	}
	q := "SELECT seq, at, actor, action, target, details, prev_hash, hash FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit)
	rows, err := l.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		e := r.entry()
		if e.Details, err = decodeDetails(r.details); err != nil {
			// A damaged row is still listed; Verify reports it.
			e.Details = map[string]any{"_unreadable": r.details}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}

// Head returns the newest entry, or ok=false when the log is empty. Writing
// its seq and hash somewhere else (a ticket, a notebook) anchors the chain:
// a later Verify plus that anchor also catches entries removed at the end.
func (l *Log) Head(ctx context.Context) (e Entry, ok bool, err error) {
	entries, err := l.List(ctx, ListFilter{Limit: 1})
	if err != nil || len(entries) == 0 {
		return Entry{}, false, err
	}
	return entries[0], true, nil
}

// row is an audit_log row as stored, details still in their JSON text.
type row struct {
	seq                            int64
	at                             time.Time
	actor, action, target, details string
	prevHash, hash                 string
}

func scanRow(rows *sql.Rows) (row, error) {
	var r row
	err := rows.Scan(&r.seq, &r.at, &r.actor, &r.action, &r.target, &r.details, &r.prevHash, &r.hash)
	if err != nil {
		return row{}, err
	}
	r.at = r.at.UTC()
	return r, nil
}

func (r row) entry() Entry {
	return Entry{Seq: r.seq, At: r.at, Actor: r.actor, Action: r.action, Target: r.target, PrevHash: r.prevHash, Hash: r.hash}
}
