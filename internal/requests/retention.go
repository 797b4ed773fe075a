package requests

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
)

// purgeBatch is how many requests one purge transaction handles at most
// per round; each request is its own transaction.
const purgeBatch = 100

// PurgeExpired removes the personal data of every request closed more
// than the retention period ago (see SQLStore.PurgeRequest for the
// checklist), leaving anonymous statistics. It is idempotent and
// resumable: a request is marked purged in the transaction that purges
// it, and a second run finds nothing left to do. It returns how many
// requests it purged.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	cutoff := s.now().AddDate(0, -s.retention, 0)
	total := 0
	for {
		ids, err := s.store.PurgeCandidates(ctx, cutoff, purgeBatch)
		if err != nil {
			return total, err
		}
		for _, id := range ids {
			err := s.db.InTx(ctx, func(tx *db.Tx) error {
				r, err := s.store.GetRequest(ctx, tx, id)
				if err != nil {
					return err
				}
				files, err := s.purgeAttachments(ctx, tx, id)
				if err != nil {
					return err
				}
				if err := s.purgeIdentities(ctx, tx, id); err != nil {
					return err
				}
				done, err := s.store.PurgeRequest(ctx, tx, id, s.now())
				if err != nil || !done {
					return err
				}
				details := map[string]any{"retention_months": s.retention, "attachments_deleted": files}
				if _, err := s.event(ctx, tx, r, EventPurged, SystemActor, Internal, "", details); err != nil {
					return err
				}
				return s.record(ctx, tx, SystemActor, "request.purged", r, details)
			})
			if err != nil {
				return total, err
			}
			total++
		}
		if len(ids) < purgeBatch {
			return total, nil
		}
	}
}
