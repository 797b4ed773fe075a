package consent

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/garde-privacy/garde/internal/db"
)

// chunkSizes are the row counts of the ledger's insert statements on
// SQLite. A group is written as a few statements of these sizes, so that
// only a handful of distinct statements exist, each prepared once on the
// writer instead of parsed once per group.
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

// exactChunks calls fn with slices of chunkSizes[0] rows and one of the
// rest: PostgreSQL's groups are written in as few statements as possible,
// each a round trip to the server; the driver describes each of the 64
// sizes once per connection and keeps it.
func exactChunks(n int, fn func(off, size int) error) error {
	for off := 0; off < n; off += chunkSizes[0] {
		if err := fn(off, min(chunkSizes[0], n-off)); err != nil {
			return err
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

func insertEventsSQL(rows int) string {
	return `INSERT INTO consent_events(` + eventColumns + `) VALUES ` + rowsSQL(rows, eventParams)
}

// stmtCache holds the ledger's statements, rewritten for the dialect and,
// on SQLite, prepared on the writer connection.
type stmtCache struct {
	once     sync.Once
	events   map[int]string
	mu       sync.Mutex
	prepared map[string]*sql.Stmt
}

func (c *stmtCache) init(d *db.DB) {
	c.once.Do(func() {
		c.events = map[int]string{}
		for _, n := range chunkSizes {
			c.events[n] = d.Rebind(insertEventsSQL(n))
		}
		if d.Dialect == db.Postgres {
			for n := 1; n < chunkSizes[0]; n++ {
				c.events[n] = d.Rebind(insertEventsSQL(n))
			}
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
	for _, q := range c.events {
		st, err := s.db.Write.PrepareContext(ctx, q)
		if err != nil {
			for _, st := range prepared {
				st.Close()
			}
			return fmt.Errorf("consent: prepare: %w", err)
		}
		prepared[q] = st
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

// InsertEvent appends e.
func (s *SQLStore) InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	return s.InsertEvents(ctx, tx, []*Event{e})
}

// InsertEvents appends events with a few multi-row statements. Nothing
// else is written: the current state is derived on read (States), so an
// event costs one row and one holder index entry (two when it names both
// a person and a device).
func (s *SQLStore) InsertEvents(ctx context.Context, tx *db.Tx, events []*Event) error {
	if len(events) == 0 {
		return nil
	}
	c := &s.stmts
	c.init(s.db)
	args := make([]any, 0, eventParams*min(len(events), chunkSizes[0]))
	split := chunks
	if s.db.Dialect == db.Postgres {
		split = exactChunks
	}
	err := split(len(events), func(off, size int) error {
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
	return nil
}
