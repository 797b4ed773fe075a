package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/db"
)

// A process killed while it works a job leaves the job "running" in River's
// table. River's own rescuer only knows time: it retries such a job once it
// has been running longer than RescueStuckJobsAfter, which must exceed the
// longest job timeout (a job still working must not be run twice), so an
// erasure cut by a crash would wait more than half an hour. Garde can tell
// a dead worker from a slow one instead, and retries the job at once:
//
//   - SQLite: one server process works the jobs of a database file. It holds
//     an exclusive lock on a file beside it for as long as it runs (the
//     operating system drops the lock when the process dies). The process
//     that takes the lock knows every job still "running" was left by a dead
//     one.
//   - PostgreSQL: several instances share the jobs. Each holds a session
//     advisory lock named after its River client ID; PostgreSQL drops it
//     when the instance's connection dies with it. A running job whose last
//     client's lock can be taken belongs to a dead instance. Each instance
//     checks at start and then every RescueInterval.
//
// River's rescuer stays as the last resort (a lock that cannot be held, a
// hash collision between two client IDs), with its delay tied to the
// longest job timeout rather than its fixed hour.

// lockClass is the first key of Garde's two-key advisory locks; River uses
// one-key locks, which live in a separate key space.
const lockClass = 0x47617264 // "Gard"

// defaultRescueInterval is how often a PostgreSQL instance looks for jobs
// of dead instances.
const defaultRescueInterval = time.Minute

// rescueMargin is added to the longest job timeout for River's rescuer.
const rescueMargin = time.Minute

// liveness holds what proves this process alive to the others.
type liveness struct {
	conn   *sql.Conn // PostgreSQL: the session holding the advisory lock
	file   *sql.DB   // SQLite: the lock file's database, in its exclusive transaction
	held   *sql.Conn
	key    int32
	owner  bool // SQLite: this process took the lock
	stop   chan struct{}
	done   chan struct{}
	ticker time.Duration
}

// clientLockKey maps a River client ID to the second key of its lock.
func clientLockKey(id string) int32 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int32(h.Sum32())
}

// holdLiveness takes this process's lock, before any job is fetched.
func (q *Queue) holdLiveness(ctx context.Context) error {
	l := &liveness{ticker: q.rescueInterval}
	if q.db.Dialect == db.Postgres {
		conn, err := q.db.Write.Conn(ctx)
		if err != nil {
			return err
		}
		l.key = clientLockKey(q.client.ID())
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", lockClass, l.key); err != nil {
			conn.Close()
			return fmt.Errorf("jobs: liveness lock: %w", err)
		}
		l.conn = conn
		q.live = l
		return nil
	}
	if q.db.Location == "" {
		q.live = l
		return nil
	}
	// busy_timeout(0): a second process must not wait for the lock, only
	// learn that the first one lives.
	f, err := sql.Open("sqlite", "file:"+q.db.Location+"-jobs.lock?_pragma=busy_timeout(0)")
	if err != nil {
		return err
	}
	f.SetMaxOpenConns(1)
	conn, err := f.Conn(ctx)
	if err == nil {
		if _, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
			conn.Close()
		}
	}
	if err != nil {
		// Another process works this database's jobs (or the lock file
		// cannot be written): the jobs running are left to River's rescuer.
		f.Close()
		q.log.Warn("jobs: another process seems to work the jobs of this database; jobs left running are not retried at start",
			"database", q.db.Location, "err", err)
		q.live = l
		return nil
	}
	l.file, l.held, l.owner = f, conn, true
	q.live = l
	return nil
}

// keepLiveness takes the lock again on a new session when the one holding
// it died (the database restarted, the connection broke): until then other
// instances see this one as dead, and its jobs may run twice, which they
// are written to bear.
func (q *Queue) keepLiveness(ctx context.Context, l *liveness) error {
	if err := l.conn.PingContext(ctx); err == nil {
		return nil
	}
	l.conn.Close()
	conn, err := q.db.Write.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", lockClass, l.key); err != nil {
		conn.Close()
		return err
	}
	l.conn = conn
	return nil
}

// releaseLiveness stops the checks and lets the lock go.
func (q *Queue) releaseLiveness() {
	l := q.live
	if l == nil {
		return
	}
	q.live = nil
	if l.stop != nil {
		close(l.stop)
		<-l.done
	}
	if l.conn != nil {
		l.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1, $2)", lockClass, l.key)
		l.conn.Close()
	}
	if l.held != nil {
		l.held.ExecContext(context.Background(), "ROLLBACK")
		l.held.Close()
		l.file.Close()
	}
}

// rescueOrphans retries at once the jobs left running by dead processes,
// and returns how many it rescued.
func (q *Queue) rescueOrphans(ctx context.Context) (int, error) {
	if q.live == nil {
		return 0, nil
	}
	if q.db.Dialect == db.SQLite && !q.live.owner {
		return 0, nil
	}
	horizon := time.Now().UTC()
	exec := q.db.RiverDriver().GetExecutor()
	var stuck []*rivertype.JobRow
	for after := int64(0); ; {
		rows, err := exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{AfterID: after, Max: 500, StuckHorizon: horizon})
		if err != nil {
			return 0, fmt.Errorf("jobs: list running jobs: %w", err)
		}
		stuck = append(stuck, rows...)
		if len(rows) < 500 {
			break
		}
		after = rows[len(rows)-1].ID
	}
	params := &riverdriver.JobRescueManyParams{StuckHorizon: horizon}
	dead := map[string]bool{}
	for _, j := range stuck {
		if len(j.AttemptedBy) == 0 {
			continue
		}
		owner := j.AttemptedBy[len(j.AttemptedBy)-1]
		if q.db.Dialect == db.Postgres {
			isDead, ok := dead[owner]
			if !ok {
				var err error
				if isDead, err = q.ownerDead(ctx, owner); err != nil {
					return 0, err
				}
				dead[owner] = isDead
			}
			if !isDead {
				continue
			}
		}
		msg, _ := json.Marshal(rivertype.AttemptError{At: horizon, Attempt: j.Attempt,
			Error: "the process working this job stopped (" + owner + "); retried at once"})
		state, finalized := rivertype.JobStateAvailable, (*time.Time)(nil)
		if j.Attempt >= j.MaxAttempts {
			state, finalized = rivertype.JobStateDiscarded, &horizon
		}
		params.ID = append(params.ID, j.ID)
		params.Error = append(params.Error, msg)
		params.FinalizedAt = append(params.FinalizedAt, finalized)
		params.ScheduledAt = append(params.ScheduledAt, horizon)
		params.State = append(params.State, string(state))
	}
	if len(params.ID) == 0 {
		return 0, nil
	}
	if _, err := exec.JobRescueMany(ctx, params); err != nil {
		return 0, fmt.Errorf("jobs: retry jobs of a stopped process: %w", err)
	}
	q.log.Info("jobs: retried jobs left running by a stopped process", "count", len(params.ID))
	return len(params.ID), nil
}

// ownerDead says whether no live session holds the client's lock.
func (q *Queue) ownerDead(ctx context.Context, clientID string) (bool, error) {
	tx, err := q.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var free bool
	if err := tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock($1, $2)", lockClass, clientLockKey(clientID)).Scan(&free); err != nil {
		return false, fmt.Errorf("jobs: liveness of %s: %w", clientID, err)
	}
	return free, nil
}

// watchOrphans checks for jobs of dead instances every interval (PostgreSQL
// only: on SQLite no other worker can die while this one lives).
func (q *Queue) watchOrphans() {
	l := q.live
	if l == nil || l.stop != nil || q.db.Dialect != db.Postgres {
		return
	}
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.ticker)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				if err := q.keepLiveness(ctx, l); err != nil {
					q.log.Warn("jobs: liveness lock lost; other instances may run this instance's jobs again", "err", err)
				}
				if _, err := q.rescueOrphans(ctx); err != nil {
					q.log.Warn("jobs: looking for jobs of stopped instances", "err", err)
				}
				cancel()
			}
		}
	}()
}
