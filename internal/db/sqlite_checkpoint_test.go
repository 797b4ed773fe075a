package db

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckpointerKeepsTheLogBoundedUnderSteadyWrites: the writer runs no
// checkpoint, yet a stream of commits with no pause between them (so the
// log is never wholly copied when one starts) leaves a log that stays
// small, and every row is in the database after it is reopened.
func TestCheckpointerKeepsTheLogBoundedUnderSteadyWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "garde.db")
	d, err := Open(ctx, "sqlite://"+path, "")
	if err != nil {
		t.Fatal(err)
	}
	var auto int
	if err := d.Write.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's own checkpoints every %d pages (%v), want none", auto, err)
	}
	// Small limits, so that a short run crosses them many times.
	if err := d.checkpointer.close(); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetMaxOpenConns(1)
	const writerFrames = 64
	d.checkpointer = startCheckpointer(conn, d.Write, 2*time.Millisecond, writerFrames)
	if _, err := d.Exec(ctx, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	// Each commit writes at least one 4 KiB page: without checkpoints
	// the log would reach 8,000 frames, about 32 MiB.
	const rows = 8000
	pad := strings.Repeat("x", 2000)
	var largest int64
	for i := range rows {
		if _, err := d.Exec(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i, pad); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			largest = max(largest, fi.Size())
		}
	}
	t.Logf("largest log: %d bytes", largest)
	// The log's file keeps its largest size when it starts again, so its
	// size tells the most frames it ever held. Allow generously for the
	// commits made while a checkpoint ran (a shared machine may hold the
	// checkpointer up): what must not happen is growth with the rows.
	if limit := int64(rows/4) * 4120; largest > limit {
		t.Fatalf("log grew to %d bytes, want at most %d", largest, limit)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = Open(ctx, "sqlite://"+path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != rows {
		t.Fatalf("%d rows after reopening (%v), want %d", n, err, rows)
	}
}
