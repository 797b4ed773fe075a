package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// rescueQueue is a working queue that looks for jobs of dead instances
// every 200ms.
func rescueQueue(t *testing.T, d *db.DB, instance string) *jobs.Queue {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("instance", instance)
	q := jobs.New(d, log)
	jobs.Register(q, &recorder{d: d, instance: instance})
	if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond, RescueInterval: 200 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("stop %s: %v", instance, err)
		}
	})
	return q
}

// leaveRunning inserts a job through q and marks it as River marks a job a
// worker of client owner has fetched: this is what a process killed in the
// middle of the job leaves behind.
func leaveRunning(t *testing.T, d *db.DB, q *jobs.Queue, key, owner string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO job_targets (job_key) VALUES (?)", key); err != nil {
			return err
		}
		// Scheduled far ahead, so that no running worker fetches it first.
		res, err := q.InsertTx(ctx, tx, recordArgs{Key: key}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour), MaxAttempts: 5})
		if err != nil {
			return err
		}
		id = res.Job.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	by := "jsonb(json_array(?))"
	if d.Dialect == db.Postgres {
		by = "ARRAY[CAST(? AS text)]"
	}
	if _, err := d.Exec(ctx, "UPDATE river_job SET state = 'running', attempt = 1, attempted_at = ?, attempted_by = "+by+" WHERE id = ?",
		time.Now().UTC().Add(-time.Second), owner, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func jobState(t *testing.T, d *db.DB, id int64) (state string, attempt int) {
	t.Helper()
	if err := d.QueryRow(context.Background(), "SELECT state, attempt FROM river_job WHERE id = ?", id).Scan(&state, &attempt); err != nil {
		t.Fatal(err)
	}
	return state, attempt
}

// A job left running by a process that died runs again as soon as a queue
// starts, not after River's stuck-job delay (longer than the longest job
// timeout), and exactly once.
func TestJobLeftRunningByADeadProcessRunsAtStart(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		createTestTables(t, d)
		dead := buildQueue(t, d, "dead", 1) // built, never started: its process "died"
		id := leaveRunning(t, d, dead, "orphan", "garde-dead-client")

		start := time.Now()
		q := rescueQueue(t, d, "restarted")
		if err := q.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		waitForRuns(t, d, 1, 20*time.Second)
		t.Logf("the orphan job ran %s after the restart", time.Since(start).Round(time.Millisecond))
		time.Sleep(500 * time.Millisecond)
		if n := count(t, d, "SELECT COUNT(*) FROM job_runs WHERE job_key = ?", "orphan"); n != 1 {
			t.Errorf("the orphan job ran %d times, want 1", n)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			state, attempt := jobState(t, d, id)
			if state == "completed" {
				if attempt != 2 {
					t.Errorf("completed at attempt %d, want 2 (the dead one, then the retry)", attempt)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %s at attempt %d", state, attempt)
			}
		}
	})
}

// A job running in a live process is left to it: another queue starting on
// the same database does not run it a second time. On PostgreSQL, once that
// process goes, the other instance takes the job over.
func TestJobRunningInALiveProcessIsLeftAlone(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		createTestTables(t, d)
		ctx := context.Background()
		live := rescueQueue(t, d, "live")
		if err := live.Start(ctx); err != nil {
			t.Fatal(err)
		}
		id := leaveRunning(t, d, live, "busy", live.Client().ID())

		other := rescueQueue(t, d, "other")
		if err := other.Start(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second) // several rescue rounds of the other instance
		if state, _ := jobState(t, d, id); state != "running" {
			t.Fatalf("a job of a live process was taken over: %s", state)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM job_runs"); n != 0 {
			t.Fatalf("a job of a live process ran %d times elsewhere", n)
		}
		if d.Dialect != db.Postgres {
			return
		}
		stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := live.Stop(stopCtx); err != nil {
			t.Fatal(err)
		}
		waitForRuns(t, d, 1, 20*time.Second)
		var instance string
		if err := d.QueryRow(ctx, "SELECT instance FROM job_runs WHERE job_key = ?", "busy").Scan(&instance); err != nil || instance != "other" {
			t.Fatalf("the job ran on %q (%v), want the instance still alive", instance, err)
		}
	})
}
