// Package db opens Garde's database (embedded SQLite by default, PostgreSQL
// for several instances), runs its migrations and gives the domain stores one
// portable way to run SQL on either.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds the pools of one database. On SQLite, Write has exactly one
// connection (SQLite allows one writer; River and every domain write share
// it) and Read has several. On PostgreSQL both point at the same pool.
type DB struct {
	Dialect Dialect
	Write   *sql.DB
	Read    *sql.DB
	// PgxPool is set on PostgreSQL only; River's listener uses it.
	PgxPool *pgxpool.Pool
	// Location is a human description (a file path or a redacted URL).
	Location string
	// writers queues Garde's own write transactions on SQLite. The pool
	// hands its one connection to a random waiter; a sync.Mutex hands over
	// in arrival order once waiters queue (its starvation mode), which
	// keeps the slowest writes from waiting behind later ones.
	writers sync.Mutex
	// checkpointer copies SQLite's log into the database file.
	checkpointer *checkpointer
}

// Open opens the database named by url, or the SQLite file garde.db in
// dataDir when url is empty. It does not migrate.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	switch {
	case url == "" || strings.HasPrefix(url, "sqlite:") || strings.HasPrefix(url, "file:"):
		return openSQLite(ctx, url, dataDir)
	case strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	default:
		return nil, fmt.Errorf("database URL must start with postgres:// or sqlite:// (got %q)", redact(url))
	}
}

// Close closes every pool.
func (d *DB) Close() error {
	var errs []error
	if d.checkpointer != nil {
		errs = append(errs, d.checkpointer.close())
	}
	if d.Read != nil && d.Read != d.Write {
		errs = append(errs, d.Read.Close())
	}
	if d.Write != nil {
		errs = append(errs, d.Write.Close())
	}
	if d.PgxPool != nil {
		d.PgxPool.Close()
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.Write.PingContext(ctx); err != nil {
		return err
	}
	return d.Read.PingContext(ctx)
}

// Rebind turns the portable '?' placeholders of q into the dialect's own
// ('$1', '$2'… on PostgreSQL). Question marks inside quoted strings are kept.
func (d *DB) Rebind(q string) string {
	if d.Dialect != Postgres {
		return q
	}
	return rebindDollar(q)
}

func rebindDollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Querier runs SQL: a *DB outside a transaction, a *Tx inside one. The
// domain stores take it for reads that may run in either.
type Querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

var (
	_ Querier = (*DB)(nil)
	_ Querier = (*Tx)(nil)
)

// Exec runs a write statement on the writer pool.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.Write.ExecContext(ctx, d.Rebind(q), args...)
}

// Query runs a read on the read pool.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.Read.QueryContext(ctx, d.Rebind(q), args...)
}

// QueryRow runs a single-row read on the read pool.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return d.Read.QueryRowContext(ctx, d.Rebind(q), args...)
}

// Tx is a write transaction with the same placeholder rewriting as DB. Its
// underlying *sql.Tx is exposed so River jobs can be inserted in it.
type Tx struct {
	*sql.Tx
	db *DB
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.db.Rebind(q), args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.db.Rebind(q), args...)
}

// QueryRow runs a single-row query in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.db.Rebind(q), args...)
}

// Dialect returns the engine of the transaction's database.
func (t *Tx) Dialect() Dialect { return t.db.Dialect }

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (a panic rolls back too).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if d.Dialect == SQLite {
		d.writers.Lock()
		defer d.writers.Unlock()
	}
	stx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(&Tx{Tx: stx, db: d}); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err comes from a UNIQUE constraint.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

func redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	return url[:scheme+3] + "***" + url[at:]
}
