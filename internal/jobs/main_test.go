package jobs_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// recordArgs names the job_targets row a job was inserted with.
type recordArgs struct {
	Key string `json:"key"`
}

func (recordArgs) Kind() string { return "test_record" }

// recorder appends one job_runs row per execution, outside River's own
// bookkeeping and with no unique constraint, so a job worked twice shows up
// as two rows.
type recorder struct {
	river.WorkerDefaults[recordArgs]
	d        *db.DB
	instance string
}

func (w *recorder) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	_, err := w.d.Exec(ctx, "INSERT INTO job_runs (job_key, instance) VALUES (?, ?)", job.Args.Key, w.instance)
	return err
}

// createTestTables adds the tables the tests write to.
func createTestTables(t *testing.T, d *db.DB) {
	t.Helper()
	for _, q := range []string{
		"CREATE TABLE job_targets (job_key TEXT PRIMARY KEY)",
		"CREATE TABLE job_runs (job_key TEXT NOT NULL, instance TEXT NOT NULL)",
	} {
		if _, err := d.Exec(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// startQueue builds and starts a queue working recordArgs jobs as instance,
// and stops it when the test ends (before its database is closed).
func startQueue(t *testing.T, d *db.DB, instance string, workers int) *jobs.Queue {
	t.Helper()
	q := buildQueue(t, d, instance, workers)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}

func buildQueue(t *testing.T, d *db.DB, instance string, workers int) *jobs.Queue {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})).With("instance", instance)
	q := jobs.New(d, log)
	jobs.Register(q, &recorder{d: d, instance: instance})
	if err := q.Build(jobs.Options{Workers: workers, PollInterval: 50 * time.Millisecond}); err != nil {
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

// insertJob writes the target row and its job in one transaction, then
// commits it, or rolls it back when rollback is set.
func insertJob(t *testing.T, d *db.DB, q *jobs.Queue, key string, rollback bool) {
	t.Helper()
	errRollback := context.Canceled // any sentinel error makes InTx roll back
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		if _, err := tx.Exec(context.Background(), "INSERT INTO job_targets (job_key) VALUES (?)", key); err != nil {
			return err
		}
		if _, err := q.InsertTx(context.Background(), tx, recordArgs{Key: key}, nil); err != nil {
			return err
		}
		if rollback {
			return errRollback
		}
		return nil
	})
	if rollback && err != errRollback || !rollback && err != nil {
		t.Fatalf("insert %s: %v", key, err)
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// waitForRuns polls job_runs until it holds at least want rows or the
// deadline passes.
func waitForRuns(t *testing.T, d *db.DB, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		n := count(t, d, "SELECT COUNT(*) FROM job_runs")
		if n >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d job runs recorded, want %d", within, n, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
