package erase

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// Record says exactly what an erasure changed (or, in a dry run, would
// change): per collection, the rows by primary key and the fields.
type Record struct {
	Systems []*System `json:"systems"`
}

// System is the part of an erasure done in one system's transaction.
type System struct {
	Dataset     string        `json:"dataset"`
	Collections []*Collection `json:"collections"`
	// Done is set once the transaction committed.
	Done bool `json:"done"`
	// Error is why the transaction was rolled back.
	Error string `json:"error,omitempty"`
}

// Collection is what changed in one collection.
type Collection struct {
	Name       string   `json:"collection"`
	Action     string   `json:"action"` // "update" or "delete"
	Fields     []string `json:"fields,omitempty"`
	PrimaryKey []string `json:"primary_key"`
	Rows       [][]any  `json:"rows"`

	step *plan.Step
	news [][]any // the new values of Fields, per row
}

// Options tune a run.
type Options struct {
	// Key is the secret of the keyed hash; the same key gives the same
	// hash, so erased rows stay distinct and a re-import can be matched.
	Key []byte
	// DryRun reads and plans every change, and writes nothing.
	DryRun bool
}

// Run reads the person's rows with the plan, then changes them system by
// system. Every row to change is read before anything is written, so a
// value changed in one collection cannot hide rows of another. When a
// system fails its transaction rolls back, the systems done before stay
// done, and the record says which is which.
func Run(ctx context.Context, p *plan.Plan, conns map[string]*connect.Conn, opts Options) (*Record, error) {
	if len(opts.Key) < 16 && !opts.DryRun {
		return nil, fmt.Errorf("erase: a key of at least 16 bytes is required")
	}
	for _, s := range p.Steps {
		if (s.DeleteRows || len(s.Changes) > 0) && len(s.Collection.PrimaryKeys()) == 0 {
			return nil, fmt.Errorf("%s: erasure needs a primary key: mark one with fides_meta primary_key: true", s.Collection.Key())
		}
	}
	col := &collector{key: opts.Key, byStep: map[*plan.Step]*Collection{}}
	if _, err := access.Run(ctx, p, conns, col); err != nil {
		return nil, err
	}
	rec := &Record{}
	bySystem := map[string]*System{}
	for _, s := range order(p) {
		c := col.byStep[s]
		if c == nil {
			continue
		}
		k := s.Collection.Dataset.FidesKey
		sys := bySystem[k]
		if sys == nil {
			sys = &System{Dataset: k}
			bySystem[k] = sys
			rec.Systems = append(rec.Systems, sys)
		}
		sys.Collections = append(sys.Collections, c)
	}
	if opts.DryRun {
		return rec, nil
	}
	for _, sys := range rec.Systems {
		if err := apply(ctx, conns[sys.Dataset], sys); err != nil {
			sys.Error = err.Error()
			return rec, fmt.Errorf("%s: %w (rolled back; nothing changed in this system)", sys.Dataset, err)
		}
		sys.Done = true
	}
	return rec, nil
}

// collector is the sink that keeps, for each row to change, its primary key
// and the new values.
type collector struct {
	key    []byte
	byStep map[*plan.Step]*Collection
	cur    *Collection
	pkIdx  []int
	chIdx  []int
}

func (c *collector) Begin(s *plan.Step) error {
	c.cur = nil
	if !s.DeleteRows && len(s.Changes) == 0 {
		return nil
	}
	col := &Collection{Name: s.Collection.Name, Action: "update", step: s, Rows: [][]any{}}
	if s.DeleteRows {
		col.Action = "delete"
	}
	c.pkIdx, c.chIdx = nil, nil
	for _, f := range s.Collection.PrimaryKeys() {
		col.PrimaryKey = append(col.PrimaryKey, f.Name)
		c.pkIdx = append(c.pkIdx, index(s.Read, f))
	}
	if !s.DeleteRows {
		for _, ch := range s.Changes {
			col.Fields = append(col.Fields, ch.Field.Name)
			c.chIdx = append(c.chIdx, index(s.Read, ch.Field))
		}
	}
	c.cur = col
	c.byStep[s] = col
	return nil
}

func (c *collector) Row(s *plan.Step, values []any) error {
	if c.cur == nil {
		return nil
	}
	pk := make([]any, len(c.pkIdx))
	for i, j := range c.pkIdx {
		pk[i] = values[j]
	}
	c.cur.Rows = append(c.cur.Rows, pk)
	if s.DeleteRows {
		return nil
	}
	news := make([]any, len(c.chIdx))
	for i, j := range c.chIdx {
		v, err := mask(c.key, s.Changes[i], values[j])
		if err != nil {
			return err
		}
		news[i] = v
	}
	c.cur.news = append(c.cur.news, news)
	return nil
}

func (c *collector) End(*plan.Step, int64) error { return nil }

func index(fs []*dataset.Field, f *dataset.Field) int {
	for i, x := range fs {
		if x == f {
			return i
		}
	}
	return -1
}

// apply changes one system's rows in one transaction.
func apply(ctx context.Context, conn *connect.Conn, sys *System) error {
	tx, err := conn.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, c := range sys.Collections {
		if len(c.Rows) == 0 {
			continue
		}
		if c.Action == "delete" && len(c.PrimaryKey) == 1 {
			if err := deleteBatches(ctx, tx, conn, c); err != nil {
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			continue
		}
		q := statement(conn, c)
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		for i, pk := range c.Rows {
			var args []any
			if c.Action == "update" {
				args = append(args, c.news[i]...)
			}
			args = append(args, pk...)
			res, err := stmt.ExecContext(ctx, args...)
			if err != nil {
				stmt.Close()
				return fmt.Errorf("%s: %w", c.Name, err)
			}
			if n, err := res.RowsAffected(); err == nil && n != 1 {
				stmt.Close()
				return fmt.Errorf("%s: row %v changed %d rows (was it changed or removed meanwhile?)", c.Name, pk, n)
			}
		}
		stmt.Close()
	}
	return tx.Commit()
}

// batchSize bounds the keys sent in one DELETE.
const batchSize = 5000

// deleteBatches deletes rows by a one-column primary key, many per
// statement, the keys in one array parameter.
func deleteBatches(ctx context.Context, tx *sql.Tx, conn *connect.Conn, c *Collection) error {
	tbl := table(c)
	pk := dataset.Quote(c.PrimaryKey[0])
	q := "DELETE FROM " + tbl + " WHERE " + pk + " IN (SELECT value FROM json_each(?))"
	if conn.Dialect == connect.Postgres {
		q = "DELETE FROM " + tbl + " WHERE " + pk + " = ANY($1)"
	}
	for start := 0; start < len(c.Rows); start += batchSize {
		end := min(start+batchSize, len(c.Rows))
		keys := make([]any, 0, end-start)
		for _, r := range c.Rows[start:end] {
			keys = append(keys, r[0])
		}
		arg, err := access.ListArg(conn.Dialect, keys)
		if err != nil {
			return err
		}
		if l, ok := arg.(connect.MySQLList); ok {
			q = "DELETE FROM " + tbl + " WHERE " + l.In(pk)
		}
		res, err := tx.ExecContext(ctx, q, arg)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n != int64(end-start) {
			return fmt.Errorf("%d of %d rows deleted (were some changed or removed meanwhile?)", n, end-start)
		}
	}
	return nil
}

func table(c *Collection) string {
	tbl := dataset.Quote(c.Name)
	if sc := c.step.Collection.Dataset.Schema(); sc != "" {
		tbl = dataset.Quote(sc) + "." + tbl
	}
	return tbl
}

// statement writes the UPDATE or DELETE of one row by primary key.
func statement(conn *connect.Conn, c *Collection) string {
	tbl := table(c)
	n := 0
	next := func() string { n++; return conn.Placeholder(n) }
	var sets []string
	if c.Action == "update" {
		for _, f := range c.Fields {
			sets = append(sets, dataset.Quote(f)+" = "+next())
		}
	}
	var where []string
	for _, k := range c.PrimaryKey {
		where = append(where, dataset.Quote(k)+" = "+next())
	}
	if c.Action == "delete" {
		return "DELETE FROM " + tbl + " WHERE " + strings.Join(where, " AND ")
	}
	return "UPDATE " + tbl + " SET " + strings.Join(sets, ", ") + " WHERE " + strings.Join(where, " AND ")
}
