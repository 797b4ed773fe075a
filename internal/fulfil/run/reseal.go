package run

import (
	"context"
	"fmt"
)

// Reseal seals again, with the current secret key, the connection URLs,
// signing secrets and pending rectification changes sealed with an older
// one (after a key rotation), so the old key can be retired. It returns
// how many values were sealed again.
func (s *Service) Reseal(ctx context.Context) (int, error) {
	n := 0
	for _, col := range []struct {
		table, key, name string
		ctx              func(string) string
	}{
		{"fulfil_connectors", "system_id", "url_sealed", urlContext},
		{"fulfil_connectors", "system_id", "secret_sealed", secretContext},
		{"fulfil_task_changes", "task_id", "changes_sealed", changesContext},
	} {
		m, err := s.resealColumn(ctx, col.table, col.key, col.name, col.ctx)
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// resealColumn reseals one column; the names are ours, never input.
func (s *Service) resealColumn(ctx context.Context, table, key, column string, context func(string) string) (int, error) {
	rows, err := s.db.Query(ctx, "SELECT "+key+", "+column+" FROM "+table+" WHERE "+column+" <> ''")
	if err != nil {
		return 0, fmt.Errorf("fulfil: reseal: %w", err)
	}
	stale := map[string]string{}
	for rows.Next() {
		var id, sealed string
		if err := rows.Scan(&id, &sealed); err != nil {
			rows.Close()
			return 0, fmt.Errorf("fulfil: reseal: %w", err)
		}
		if !s.box.Current(sealed) {
			stale[id] = sealed
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("fulfil: reseal: %w", err)
	}
	n := 0
	for id, old := range stale {
		plain, err := s.box.Open(old, context(id))
		if err != nil {
			return n, fmt.Errorf("fulfil: reseal %s of %s: %w", column, id, err)
		}
		fresh, err := s.box.Seal(plain, context(id))
		if err != nil {
			return n, err
		}
		// Only if unchanged meanwhile: a value saved since the read wins.
		res, err := s.db.Exec(ctx, "UPDATE "+table+" SET "+column+" = ? WHERE "+key+" = ? AND "+column+" = ?", fresh, id, old)
		if err != nil {
			return n, fmt.Errorf("fulfil: reseal: %w", err)
		}
		if c, _ := res.RowsAffected(); c == 1 {
			n++
		}
	}
	return n, nil
}
