package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // pure-Go driver registered as "sqlite"
)

// sqlitePragmas follow the PocketBase recipe: busy_timeout first, WAL,
// foreign keys, immediate transactions so writers never deadlock on upgrade.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate&_time_format=sqlite"

func openSQLite(ctx context.Context, url, dataDir string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create data directory %s: %w", dataDir, err)
		}
		path = filepath.Join(dataDir, "garde.db")
	} else if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("cannot open SQLite database %s: directory %s does not exist", path, dir)
		}
	}
	dsn := "file:" + path + "?" + sqlitePragmas
	// The writer runs no checkpoint itself: the checkpointer does (see
	// sqlite_checkpoint.go).
	write, err := sql.Open("sqlite", dsn+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, fmt.Errorf("cannot open SQLite database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("cannot open SQLite database %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	d := &DB{Dialect: SQLite, Write: write, Read: read, Location: path}
	if err := write.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("cannot open SQLite database %s: %s", path, cleanSQLiteError(err))
	}
	ckpt, err := sql.Open("sqlite", dsn)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("cannot open SQLite database %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	d.checkpointer = startCheckpointer(ckpt, write, checkpointEvery, writerCheckpoint)
	return d, nil
}

// Maintain checkpoints the WAL and refreshes the planner statistics; the
// server calls it periodically so the WAL file does not grow without bound.
func (d *DB) Maintain(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	if _, err := d.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	_, err := d.Write.ExecContext(ctx, "PRAGMA optimize")
	return err
}

func cleanSQLiteError(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i > 0 && strings.Contains(s, "(") {
		return s[i+2:]
	}
	return s
}
