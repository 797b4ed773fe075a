package consent

import (
	"context"
	"errors"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// errNoReceiptKey: the table the migration seeds is empty, which only a
// hand-edited database can be.
var errNoReceiptKey = errors.New("consent: no receipt key generation in the database")

func (s *SQLStore) ReceiptKeys(ctx context.Context) ([]ReceiptKey, error) {
	rows, err := s.db.Query(ctx, `SELECT generation, created_at, created_by FROM consent_receipt_keys ORDER BY generation DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReceiptKey
	for rows.Next() {
		var k ReceiptKey
		if err := rows.Scan(&k.Generation, &k.CreatedAt, &k.CreatedBy); err != nil {
			return nil, err
		}
		k.CreatedAt = k.CreatedAt.UTC()
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errNoReceiptKey
	}
	return out, nil
}

// InsertReceiptKey numbers the generation inside the statement, so two
// rotations at once cannot take the same number: the second one's insert
// conflicts and its transaction fails.
func (s *SQLStore) InsertReceiptKey(ctx context.Context, tx *db.Tx, at time.Time, by string) (int, error) {
	var g int
	err := tx.QueryRow(ctx, `INSERT INTO consent_receipt_keys (generation, created_at, created_by)
		SELECT COALESCE(MAX(generation), 0) + 1, ?, ? FROM consent_receipt_keys RETURNING generation`, at, by).Scan(&g)
	return g, err
}
