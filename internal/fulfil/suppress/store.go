package suppress

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
)

// Querier runs SQL: a *db.DB outside a transaction, a *db.Tx inside one.
type Querier = db.Querier

// Store keeps the entries and their history. Writes take the caller's
// transaction so an entry, its history and its audit entry commit together
// (with the request change that caused them). Not-found reads return
// ErrNotFound.
type Store interface {
	Insert(ctx context.Context, tx *db.Tx, e *Entry) error
	// Update writes the purposes and the lifting of e.
	Update(ctx context.Context, tx *db.Tx, e *Entry) error
	Get(ctx context.Context, q Querier, id string) (*Entry, error)
	ByRequest(ctx context.Context, q Querier, requestID string) (*Entry, error)
	// Active lists the entries of one identity hash still in force.
	Active(ctx context.Context, q Querier, hash string) ([]Entry, error)
	// ActivePurposes lists what each entry of the hash in force stops:
	// the consent check's one question, answered without the rest.
	ActivePurposes(ctx context.Context, hash string) ([][]string, error)
	List(ctx context.Context, f Filter) ([]Entry, error)
	InsertChange(ctx context.Context, tx *db.Tx, c *Change) error
	Changes(ctx context.Context, q Querier, suppressionID string) ([]Change, error)
	// Pending lists the requests the list should hold and does not: of a
	// suppressing type, confirmed, neither closed without an answer nor
	// purged (the rule Garde applied before the list existed).
	Pending(ctx context.Context) ([]PendingRequest, error)
}

// Filter selects entries for a page. Zero fields do not filter.
type Filter struct {
	// Lifted includes lifted entries; by default only active ones.
	Lifted bool
	Reason Reason
	// Limit caps the page (MaxPage when 0 or more).
	Limit int
}

// MaxPage caps a list page.
const MaxPage = 500

// PendingRequest is a request to carry over onto the list.
type PendingRequest struct {
	ID, Email string
	Type      string
}
