// Package jobs runs Garde's background work on River, on SQLite or
// PostgreSQL alike. Domains register their workers before the queue starts
// and insert jobs inside the transaction that writes the row needing them,
// so a row is never saved without its job, nor a job without its row.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/db"
)

// defaultJobTimeout bounds a job whose worker sets no timeout of its own.
const defaultJobTimeout = 5 * time.Minute

// Queue wraps the River client of one Garde instance.
type Queue struct {
	db      *db.DB
	workers *river.Workers
	client  *river.Client[*sql.Tx]
	log     *slog.Logger
	// longest is the longest timeout of the registered workers.
	longest        time.Duration
	working        bool
	rescueInterval time.Duration
	live           *liveness
}

// New returns a queue whose workers can be registered with Register before Build.
func New(d *db.DB, log *slog.Logger) *Queue {
	return &Queue{db: d, workers: river.NewWorkers(), log: log}
}

// Register adds a worker. It must be called before Build.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
	// Garde's workers set one timeout per kind, whatever the job.
	if t := w.Timeout(&river.Job[T]{JobRow: &rivertype.JobRow{}}); t > q.longest {
		q.longest = t
	}
}

// Options tune the client.
type Options struct {
	// Workers is the number of jobs run at once; 0 builds an insert-only
	// client (the CLI uses one: it enqueues but never works jobs).
	Workers int
	// PollInterval overrides how often a worker looks for new jobs when no
	// notification arrives (tests shorten it).
	PollInterval time.Duration
	// Periodic jobs run on the elected leader only, so once across
	// instances sharing a database.
	Periodic []*river.PeriodicJob
	// RescueInterval is how often a PostgreSQL instance retries the jobs
	// left running by instances that died (see rescue.go); a minute when 0.
	RescueInterval time.Duration
}

// Build creates the River client. Jobs can be inserted from then on.
func (q *Queue) Build(opts Options) error {
	cfg := &river.Config{
		Logger:     q.log,
		Workers:    q.workers,
		JobTimeout: defaultJobTimeout,
		// River's time-based rescue is the fallback of rescue.go: a job
		// running longer than any worker may is certainly stuck.
		RescueStuckJobsAfter: max(q.longest, defaultJobTimeout) + rescueMargin,
	}
	q.working = opts.Workers > 0
	q.rescueInterval = cmp.Or(opts.RescueInterval, defaultRescueInterval)
	if opts.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
		cfg.PeriodicJobs = opts.Periodic
		if opts.PollInterval > 0 {
			cfg.FetchPollInterval = opts.PollInterval
			cfg.FetchCooldown = min(opts.PollInterval, 100*time.Millisecond)
		}
	}
	c, err := river.NewClient(q.db.RiverDriver(), cfg)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	q.client = c
	return nil
}

// Start starts working jobs (no-op for an insert-only queue).
func (q *Queue) Start(ctx context.Context) error {
	if q.client == nil {
		return fmt.Errorf("jobs: Start before Build")
	}
	if q.working && q.live == nil {
		if err := q.holdLiveness(ctx); err != nil {
			return err
		}
		if _, err := q.rescueOrphans(ctx); err != nil {
			q.releaseLiveness()
			return err
		}
	}
	if err := q.client.Start(ctx); err != nil {
		q.releaseLiveness()
		return err
	}
	q.watchOrphans()
	return nil
}

// Stop waits for running jobs to finish, then stops.
func (q *Queue) Stop(ctx context.Context) error {
	if q.client == nil {
		return nil
	}
	err := q.client.Stop(ctx)
	q.releaseLiveness()
	return err
}

// InsertTx enqueues a job in the caller's transaction.
func (q *Queue) InsertTx(ctx context.Context, tx *db.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	if q.client == nil {
		return nil, fmt.Errorf("jobs: insert before Build")
	}
	return q.client.InsertTx(ctx, tx.Tx, args, opts)
}

// Client exposes the River client (job listing for the back office, tests).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }
