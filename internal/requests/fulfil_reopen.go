package requests

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
)

// EventTaskReopened: an agent runs a finished automatic task again, for
// instance once an identity was added that the first run did not have.
const EventTaskReopened EventKind = "task_reopened"

// ReopenAutomaticTask puts a done automatic task of an open request back
// to open, in the caller's transaction, so its job can run again; the
// previous run stays on the timeline and in the audit log.
func (s *Service) ReopenAutomaticTask(ctx context.Context, tx *db.Tx, actor Actor, taskID string) error {
	if !actor.isAgent() {
		return ErrForbidden
	}
	cid, ok := canonicalID(taskID)
	if !ok {
		return ErrTaskNotFound
	}
	t, err := s.store.GetTask(ctx, tx, cid)
	if err != nil {
		return err
	}
	if t.State != TaskDone || t.Kind != SystemAutomatic {
		return ErrTaskNotFound
	}
	r, err := s.load(ctx, tx, t.RequestID)
	if err != nil {
		return err
	}
	if !r.Open() {
		return ErrClosed
	}
	from := t.State
	t.State, t.DoneAt, t.DoneBy, t.UpdatedAt = TaskOpen, nil, "", s.now()
	if err := s.store.UpdateTask(ctx, tx, t, from); err != nil {
		return err
	}
	data := map[string]any{"task_id": t.ID, "system": t.SystemName}
	if _, err := s.event(ctx, tx, r, EventTaskReopened, actor, Internal, "", data); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "request.task_reopened", r, data)
}
