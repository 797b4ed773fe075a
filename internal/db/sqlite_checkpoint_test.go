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
// checkpoint, yet under a stream of commits with no pause between them (so
// the log is never wholly copied when one starts) the log keeps starting
// again from its beginning, and every row is in the database after it is
// reopened. Restarts are counted rather than the log's size bounded: a
// shared machine may hold the checkpointer up for a while, which lets the
// log grow meanwhile, but without the writer's own checkpoint it never
// starts again at all.
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
	restarts, last := 0, walSalt(t, path)
	for i := range rows {
		if _, err := d.Exec(ctx, "INSERT INTO t (id, v) VALUES (?, ?)", i, pad); err != nil {
			t.Fatal(err)
		}
		// A log that starts again gets new salts in its header.
		if salt := walSalt(t, path); salt != last {
			restarts, last = restarts+1, salt
		}
	}
	t.Logf("the log started again %d times in %d commits", restarts, rows)
	if restarts < 3 {
		t.Fatalf("the log started again %d times in %d commits, want it to keep starting again", restarts, rows)
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

// walSalt reads the salts of the write-ahead log's header (bytes 16 to
// 24), which SQLite changes each time the log starts again.
func walSalt(t *testing.T, path string) [8]byte {
	t.Helper()
	var salt [8]byte
	f, err := os.Open(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.ReadAt(salt[:], 16); err != nil {
		t.Fatal(err)
	}
	return salt
}
