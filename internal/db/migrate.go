package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migrateLockKey serialises migrations of several instances on PostgreSQL.
const migrateLockKey = 7205113021

// RiverDriver returns the River driver for this database. Both drivers work
// on *sql.Tx, so a domain row and its job are inserted in one transaction
// with the same code on either engine.
func (d *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if d.Dialect == Postgres {
		return riverdatabasesql.NewWithPgxListener(d.Write, d.PgxPool)
	}
	return riversqlite.New(d.Write)
}

func (d *DB) gooseProvider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	return goose.NewProvider(dialect, d.Write, sub, goose.WithDisableGlobalRegistry(true))
}

// Migrate applies Garde's and River's pending migrations. It returns the
// number of migrations applied.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	if d.Dialect == Postgres {
		conn, err := d.Write.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
			return 0, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey)
	}
	p, err := d.gooseProvider()
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	m, err := rivermigrate.New(d.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, fmt.Errorf("migrate jobs: %w", err)
	}
	rres, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("migrate jobs: %w", err)
	}
	return len(res) + len(rres.Versions), nil
}

// Pending reports whether migrations remain to be applied; /readyz uses it.
func (d *DB) Pending(ctx context.Context) (bool, error) {
	p, err := d.gooseProvider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil || pending {
		return pending, err
	}
	m, err := rivermigrate.New(d.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return false, err
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return false, err
	}
	return len(existing) < len(m.AllVersions()), nil
}
