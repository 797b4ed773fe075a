package jobs_test

import (
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// A job shares the fate of the transaction it was inserted in: committed, it
// is worked; rolled back, it leaves no row and never runs.
func TestInsertTxFollowsTransaction(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		createTestTables(t, d)
		q := startQueue(t, d, "solo", 2)

		insertJob(t, d, q, "rolled-back", true)
		if n := count(t, d, "SELECT COUNT(*) FROM river_job"); n != 0 {
			t.Fatalf("rolled-back transaction left %d job rows", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM job_targets"); n != 0 {
			t.Fatalf("rolled-back transaction left %d target rows", n)
		}

		// The committed job is inserted after the rolled-back one, so once
		// it has run the queue has had every chance to run the other.
		insertJob(t, d, q, "committed", false)
		waitForRuns(t, d, 1, 30*time.Second)
		time.Sleep(300 * time.Millisecond)

		if n := count(t, d, "SELECT COUNT(*) FROM job_runs WHERE job_key = ?", "committed"); n != 1 {
			t.Errorf("committed job ran %d times, want 1", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM job_runs WHERE job_key = ?", "rolled-back"); n != 0 {
			t.Errorf("rolled-back job ran %d times, want 0", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM river_job"); n != 1 {
			t.Errorf("%d job rows, want 1 (the committed one)", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM job_targets WHERE job_key = ?", "committed"); n != 1 {
			t.Errorf("committed target row missing")
		}
	})
}
