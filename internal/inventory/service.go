package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
)

// MaxFileSize bounds an imported file.
const MaxFileSize = 1 << 20

// Service imports, saves and exports the inventory.
type Service struct {
	db    *db.DB
	store Store
	audit *audit.Log
	now   func() time.Time

	// decoded keeps revisions already read, as JSON: revisions never
	// change, YAML decoding is slow (milliseconds) and every page of the
	// inventory and documents reads the current one. Callers get a fresh
	// copy they may edit.
	mu      sync.Mutex
	decoded map[int64][]byte
}

// NewService returns the service over d.
func NewService(d *db.DB, log *audit.Log) *Service {
	return &Service{db: d, store: NewSQLStore(d), audit: log, now: time.Now, decoded: map[int64][]byte{}}
}

// Import parses a YAML file and saves it as the next revision, with its
// audit entry in the same transaction. A refused file changes nothing and
// returns FileErrors.
func (s *Service) Import(ctx context.Context, actor, fileName string, data []byte) (*Revision, *Inventory, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, ErrEmptyFile
	}
	if len(data) > MaxFileSize {
		return nil, nil, ErrTooLarge
	}
	inv, err := Parse(fileName, data)
	if err != nil {
		return nil, nil, err
	}
	rev, err := s.save(ctx, actor, "import:"+fileName, inv)
	return rev, inv, err
}

// Save stores inv (already valid) as the revision after base, the revision
// the edit started from (0 for none). When another revision was saved
// since, nothing is saved and ErrConflict says so: two people editing at
// once do not silently undo each other's answers.
func (s *Service) Save(ctx context.Context, actor, source string, inv *Inventory, base int64) (*Revision, error) {
	if ps := inv.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("inventory: %s: %s", ps[0].Path, ps[0].Reason)
	}
	return s.saveFrom(ctx, actor, source, inv, base)
}

func (s *Service) save(ctx context.Context, actor, source string, inv *Inventory) (*Revision, error) {
	return s.saveFrom(ctx, actor, source, inv, -1)
}

// saveFrom saves inv; base -1 appends whatever the latest revision is.
func (s *Service) saveFrom(ctx context.Context, actor, source string, inv *Inventory, base int64) (*Revision, error) {
	body, err := Marshal(inv)
	if err != nil {
		return nil, err
	}
	rev := &Revision{Body: body, Source: source, CreatedBy: actor, CreatedAt: s.now().UTC()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := s.store.InsertRevision(ctx, tx, rev); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrConflict
			}
			return err
		}
		if base >= 0 && rev.Number != base+1 {
			return ErrConflict
		}
		_, err := s.audit.Record(ctx, tx, actor, "inventory.save", fmt.Sprintf("inventory:%d", rev.Number), map[string]any{
			"source": source, "activities": len(inv.Activities), "systems": len(inv.Systems),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return rev, nil
}

// Current returns the newest inventory, or ErrNoInventory.
func (s *Service) Current(ctx context.Context) (*Inventory, *Revision, error) {
	rev, err := s.store.LatestRevision(ctx)
	if err != nil {
		return nil, nil, err
	}
	inv, err := s.decode(rev)
	return inv, rev, err
}

// Revision returns the inventory as saved in revision n.
func (s *Service) Revision(ctx context.Context, n int64) (*Inventory, *Revision, error) {
	rev, err := s.store.GetRevision(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	inv, err := s.decode(rev)
	return inv, rev, err
}

// Revisions lists saved revisions, newest first.
func (s *Service) Revisions(ctx context.Context, limit int) ([]Revision, error) {
	return s.store.ListRevisions(ctx, limit)
}

func (s *Service) decode(rev *Revision) (*Inventory, error) {
	s.mu.Lock()
	cached, ok := s.decoded[rev.Number]
	s.mu.Unlock()
	if ok {
		var inv Inventory
		if err := json.Unmarshal(cached, &inv); err != nil {
			return nil, err
		}
		return &inv, nil
	}
	inv, err := Parse(fmt.Sprintf("revision-%d.yaml", rev.Number), rev.Body)
	if err == nil {
		if data, jerr := json.Marshal(inv); jerr == nil {
			s.mu.Lock()
			if len(s.decoded) >= 64 {
				clear(s.decoded)
			}
			s.decoded[rev.Number] = data
			s.mu.Unlock()
		}
	}
	if err != nil {
		// Stored revisions were valid when saved; a taxonomy key removed
		// since would land here, and the message says which one.
		return nil, fmt.Errorf("inventory: stored revision %d: %w", rev.Number, err)
	}
	return inv, nil
}
