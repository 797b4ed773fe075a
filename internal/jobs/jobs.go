// Package jobs runs Garde's background work on River, on SQLite or
// PostgreSQL alike. Domains register their workers before the queue starts
// and insert jobs inside the transaction that writes the row needing them,
// so a row is never saved without its job, nor a job without its row.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/db"
)

// Queue wraps the River client of one Garde instance.
type Queue struct {
	db      *db.DB
	workers *river.Workers
	client  *river.Client[*sql.Tx]
	log     *slog.Logger
}

// New returns a queue whose workers can be registered with Register before Build.
func New(d *db.DB, log *slog.Logger) *Queue {
	return &Queue{db: d, workers: river.NewWorkers(), log: log}
}

// Register adds a worker. It must be called before Build.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
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
}

// Build creates the River client. Jobs can be inserted from then on.
func (q *Queue) Build(opts Options) error {
	cfg := &river.Config{
		Logger:     q.log,
		Workers:    q.workers,
		JobTimeout: 5 * time.Minute,
	}
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
	return q.client.Start(ctx)
}

// Stop waits for running jobs to finish, then stops.
func (q *Queue) Stop(ctx context.Context) error {
	if q.client == nil {
		return nil
	}
	return q.client.Stop(ctx)
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
