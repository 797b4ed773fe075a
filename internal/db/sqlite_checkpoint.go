package db

import (
	"context"
	"database/sql"
	"time"
)

// SQLite copies the write-ahead log back into the database file in
// checkpoints. By default the connection that commits runs them, every
// 1,000 pages, and a checkpoint waits for two fsyncs: every write queued
// behind that commit waits too (the consent benchmark lost a seventh of
// its rate to it). Garde's writer runs no checkpoint of its own; this one
// runs them from a connection of its own, beside the writer.
type checkpointer struct {
	conn  *sql.DB // the checkpointer's own connection
	write *sql.DB // the writer, for the rare checkpoint that must be its
	every time.Duration
	// writerFrames: a log that has grown past this many frames is
	// checkpointed by the writer itself (see pass).
	writerFrames int
	stop, done   chan struct{}
}

const (
	checkpointEvery   = 50 * time.Millisecond
	writerCheckpoint  = 8192 // frames, 32 MiB of 4 KiB pages
	checkpointTimeout = time.Minute
)

func startCheckpointer(conn, write *sql.DB, every time.Duration, writerFrames int) *checkpointer {
	c := &checkpointer{conn: conn, write: write, every: every, writerFrames: writerFrames,
		stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// A failed pass (the database busy, say) is tried again at the
		// next tick; nothing is lost meanwhile, the log only grows.
		ctx, cancel := context.WithTimeout(context.Background(), checkpointTimeout)
		_ = c.pass(ctx)
		cancel()
	}
}

// pass copies what it can of the log without waiting for anyone. The log
// starts again from its beginning when a commit finds it wholly copied;
// under a steady stream of commits that moment may never come, so past
// writerFrames the writer checkpoints between two of its own commits,
// which lets the next one start the log again. That checkpoint has little
// left to copy, the passes having done the rest.
func (c *checkpointer) pass(ctx context.Context) error {
	var busy, frames, copied int
	if err := c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if frames < c.writerFrames {
		return nil
	}
	_, err := c.write.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	return err
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.conn.Close()
}
