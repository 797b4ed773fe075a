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
// choices costs a few transactions instead of one each. One group at a
// time: SQLite has one writer, and on PostgreSQL several groups in flight
// measured slower (more, smaller transactions for the same CPU).
type batcher struct {
	mu      sync.Mutex
	pending []*pendingEvent
	busy    bool
}

// preparer is a store that can ready its statements before a group.
type preparer interface {
	Prepare(ctx context.Context) error
}

type pendingEvent struct {
	e    *Event
	done chan error
}

// maxBatch bounds a group so one transaction stays short.
const maxBatch = 256

// donePool recycles the callers' answer channels: one per choice would
// otherwise be the event path's most frequent allocation.
var donePool = sync.Pool{New: func() any { return make(chan error, 1) }}

func (s *Service) commit(ctx context.Context, e *Event) error {
	b := &s.batch
	done := donePool.Get().(chan error)
	it := &pendingEvent{e: e, done: done}
	b.mu.Lock()
	b.pending = append(b.pending, it)
	if b.busy {
		b.mu.Unlock()
		return answer(done)
	}
	b.busy = true
	// The leader writes for others too: their requests must not fail
	// because its own was cancelled.
	wctx := context.WithoutCancel(ctx)
	for len(b.pending) > 0 {
		n := min(len(b.pending), maxBatch)
		group := make([]*pendingEvent, n)
		copy(group, b.pending)
		// Shift rather than reslice, so the queue's array is reused
		// instead of growing for ever.
		b.pending = b.pending[:copy(b.pending, b.pending[n:])]
		b.mu.Unlock()
		s.writeGroup(wctx, group)
		b.mu.Lock()
	}
	b.busy = false
	b.mu.Unlock()
	return answer(done)
}

// answer waits for the outcome of a pending event and recycles its channel
// (each channel receives exactly one value).
func answer(done chan error) error {
	err := <-done
	donePool.Put(done)
	return err
}

// writeGroup commits a group in one transaction. If that fails, each
// event is tried alone, so one bad event cannot sink the others.
func (s *Service) writeGroup(ctx context.Context, group []*pendingEvent) {
	if p, ok := s.store.(preparer); ok && !s.prepared.Load() {
		// Outside the transaction (see SQLStore.Prepare); on failure the
		// statements are parsed as they run, and preparing is tried again.
		if err := p.Prepare(ctx); err == nil {
			s.prepared.Store(true)
		} else {
			s.log.Warn("consent: prepare ledger statements", "err", err)
		}
	}
	events := make([]*Event, len(group))
	for i, it := range group {
		events[i] = it.e
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
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
