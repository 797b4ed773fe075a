package requests

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// The tasks of automatic systems are run by a connector job (package
// fulfil/run): the job is inserted by the hook below in the transaction
// that opens the task, and reports back through FinishAutomaticTask or
// FailAutomaticTask.

// TaskFailed is an automatic task whose last run failed; its note says why
// and whether it will be tried again.
const TaskFailed TaskState = "failed"

// EventTaskFailed is a connector run that failed.
const EventTaskFailed EventKind = "task_failed"

// AutomaticTasks hears of each task opened for an automatic system, in the
// transaction that opens it, so its job is never saved without the task nor
// the task without its job.
type AutomaticTasks interface {
	TaskOpened(ctx context.Context, tx *db.Tx, r *Request, t *Task) error
}

// SetAutomaticTasks connects the runner of automatic tasks. Call it before
// the service is used; without one, automatic tasks wait for a connector.
func (s *Service) SetAutomaticTasks(a AutomaticTasks) { s.automatic = a }

// AutomaticTask is what a connector job needs to run a task.
type AutomaticTask struct {
	Task      Task
	RequestID string
	Reference string
	Type      Type
	Email     string
	Language  i18n.Lang
	// Runnable is false once the task is done or the request has ended
	// or been purged: the job then has nothing to do.
	Runnable bool
}

// AutomaticTask loads a task and the facts of its request.
func (s *Service) AutomaticTask(ctx context.Context, taskID string) (*AutomaticTask, error) {
	cid, ok := canonicalID(taskID)
	if !ok {
		return nil, ErrTaskNotFound
	}
	t, err := s.store.GetTask(ctx, s.db, cid)
	if err != nil {
		return nil, err
	}
	r, err := s.store.GetRequest(ctx, s.db, t.RequestID)
	if err != nil {
		return nil, err
	}
	return &AutomaticTask{
		Task: *t, RequestID: r.ID, Reference: r.Reference, Type: r.Type, Email: r.Email, Language: r.Language,
		Runnable: t.State != TaskDone && r.Open() && r.PurgedAt == nil && t.Kind == SystemAutomatic,
	}, nil
}

// ResultFile is a file a connector produced for the person (an access
// package), attached to the request for an agent to deliver.
type ResultFile struct {
	Name        string
	ContentType string
	Content     []byte
}

// AutomaticResult is what a finished connector run reports.
type AutomaticResult struct {
	Note string      // shown on the task
	File *ResultFile // optional
	// Action and Details go to the audit log (no personal values).
	Action  string
	Details map[string]any
}

// FinishAutomaticTask attaches the run's file, marks the task done and
// records the run, in one transaction. A task already done is left as it
// is (false): a job run twice attaches once.
func (s *Service) FinishAutomaticTask(ctx context.Context, taskID string, res AutomaticResult) (bool, error) {
	cid, ok := canonicalID(taskID)
	if !ok {
		return false, ErrTaskNotFound
	}
	note, err := checkText(res.Note, MaxBodyLen, nil, ErrBodyLong)
	if err != nil {
		return false, err
	}
	if res.File != nil && s.box == nil {
		return false, ErrAttachmentsDisabled
	}
	done := false
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.store.GetTask(ctx, tx, cid)
		if err != nil {
			return err
		}
		if t.State == TaskDone {
			return nil
		}
		r, err := s.load(ctx, tx, t.RequestID)
		if err != nil {
			return err
		}
		if !r.Open() || r.PurgedAt != nil {
			return ErrClosed
		}
		details := map[string]any{"task_id": t.ID, "system": t.SystemName}
		for k, v := range res.Details {
			details[k] = v
		}
		if res.File != nil {
			id, err := s.attachResult(ctx, tx, r, res.File)
			if err != nil {
				return err
			}
			details["attachment_id"] = id
		}
		if err := s.completeTask(ctx, tx, r, t, SystemActor, note); err != nil {
			return err
		}
		done = true
		return s.record(ctx, tx, SystemActor, res.Action, r, details)
	})
	return done, err
}

// attachResult stores a connector's file sealed, as agents' files are; its
// type is the connector's (an access package is a zip, which agents may
// not upload themselves).
func (s *Service) attachResult(ctx context.Context, tx *db.Tx, r *Request, f *ResultFile) (string, error) {
	sum := sha256.Sum256(f.Content)
	a := &Attachment{
		ID: newID(), RequestID: r.ID, Filename: f.Name, ContentType: f.ContentType, Size: int64(len(f.Content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: SystemActor.String(), CreatedAt: s.now(),
	}
	sealed, err := s.box.Seal(f.Content, attachmentContext(a.ID))
	if err != nil {
		return "", fmt.Errorf("requests: seal result: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO request_attachments
		(id, request_id, filename, content_type, size, sha256, content, keep, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.RequestID, a.Filename, a.ContentType, a.Size, a.SHA256, sealed, false, a.UploadedBy, a.CreatedAt); err != nil {
		return "", fmt.Errorf("requests: insert result: %w", err)
	}
	data := map[string]any{"attachment_id": a.ID, "size": a.Size, "content_type": a.ContentType}
	if _, err := s.event(ctx, tx, r, EventAttachmentAdded, SystemActor, Internal, a.Filename, data); err != nil {
		return "", err
	}
	return a.ID, nil
}

// FailAutomaticTask shows a failed run on the task (state failed, the
// reason as its note) and records it; final says no retry follows.
func (s *Service) FailAutomaticTask(ctx context.Context, taskID, reason string, final bool, details map[string]any) error {
	cid, ok := canonicalID(taskID)
	if !ok {
		return ErrTaskNotFound
	}
	if r := []rune(reason); len(r) > MaxBodyLen {
		reason = string(r[:MaxBodyLen])
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.store.GetTask(ctx, tx, cid)
		if err != nil {
			return err
		}
		if t.State == TaskDone {
			return nil
		}
		r, err := s.load(ctx, tx, t.RequestID)
		if err != nil {
			return err
		}
		from := t.State
		t.State, t.Note, t.UpdatedAt = TaskFailed, reason, s.now()
		if err := s.store.UpdateTask(ctx, tx, t, from); err != nil {
			return err
		}
		data := map[string]any{"task_id": t.ID, "system": t.SystemName, "final": final}
		if _, err := s.event(ctx, tx, r, EventTaskFailed, SystemActor, Internal, reason, data); err != nil {
			return err
		}
		for k, v := range details {
			data[k] = v
		}
		return s.record(ctx, tx, SystemActor, "request.task_failed", r, data)
	})
}
