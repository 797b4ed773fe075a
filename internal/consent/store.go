package consent

import (
	"context"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// Store keeps the ledger and the sites, and derives the current state from
// the ledger. Writes take the caller's transaction so an event and its
// audit entry commit together. Not-found reads return ErrNotFound
// (ErrSiteNotFound).
type Store interface {
	// InsertEvent appends e to the ledger.
	InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error
	// InsertEvents is InsertEvent for a group, in event order, in a
	// transaction or, for a group written by one statement (OneStatement),
	// on the database itself: the statement is atomic on its own.
	InsertEvents(ctx context.Context, q db.Querier, events []*Event) error
	GetEvent(ctx context.Context, id string) (*Event, error)
	// History lists a holder's events, newest first.
	History(ctx context.Context, h Holder, limit int) ([]Event, error)
	// States lists a holder's current decisions, by purpose: for each
	// purpose, the decision of the holder's event given last (recorded
	// last on a tie), so an older imported choice never overrides a newer
	// one.
	States(ctx context.Context, h Holder) ([]State, error)
	// Export calls fn with each event recorded in [from, to), in the
	// order of their ids (time-ordered: oldest first).
	Export(ctx context.Context, from, to time.Time, fn func(*Event) error) error

	InsertSite(ctx context.Context, tx *db.Tx, s *Site) error
	UpdateSite(ctx context.Context, tx *db.Tx, s *Site) error
	GetSite(ctx context.Context, id string) (*Site, error)
	ListSites(ctx context.Context) ([]Site, error)

	// ReceiptKeys lists the receipt key generations, newest first; never
	// empty (the migration seeds generation 1).
	ReceiptKeys(ctx context.Context) ([]ReceiptKey, error)
	// InsertReceiptKey adds the generation after the newest and returns
	// its number.
	InsertReceiptKey(ctx context.Context, tx *db.Tx, at time.Time, by string) (int, error)
}
