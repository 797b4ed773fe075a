package run

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// ErrNotRerunnable is a task that cannot be run again: only a failed
// automatic task of an open request, whose system still has a connection.
var ErrNotRerunnable = i18n.NewError("fulfil.error.not_rerunnable")

func isAgent(a requests.Actor) bool {
	switch a.Kind {
	case requests.ActorToken:
		return a.ID != ""
	case requests.ActorOperator:
		return a.ID != "" && a.Role.AtLeast(operator.Agent)
	}
	return false
}

func taskOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Rerun runs a task's job again now: a failed one once its cause is fixed
// (the connection corrected, the database back), a done one when the
// agent wants a new run. A job still waiting for its next attempt is
// brought forward; one that ended is inserted again.
func (s *Service) Rerun(ctx context.Context, actor requests.Actor, requestID, taskID string) error {
	if !isAgent(actor) {
		return requests.ErrForbidden
	}
	r, err := s.requests.Get(ctx, requestID)
	if err != nil {
		return err
	}
	at, err := s.requests.AutomaticTask(ctx, taskID)
	if errors.Is(err, requests.ErrTaskNotFound) || (err == nil && at.RequestID != r.ID) {
		return requests.ErrNotFound
	}
	if err != nil {
		return err
	}
	// A done task runs again too (not a rectification, whose changes are
	// spent): an agent may have added an identity the first run lacked.
	again := at.Task.State == requests.TaskDone && at.Type != requests.TypeRectification && at.Task.Kind == requests.SystemAutomatic
	if !again && (!at.Runnable || at.Task.State != requests.TaskFailed) {
		return ErrNotRerunnable
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		kind, err := connectorKind(ctx, tx, at.Task.SystemID)
		if err != nil {
			return err
		}
		if kind == "" || !runnable(at.Type, kind) {
			return ErrNotRerunnable
		}
		if again {
			if err := s.requests.ReopenAutomaticTask(ctx, tx, actor, at.Task.ID); err != nil {
				if errors.Is(err, requests.ErrClosed) {
					return ErrNotRerunnable
				}
				return err
			}
		}
		if at.Type == requests.TypeRectification {
			// Without the agent's changes there is nothing to run.
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM fulfil_task_changes WHERE task_id = ?", at.Task.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ErrNotRerunnable
			}
		}
		if err := s.enqueueAgain(ctx, tx, at.Task.ID); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "fulfil.rerun", "request:"+r.ID,
			map[string]any{"task_id": at.Task.ID, "system": at.Task.SystemName})
		return err
	})
}

// newRunID is a random marker for a rerun's job.
func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// enqueueAgain makes the task's job run (again) now. A job still waiting
// for its next attempt, or one that ended, is made available. One River
// still counts as running has already written the task's end (a retry
// leaves a running job alone), so the new run gets a job of its own; a
// run alongside one still working is harmless, runs being idempotent.
func (s *Service) enqueueAgain(ctx context.Context, tx *db.Tx, taskID string) error {
	res, err := s.queue.InsertTx(ctx, tx, TaskArgs{TaskID: taskID}, taskOpts())
	if err != nil || !res.UniqueSkippedAsDuplicate {
		return err
	}
	if res.Job.State == rivertype.JobStateRunning {
		_, err = s.queue.InsertTx(ctx, tx, TaskArgs{TaskID: taskID, Run: newRunID()}, taskOpts())
		return err
	}
	_, err = s.queue.Client().JobRetryTx(ctx, tx.Tx, res.Job.ID)
	return err
}
