package consent

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/garde-privacy/garde/internal/db"
)

// maxRows is the most events one insert statement writes. A group of up
// to maxRows events is one statement, which needs no transaction around
// it; a larger one is written in statements of maxRows and one of the
// rest.
const maxRows = 64

// rowsSQL repeats a row of params placeholders: "(?, ?), (?, ?)".
func rowsSQL(rows, params int) string {
	row := "(" + strings.Repeat("?, ", params-1) + "?)"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

const eventParams = 15

func insertEventsSQL(rows int) string {
	return `INSERT INTO consent_events(` + eventColumns + `) VALUES ` + rowsSQL(rows, eventParams)
}

// stmtCache holds the ledger's insert statements, one per row count,
// rewritten for the dialect and, on SQLite, prepared on the writer
// connection the first time they run outside a transaction (the writer
// has one connection, which a transaction holds). PostgreSQL's driver
// keeps its own prepared statements per connection.
type stmtCache struct {
	once     sync.Once
	sql      [maxRows + 1]string
	mu       sync.Mutex
	prepared [maxRows + 1]*sql.Stmt
}

func (c *stmtCache) init(d *db.DB) {
	c.once.Do(func() {
		for n := 1; n <= maxRows; n++ {
			c.sql[n] = d.Rebind(insertEventsSQL(n))
		}
	})
}

// stmt returns the prepared statement for n rows, if there is one.
func (c *stmtCache) stmt(n int) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prepared[n]
}

// prepare returns the statement for n rows, preparing it on SQLite's
// writer; nil when it cannot (the statement is then parsed as it runs).
func (c *stmtCache) prepare(ctx context.Context, d *db.DB, n int) *sql.Stmt {
	if d.Dialect != db.SQLite {
		return nil
	}
	if st := c.stmt(n); st != nil {
		return st
	}
	st, err := d.Write.PrepareContext(ctx, c.sql[n])
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prepared[n] != nil {
		st.Close()
		return c.prepared[n]
	}
	c.prepared[n] = st
	return st
}

// exec writes n rows with the cached statement, in a transaction or on
// its own.
func (s *SQLStore) exec(ctx context.Context, q db.Querier, n int, args []any) error {
	c := &s.stmts
	var err error
	switch x := q.(type) {
	case *db.Tx:
		if st := c.stmt(n); st != nil {
			_, err = x.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		} else {
			_, err = x.Tx.ExecContext(ctx, c.sql[n], args...)
		}
	case *db.DB:
		if st := c.prepare(ctx, x, n); st != nil {
			_, err = st.ExecContext(ctx, args...)
		} else {
			_, err = x.Write.ExecContext(ctx, c.sql[n], args...)
		}
	default:
		_, err = q.Exec(ctx, c.sql[n], args...)
	}
	return err
}

// OneStatement tells whether InsertEvents writes n events with a single
// statement, which is atomic without a transaction around it: that saves
// a group its BEGIN and COMMIT (two of its three round trips on
// PostgreSQL).
func (s *SQLStore) OneStatement(n int) bool { return n >= 1 && n <= maxRows }

// InsertEvent appends e.
func (s *SQLStore) InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	return s.InsertEvents(ctx, tx, []*Event{e})
}

// InsertEvents appends events with as few multi-row statements as
// possible. Nothing else is written: the current state is derived on read
// (States), so an event costs one row and one holder index entry (two
// when it names both a person and a device).
func (s *SQLStore) InsertEvents(ctx context.Context, q db.Querier, events []*Event) error {
	c := &s.stmts
	c.init(s.db)
	if d, ok := q.(*db.DB); ok && d.PgxPool != nil && len(events) <= maxRows {
		if err := s.pgInsert(ctx, d.PgxPool, events); err != nil {
			return fmt.Errorf("consent: insert events: %w", err)
		}
		return nil
	}
	args := make([]any, 0, eventParams*min(len(events), maxRows))
	for off := 0; off < len(events); off += maxRows {
		n := min(maxRows, len(events)-off)
		args = args[:0]
		for _, e := range events[off : off+n] {
			args = append(args, e.ID, e.SiteID, e.SubjectID, e.DeviceID, string(e.Kind), encodePurposes(e.Granted),
				encodePurposes(e.Refused), string(e.Method), string(e.Source), e.NoticeVersion, e.Language, e.GPC, e.Actor,
				e.GivenAt, e.RecordedAt)
		}
		if err := s.exec(ctx, q, n, args); err != nil {
			return fmt.Errorf("consent: insert events: %w", err)
		}
	}
	return nil
}
