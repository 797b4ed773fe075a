package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

const (
	jobCount = 1000
	batches  = 10 // transactions of jobCount/batches jobs each
)

// Two Garde instances (two independent pools, two River clients) share one
// PostgreSQL database and 1,000 queued jobs: every job runs exactly once,
// and the work is spread over both instances.
func TestTwoInstancesOnePostgresEachJobRunsOnce(t *testing.T) {
	url := dbtest.URL(t, db.Postgres)
	ctx := context.Background()

	// Both instances start from an empty database and migrate at once, as
	// two servers started together would.
	instances := []string{"a", "b"}
	dbs := make([]*db.DB, len(instances))
	var wg sync.WaitGroup
	errs := make([]error, len(instances))
	for i := range instances {
		d, err := db.Open(ctx, url, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		dbs[i] = d
		wg.Go(func() { _, errs[i] = d.Migrate(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %s: migrate: %v", instances[i], err)
		}
	}
	createTestTables(t, dbs[0])

	queues := make([]*jobs.Queue, len(instances))
	for i, name := range instances {
		queues[i] = buildQueue(t, dbs[i], name, 10)
	}

	// Half the jobs wait in the queue before either instance starts, so
	// both compete for the same backlog; the other half arrive while both
	// are running, inserted through either instance.
	insertBatch := func(b int) {
		i := b % len(instances)
		err := dbs[i].InTx(ctx, func(tx *db.Tx) error {
			for j := range jobCount / batches {
				key := fmt.Sprintf("job-%04d", b*jobCount/batches+j)
				if _, err := tx.Exec(ctx, "INSERT INTO job_targets (job_key) VALUES (?)", key); err != nil {
					return err
				}
				if _, err := queues[i].InsertTx(ctx, tx, recordArgs{Key: key}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("batch %d: %v", b, err)
		}
	}
	for b := range batches / 2 {
		insertBatch(b)
	}
	for _, q := range queues {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for b := batches / 2; b < batches; b++ {
		insertBatch(b)
	}

	waitForRuns(t, dbs[0], jobCount, 60*time.Second)
	// A duplicate would come late (a second fetch of a job already worked),
	// so keep both instances running a little longer before counting.
	time.Sleep(2 * time.Second)
	for i, q := range queues {
		stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := q.Stop(stopCtx); err != nil {
			t.Fatalf("stop %s: %v", instances[i], err)
		}
		cancel()
	}

	checkEachRanOnce(t, dbs[0])
	for _, name := range instances {
		n := count(t, dbs[0], "SELECT COUNT(*) FROM job_runs WHERE instance = ?", name)
		t.Logf("instance %s worked %d jobs", name, n)
		if n == 0 {
			t.Errorf("instance %s worked no job: the test did not exercise two instances", name)
		}
	}
}

// SQLite is single-node, so one instance, but the same guarantee.
func TestSQLiteEachJobRunsOnce(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	createTestTables(t, d)
	q := buildQueue(t, d, "solo", 10)

	insertBatch := func(b int) {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for j := range jobCount / batches {
				key := fmt.Sprintf("job-%04d", b*jobCount/batches+j)
				if _, err := tx.Exec(ctx, "INSERT INTO job_targets (job_key) VALUES (?)", key); err != nil {
					return err
				}
				if _, err := q.InsertTx(ctx, tx, recordArgs{Key: key}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("batch %d: %v", b, err)
		}
	}
	for b := range batches / 2 {
		insertBatch(b)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for b := batches / 2; b < batches; b++ {
		insertBatch(b)
	}

	waitForRuns(t, d, jobCount, 60*time.Second)
	time.Sleep(time.Second)
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := q.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	checkEachRanOnce(t, d)
}

// checkEachRanOnce asserts jobCount runs of jobCount distinct jobs, each a
// committed target, and every job row marked completed.
func checkEachRanOnce(t *testing.T, d *db.DB) {
	t.Helper()
	if n := count(t, d, "SELECT COUNT(*) FROM job_runs"); n != jobCount {
		dups := count(t, d, "SELECT COUNT(*) FROM (SELECT job_key FROM job_runs GROUP BY job_key HAVING COUNT(*) > 1) AS d")
		t.Errorf("%d runs recorded, want %d (%d jobs ran more than once)", n, jobCount, dups)
	}
	if n := count(t, d, "SELECT COUNT(DISTINCT job_key) FROM job_runs"); n != jobCount {
		t.Errorf("%d distinct jobs ran, want %d", n, jobCount)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM job_runs r JOIN job_targets g ON g.job_key = r.job_key"); n != jobCount {
		t.Errorf("%d runs match a target row, want %d", n, jobCount)
	}
	if n := count(t, d, "SELECT COUNT(*) FROM river_job WHERE kind = ? AND state = ?", recordArgs{}.Kind(), "completed"); n != jobCount {
		t.Errorf("%d jobs marked completed, want %d", n, jobCount)
	}
}
