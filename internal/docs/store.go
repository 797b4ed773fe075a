package docs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Publication is one published version of a document in one language.
type Publication struct {
	ID                string
	Kind              Kind
	Lang              i18n.Lang
	Version           int64
	InventoryRevision int64
	Markdown          string
	// HTML is the document's fragment (see Page for a standalone page).
	HTML string
	// EffectiveDate is YYYY-MM-DD.
	EffectiveDate string
	// Incomplete records a publication that overrode a failed
	// completeness check; Missing is what was missing then.
	Incomplete  bool
	Missing     []Missing
	PublishedBy string
	PublishedAt time.Time
}

// Store keeps publications. Versions are never changed.
type Store interface {
	// InsertPublication saves p as the next version of (kind, lang) and
	// sets p.Version.
	InsertPublication(ctx context.Context, tx *db.Tx, p *Publication) error
	// LatestPublication returns the highest version, or ErrNotPublished.
	LatestPublication(ctx context.Context, k Kind, l i18n.Lang) (*Publication, error)
	GetPublication(ctx context.Context, k Kind, l i18n.Lang, version int64) (*Publication, error)
	// ListPublications lists versions newest first, without their bodies.
	ListPublications(ctx context.Context, k Kind, l i18n.Lang) ([]Publication, error)
}

// SQLStore is the Store over Garde's database.
type SQLStore struct{ db *db.DB }

// NewSQLStore returns the store over d.
func NewSQLStore(d *db.DB) *SQLStore { return &SQLStore{db: d} }

var _ Store = (*SQLStore)(nil)

func (s *SQLStore) InsertPublication(ctx context.Context, tx *db.Tx, p *Publication) error {
	var n int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE doc = ? AND lang = ?", string(p.Kind), string(p.Lang)).Scan(&n); err != nil {
		return fmt.Errorf("docs: next version: %w", err)
	}
	missing, err := json.Marshal(p.Missing)
	if err != nil {
		return err
	}
	if p.Missing == nil {
		missing = []byte("[]")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO documents(id, doc, lang, version, inventory_revision, body_md, body_html,
		effective_date, incomplete, missing, published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, string(p.Kind), string(p.Lang), n, p.InventoryRevision, p.Markdown, p.HTML,
		p.EffectiveDate, p.Incomplete, string(missing), p.PublishedBy, p.PublishedAt.UTC()); err != nil {
		return fmt.Errorf("docs: insert publication: %w", err)
	}
	p.Version = n
	return nil
}

const publicationColumns = `id, doc, lang, version, inventory_revision, body_md, body_html, effective_date, incomplete, missing, published_by, published_at`

func scanPublication(row interface{ Scan(...any) error }) (*Publication, error) {
	var p Publication
	var kind, lang, missing string
	if err := row.Scan(&p.ID, &kind, &lang, &p.Version, &p.InventoryRevision, &p.Markdown, &p.HTML,
		&p.EffectiveDate, &p.Incomplete, &missing, &p.PublishedBy, &p.PublishedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotPublished
		}
		return nil, fmt.Errorf("docs: read publication: %w", err)
	}
	p.Kind, p.Lang, p.PublishedAt = Kind(kind), i18n.Lang(lang), p.PublishedAt.UTC()
	if err := json.Unmarshal([]byte(missing), &p.Missing); err != nil {
		return nil, fmt.Errorf("docs: read publication: %w", err)
	}
	return &p, nil
}

func (s *SQLStore) LatestPublication(ctx context.Context, k Kind, l i18n.Lang) (*Publication, error) {
	return scanPublication(s.db.QueryRow(ctx, "SELECT "+publicationColumns+
		" FROM documents WHERE doc = ? AND lang = ? ORDER BY version DESC LIMIT 1", string(k), string(l)))
}

func (s *SQLStore) GetPublication(ctx context.Context, k Kind, l i18n.Lang, version int64) (*Publication, error) {
	return scanPublication(s.db.QueryRow(ctx, "SELECT "+publicationColumns+
		" FROM documents WHERE doc = ? AND lang = ? AND version = ?", string(k), string(l), version))
}

func (s *SQLStore) ListPublications(ctx context.Context, k Kind, l i18n.Lang) ([]Publication, error) {
	rows, err := s.db.Query(ctx, `SELECT id, version, inventory_revision, effective_date, incomplete, published_by, published_at
		FROM documents WHERE doc = ? AND lang = ? ORDER BY version DESC`, string(k), string(l))
	if err != nil {
		return nil, fmt.Errorf("docs: list publications: %w", err)
	}
	defer rows.Close()
	var out []Publication
	for rows.Next() {
		p := Publication{Kind: k, Lang: l}
		if err := rows.Scan(&p.ID, &p.Version, &p.InventoryRevision, &p.EffectiveDate, &p.Incomplete, &p.PublishedBy, &p.PublishedAt); err != nil {
			return nil, err
		}
		p.PublishedAt = p.PublishedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}
