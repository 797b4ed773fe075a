package consent

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/garde-privacy/garde/internal/db"
)

// chunkSizes are the row counts of the ledger's insert statements. A group
// is written as a few statements of these sizes, so that only a handful of
// distinct statements exist: each is parsed once (SQLite) or described once
// (PostgreSQL) instead of once per group.
var chunkSizes = [...]int{64, 16, 4, 1}

// chunks calls fn with consecutive slices [off, off+size) covering n rows.
func chunks(n int, fn func(off, size int) error) error {
	off := 0
	for _, size := range chunkSizes {
		for n-off >= size {
			if err := fn(off, size); err != nil {
				return err
			}
			off += size
		}
	}
	return nil
}

// rowsSQL repeats a row of params placeholders: "(?, ?), (?, ?)".
func rowsSQL(rows, params int) string {
	row := "(" + strings.Repeat("?, ", params-1) + "?)"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

const eventParams = 15

const stateParams = 6

func insertEventsSQL(rows int) string {
	return `INSERT INTO consent_events(` + eventColumns + `) VALUES ` + rowsSQL(rows, eventParams)
}

func upsertStateSQL(rows int) string {
	return `INSERT INTO consent_state(holder, purpose, decision, event_id, notice_version, decided_at)
		VALUES ` + rowsSQL(rows, stateParams) + `
		ON CONFLICT (holder, purpose) DO UPDATE SET decision = excluded.decision, event_id = excluded.event_id,
			notice_version = excluded.notice_version, decided_at = excluded.decided_at
		WHERE consent_state.decided_at <= excluded.decided_at`
}

// stmtCache holds the ledger's statements, rewritten for the dialect and,
// on SQLite, prepared on the writer connection.
type stmtCache struct {
	once     sync.Once
	events   map[int]string
	state    map[int]string
	mu       sync.Mutex
	prepared map[string]*sql.Stmt
}

func (c *stmtCache) init(d *db.DB) {
	c.once.Do(func() {
		c.events, c.state = map[int]string{}, map[int]string{}
		for _, n := range chunkSizes {
			c.events[n], c.state[n] = d.Rebind(insertEventsSQL(n)), d.Rebind(upsertStateSQL(n))
		}
	})
}

// Prepare readies the insert statements on SQLite's writer connection.
// It must run outside a transaction: the writer has one connection, which
// a transaction holds. Without it, or if it fails, statements are parsed
// as they run.
func (s *SQLStore) Prepare(ctx context.Context) error {
	if s.db.Dialect != db.SQLite {
		return nil
	}
	c := &s.stmts
	c.init(s.db)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prepared != nil {
		return nil
	}
	prepared := map[string]*sql.Stmt{}
	for _, m := range []map[int]string{c.events, c.state} {
		for _, q := range m {
			st, err := s.db.Write.PrepareContext(ctx, q)
			if err != nil {
				for _, st := range prepared {
					st.Close()
				}
				return fmt.Errorf("consent: prepare: %w", err)
			}
			prepared[q] = st
		}
	}
	c.prepared = prepared
	return nil
}

// exec runs one of the cached statements in tx.
func (s *SQLStore) exec(ctx context.Context, tx *db.Tx, q string, args []any) error {
	s.stmts.mu.Lock()
	st := s.stmts.prepared[q]
	s.stmts.mu.Unlock()
	var err error
	if st != nil {
		_, err = tx.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		_, err = tx.Tx.ExecContext(ctx, q, args...)
	}
	return err
}

// InsertEvent appends e and moves the derived state.
func (s *SQLStore) InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	return s.InsertEvents(ctx, tx, []*Event{e})
}

// stateRow is the decision one event leaves for a holder and purpose.
type stateRow struct {
	holder, purpose string
	d               Decision
	e               *Event
}

// InsertEvents appends events with a few multi-row statements and moves
// the derived state with a few more. The state only moves forward in time:
// an import of older choices never overrides a newer one.
func (s *SQLStore) InsertEvents(ctx context.Context, tx *db.Tx, events []*Event) error {
	if len(events) == 0 {
		return nil
	}
	c := &s.stmts
	c.init(s.db)
	args := make([]any, 0, eventParams*min(len(events), chunkSizes[0]))
	err := chunks(len(events), func(off, size int) error {
		args = args[:0]
		for _, e := range events[off : off+size] {
			args = append(args, e.ID, e.SiteID, e.SubjectID, e.DeviceID, string(e.Kind), encodePurposes(e.Granted),
				encodePurposes(e.Refused), string(e.Method), string(e.Source), e.NoticeVersion, e.Language, e.GPC, e.Actor,
				e.GivenAt, e.RecordedAt)
		}
		return s.exec(ctx, tx, c.events[size], args)
	})
	if err != nil {
		return fmt.Errorf("consent: insert events: %w", err)
	}

	rows := latestStates(events)
	err = chunks(len(rows), func(off, size int) error {
		args = args[:0]
		for _, r := range rows[off : off+size] {
			args = append(args, r.holder, r.purpose, string(r.d), r.e.ID, r.e.NoticeVersion, r.e.GivenAt)
		}
		return s.exec(ctx, tx, c.state[size], args)
	})
	if err != nil {
		return fmt.Errorf("consent: state: %w", err)
	}
	return nil
}

// latestStates returns one row per holder and purpose (a statement may not
// touch a row twice, so within the group the latest decision wins here
// already), sorted by key: concurrent groups then lock state rows in the
// same order and cannot deadlock.
func latestStates(events []*Event) []stateRow {
	type key struct{ holder, purpose string }
	at := make(map[key]int, 2*len(events))
	rows := make([]stateRow, 0, 2*len(events))
	put := func(holder string, ps []Purpose, d Decision, e *Event) {
		for _, p := range ps {
			k := key{holder, string(p)}
			i, seen := at[k]
			switch {
			case !seen:
				at[k] = len(rows)
				rows = append(rows, stateRow{holder: holder, purpose: string(p), d: d, e: e})
			case !e.GivenAt.Before(rows[i].e.GivenAt):
				rows[i].d, rows[i].e = d, e
			}
		}
	}
	for _, e := range events {
		for _, h := range [2]Holder{{SubjectID: e.SubjectID}, {DeviceID: e.DeviceID}} {
			if h.SubjectID == "" && h.DeviceID == "" {
				continue
			}
			hk := h.key()
			put(hk, e.Granted, Granted, e)
			put(hk, e.Refused, Refused, e)
		}
	}
	slices.SortFunc(rows, func(a, b stateRow) int {
		return cmp.Or(strings.Compare(a.holder, b.holder), strings.Compare(a.purpose, b.purpose))
	})
	return rows
}
