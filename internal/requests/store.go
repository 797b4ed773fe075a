package requests

import (
	"context"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// Querier runs SQL: a *db.DB outside a transaction, a *db.Tx inside one.
type Querier = db.Querier

// Store keeps requests, their timelines and tasks, the systems and the
// secret keys. Writes take the caller's transaction so a change, its
// timeline event, its audit entry, its email and its jobs commit together.
// Not-found reads return ErrNotFound (ErrTaskNotFound, ErrSystemNotFound).
type Store interface {
	InsertRequest(ctx context.Context, tx *db.Tx, r *Request) error
	// UpdateRequest writes every mutable field if the stored version is
	// still r.Version, then increments it; otherwise ErrConflict.
	UpdateRequest(ctx context.Context, tx *db.Tx, r *Request) error
	GetRequest(ctx context.Context, q Querier, id string) (*Request, error)
	GetRequestByReference(ctx context.Context, q Querier, ref string) (*Request, error)
	GetRequestByVerifyToken(ctx context.Context, q Querier, hash string) (*Request, error)
	ReferenceExists(ctx context.Context, q Querier, ref string) (bool, error)
	ListRequests(ctx context.Context, f Filter, today time.Time) ([]Request, error)
	CountRequests(ctx context.Context, today time.Time, soonDays int) (Counts, error)
	// PurgeCandidates lists requests closed before the cut-off and not
	// purged yet, oldest first.
	PurgeCandidates(ctx context.Context, closedBefore time.Time, limit int) ([]string, error)
	// PurgeRequest removes a request's personal data (see retention.go).
	PurgeRequest(ctx context.Context, tx *db.Tx, id string, at time.Time) (bool, error)

	InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error
	ListEvents(ctx context.Context, q Querier, requestID string, subjectOnly bool) ([]Event, error)

	InsertTask(ctx context.Context, tx *db.Tx, t *Task) error
	// UpdateTask writes t if its stored state is still from; otherwise
	// ErrConflict.
	UpdateTask(ctx context.Context, tx *db.Tx, t *Task, from TaskState) error
	GetTask(ctx context.Context, q Querier, id string) (*Task, error)
	GetTaskByToken(ctx context.Context, q Querier, hash string) (*Task, error)
	ListTasks(ctx context.Context, q Querier, requestID string) ([]Task, error)

	InsertSystem(ctx context.Context, tx *db.Tx, s *System) error
	UpdateSystem(ctx context.Context, tx *db.Tx, s *System) error
	DeleteSystem(ctx context.Context, tx *db.Tx, id string) error
	GetSystem(ctx context.Context, q Querier, id string) (*System, error)
	ListSystems(ctx context.Context, q Querier, activeOnly bool) ([]System, error)

	// Key returns the named secret, creating it with gen on first use.
	Key(ctx context.Context, name string, gen func() (string, error)) (string, error)
}

// Filter selects requests for the queue. Zero fields do not filter.
type Filter struct {
	State State
	// Open keeps requests still awaiting an answer.
	Open  bool
	Type  Type
	LawID string
	// Assignee is an operator ID, or Unassigned.
	Assignee string
	// DueWithinDays keeps open requests due within that many days from
	// today (overdue ones included).
	DueWithinDays int
	// Overdue keeps open requests whose due date has passed.
	Overdue bool
	// Search matches a reference (GR-7K3F-Q9, any case or spacing) or an
	// exact email address.
	Search string
	// Limit is the page size: 50 when 0, at most MaxPageSize.
	Limit int
	// Cursor is the NextCursor of the previous page.
	Cursor string

	after *cursor
}

// Unassigned is the Filter.Assignee value for requests nobody holds.
const Unassigned = "none"

// MaxPageSize bounds Filter.Limit.
const MaxPageSize = 200

// Page is one page of the queue, by due date then ID.
type Page struct {
	Requests   []Request
	NextCursor string // empty on the last page
}

// Counts summarises the queue.
type Counts struct {
	ByState    map[State]int
	Open       int
	Overdue    int
	DueSoon    int // open, due within the soon window, not overdue
	Unassigned int // open and held by nobody
}
