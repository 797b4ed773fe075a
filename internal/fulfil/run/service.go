// Package run runs the fulfilment engine for the server: each automatic
// system gets a connector (a dataset and a sealed connection URL), and the
// task a verified request opens for it becomes a job that exports or
// erases the person's data and reports back on the task.
package run

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/secrets"
)

// Deps are what the service is built from.
type Deps struct {
	DB       *db.DB
	Queue    *jobs.Queue
	Box      *secrets.Box
	Audit    *audit.Log
	Requests *requests.Service
	Catalog  *i18n.Catalog
	// StaffLanguage is the language of the notes written on tasks
	// (English when empty).
	StaffLanguage i18n.Lang
	Log           *slog.Logger
	// WorkDir holds access packages while they are built (the system's
	// temporary directory when empty); they are removed once sealed.
	WorkDir string
	Now     func() time.Time
	// HTTP sends the calls of HTTP connectors (default settings when nil).
	HTTP *httpconn.Client
}

// Service keeps connectors and runs automatic tasks.
type Service struct {
	db       *db.DB
	queue    *jobs.Queue
	box      *secrets.Box
	audit    *audit.Log
	requests *requests.Service
	catalog  *i18n.Catalog
	lang     i18n.Lang
	log      *slog.Logger
	workDir  string
	clock    func() time.Time
	http     *httpconn.Client
}

// New builds the service, registers its job worker and connects it to the
// requests service, whose automatic tasks it runs from then on.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Queue == nil || d.Box == nil || d.Audit == nil || d.Requests == nil || d.Catalog == nil {
		return nil, errors.New("fulfil/run: missing dependency")
	}
	s := &Service{db: d.DB, queue: d.Queue, box: d.Box, audit: d.Audit, requests: d.Requests, catalog: d.Catalog,
		lang: d.StaffLanguage, log: d.Log, workDir: d.WorkDir, clock: d.Now, http: d.HTTP}
	if !s.lang.Valid() {
		s.lang = i18n.EN
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.workDir == "" {
		s.workDir = os.TempDir()
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.http == nil {
		s.http = &httpconn.Client{}
	}
	jobs.Register(s.queue, &worker{s: s})
	d.Requests.SetAutomaticTasks(s)
	return s, nil
}

func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// MaxAttempts is how many times a task's job runs before its failure is
// final; River waits longer between each (attempt⁴ seconds and more).
const MaxAttempts = 6

// TaskArgs runs the automatic task of one system for one request.
type TaskArgs struct {
	TaskID string `json:"task_id"`
	// Run tells a rerun's job from one still finishing its own run, which
	// River would otherwise take for the same unique job.
	Run string `json:"run,omitempty"`
}

// Kind is the job's stable name.
func (TaskArgs) Kind() string { return "fulfil_task" }

// automatic says whether a task of type t runs by itself, as soon as it
// opens, on a connector of the kind: access, portability and erasure on
// any; restriction and objection call HTTP endpoints only (a database has
// no notion of purposes: Garde's own suppression list covers them).
func automatic(t requests.Type, kind string) bool {
	switch t {
	case requests.TypeAccess, requests.TypePortability, requests.TypeErasure:
		return true
	case requests.TypeRestriction, requests.TypeObjection:
		return kind == KindHTTP
	}
	return false
}

// runnable says whether a task of type t can run on the connector at
// all: the automatic ones, and rectification once an agent entered the
// changes.
func runnable(t requests.Type, kind string) bool {
	return automatic(t, kind) || t == requests.TypeRectification
}

// connectorKind is the kind of the system's connector, or "" without one.
func connectorKind(ctx context.Context, q db.Querier, systemID string) (string, error) {
	var kind string
	err := q.QueryRow(ctx, "SELECT kind FROM fulfil_connectors WHERE system_id = ?", systemID).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return kind, err
}

// TaskOpened inserts the job of an automatic task whose system has a
// connector, in the transaction that opens the task. Other tasks keep
// waiting for a connector (or, for a rectification, for the changes).
func (s *Service) TaskOpened(ctx context.Context, tx *db.Tx, r *requests.Request, t *requests.Task) error {
	kind, err := connectorKind(ctx, tx, t.SystemID)
	if err != nil || kind == "" || !automatic(r.Type, kind) {
		return err
	}
	_, err = s.queue.InsertTx(ctx, tx, TaskArgs{TaskID: t.ID}, taskOpts())
	return err
}

type worker struct {
	river.WorkerDefaults[TaskArgs]
	s *Service
}

// Timeout leaves room for large exports; the queue's default is shorter.
func (w *worker) Timeout(*river.Job[TaskArgs]) time.Duration { return 30 * time.Minute }

func (w *worker) Work(ctx context.Context, job *river.Job[TaskArgs]) error {
	return w.s.Work(ctx, job.Args.TaskID, job.Attempt, job.MaxAttempts)
}
