package consent

import (
	"context"
	"sync"

	"github.com/garde-privacy/garde/internal/db"
)

// batcher commits events in groups: whoever finds no commit running
// writes every waiting event in one transaction, then the next group,
// while the others wait for theirs. Each caller returns only once its own
// event is committed, so an acknowledged event is durable, but a burst of
// choices costs a few transactions instead of one each.
type batcher struct {
	mu      sync.Mutex
	pending []*pendingEvent
	busy    bool
}

type pendingEvent struct {
	e    *Event
	done chan error
}

// maxBatch bounds a group so one transaction stays short.
const maxBatch = 256

func (s *Service) commit(ctx context.Context, e *Event) error {
	b := &s.batch
	it := &pendingEvent{e: e, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, it)
	if b.busy {
		b.mu.Unlock()
		return <-it.done
	}
	b.busy = true
	// The leader writes for others too: their requests must not fail
	// because its own was cancelled.
	wctx := context.WithoutCancel(ctx)
	for len(b.pending) > 0 {
		n := min(len(b.pending), maxBatch)
		group := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		s.writeGroup(wctx, group)
		b.mu.Lock()
	}
	b.busy = false
	b.mu.Unlock()
	return <-it.done
}

// writeGroup commits a group in one transaction. If that fails, each
// event is tried alone, so one bad event cannot sink the others.
func (s *Service) writeGroup(ctx context.Context, group []*pendingEvent) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		events := make([]*Event, len(group))
		for i, it := range group {
			events[i] = it.e
		}
		if err := s.store.InsertEvents(ctx, tx, events); err != nil {
			return err
		}
		for _, e := range events {
			if err := s.sideEffects(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(group) == 1 {
		for _, it := range group {
			it.done <- err
		}
		return
	}
	for _, it := range group {
		it.done <- s.db.InTx(ctx, func(tx *db.Tx) error { return s.writeEvent(ctx, tx, it.e) })
	}
}
