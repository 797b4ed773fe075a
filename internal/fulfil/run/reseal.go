package run

import (
	"context"
	"fmt"
)

// Reseal seals again, with the current secret key, the connection URLs
// sealed with an older one (after a key rotation), so the old key can be
// retired. It returns how many were sealed again.
func (s *Service) Reseal(ctx context.Context) (int, error) {
	rows, err := s.db.Query(ctx, "SELECT system_id, url_sealed FROM fulfil_connectors")
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
		plain, err := s.box.Open(old, urlContext(id))
		if err != nil {
			return n, fmt.Errorf("fulfil: the connection of system %s: %w", id, err)
		}
		fresh, err := s.box.Seal(plain, urlContext(id))
		if err != nil {
			return n, err
		}
		// Only if unchanged meanwhile: a URL saved since the read wins.
		res, err := s.db.Exec(ctx, "UPDATE fulfil_connectors SET url_sealed = ? WHERE system_id = ? AND url_sealed = ?", fresh, id, old)
		if err != nil {
			return n, fmt.Errorf("fulfil: reseal: %w", err)
		}
		if c, _ := res.RowsAffected(); c == 1 {
			n++
		}
	}
	return n, nil
}
