package breach

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
)

// Querier runs SQL: a *db.DB outside a transaction, a *db.Tx inside one.
type Querier = db.Querier

// Store keeps the register. Writes take the caller's transaction so a
// change, its timeline event and its audit entry commit together. Reads of
// a missing incident return ErrNotFound.
type Store interface {
	InsertIncident(ctx context.Context, tx *db.Tx, i *Incident) error
	// UpdateIncident writes i if the stored version is still i.Version,
	// then increments it; otherwise ErrConflict.
	UpdateIncident(ctx context.Context, tx *db.Tx, i *Incident) error
	GetIncident(ctx context.Context, q Querier, id string) (*Incident, error)
	// ListIncidents lists incidents, open ones first, newest awareness
	// first; state "" lists all.
	ListIncidents(ctx context.Context, q Querier, state State) ([]Incident, error)

	InsertEvent(ctx context.Context, tx *db.Tx, e *Event) error
	ListEvents(ctx context.Context, q Querier, incidentID string) ([]Event, error)

	// InsertDraft stores a new version; its number must be free, else
	// ErrConflict.
	InsertDraft(ctx context.Context, tx *db.Tx, d *Draft) error
	// ListDrafts lists every version, by obligation, language and version.
	ListDrafts(ctx context.Context, q Querier, incidentID string) ([]Draft, error)

	InsertNotification(ctx context.Context, tx *db.Tx, n *Notification) error
	// ListNotifications lists the notices sent for an incident, or for
	// every open incident when incidentID is "", by time sent.
	ListNotifications(ctx context.Context, q Querier, incidentID string) ([]Notification, error)
}
