package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// Revision is one saved version of the inventory.
type Revision struct {
	Number int64
	// Body is the YAML document as saved (the canonical export).
	Body []byte
	// Source says where it came from: "import:<file name>" or "editor".
	Source    string
	CreatedBy string
	CreatedAt time.Time
}

// Store keeps the inventory revisions.
type Store interface {
	// InsertRevision saves r as the next revision and sets r.Number.
	InsertRevision(ctx context.Context, tx *db.Tx, r *Revision) error
	// LatestRevision returns the newest revision, or ErrNoInventory.
	LatestRevision(ctx context.Context) (*Revision, error)
	// GetRevision returns revision n, or ErrRevisionNotFound.
	GetRevision(ctx context.Context, n int64) (*Revision, error)
	// ListRevisions lists revisions newest first, without their bodies.
	ListRevisions(ctx context.Context, limit int) ([]Revision, error)
}

// SQLStore is the Store over Garde's database.
type SQLStore struct{ db *db.DB }

// NewSQLStore returns the store over d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

var _ Store = (*SQLStore)(nil)

func (s *SQLStore) InsertRevision(ctx context.Context, tx *db.Tx, r *Revision) error {
	// The writer is serialised (SQLite) or the primary key refuses a
	// concurrent duplicate (PostgreSQL), so max+1 cannot hand out a number
	// twice.
	var n int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(revision), 0) + 1 FROM inventory_revisions").Scan(&n); err != nil {
		return fmt.Errorf("inventory: next revision: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO inventory_revisions(revision, body, source, created_by, created_at)
		VALUES (?, ?, ?, ?, ?)`, n, string(r.Body), r.Source, r.CreatedBy, r.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("inventory: insert revision: %w", err)
	}
	r.Number = n
	return nil
}

func (s *SQLStore) LatestRevision(ctx context.Context) (*Revision, error) {
	r, err := scanRevision(s.db.QueryRow(ctx, `SELECT revision, body, source, created_by, created_at
		FROM inventory_revisions ORDER BY revision DESC LIMIT 1`))
	if errors.Is(err, ErrRevisionNotFound) {
		return nil, ErrNoInventory
	}
	return r, err
}

func (s *SQLStore) GetRevision(ctx context.Context, n int64) (*Revision, error) {
	return scanRevision(s.db.QueryRow(ctx, `SELECT revision, body, source, created_by, created_at
		FROM inventory_revisions WHERE revision = ?`, n))
}

func scanRevision(row *sql.Row) (*Revision, error) {
	var r Revision
	var body string
	if err := row.Scan(&r.Number, &body, &r.Source, &r.CreatedBy, &r.CreatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrRevisionNotFound
		}
		return nil, fmt.Errorf("inventory: read revision: %w", err)
	}
	r.Body, r.CreatedAt = []byte(body), r.CreatedAt.UTC()
	return &r, nil
}

func (s *SQLStore) ListRevisions(ctx context.Context, limit int) ([]Revision, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT revision, source, created_by, created_at
		FROM inventory_revisions ORDER BY revision DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("inventory: list revisions: %w", err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Number, &r.Source, &r.CreatedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
