package requests

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/mail"
)

// TaskTokenTTL is how long a system owner's link to mark a task done works.
const TaskTokenTTL = 120 * 24 * time.Hour

// ActorOwner is the owner of a system acting through their emailed link.
const ActorOwner ActorKind = "owner"

// ownerActor is the pseudonymous audit actor of a system owner.
func (k *keys) ownerActor(email string) Actor {
	return Actor{Kind: ActorOwner, ID: hex.EncodeToString(mac(k.subject, "owner", email))[:24]}
}

// createTasks opens one task per active system for a verified request.
// Manual systems' owners get an email with a one-time link to mark the
// task done; automatic ones wait for their connector.
func (s *Service) createTasks(ctx context.Context, tx *db.Tx, r *Request) error {
	systems, err := s.store.ListSystems(ctx, tx, true)
	if err != nil {
		return err
	}
	now := s.now()
	for _, sys := range systems {
		t := &Task{
			ID: newID(), RequestID: r.ID, SystemID: sys.ID, SystemName: sys.Name, Kind: sys.Kind,
			AssigneeEmail: sys.OwnerEmail, CreatedAt: now, UpdatedAt: now, State: TaskWaitingConnector,
		}
		var token string
		if sys.Kind == SystemManual {
			if token, err = randomToken(); err != nil {
				return err
			}
			exp := now.Add(TaskTokenTTL)
			t.State, t.tokenHash, t.tokenExpiresAt = TaskOpen, digest(token), &exp
		}
		if err := s.store.InsertTask(ctx, tx, t); err != nil {
			return err
		}
		if sys.Kind == SystemAutomatic && s.automatic != nil {
			if err := s.automatic.TaskOpened(ctx, tx, r, t); err != nil {
				return err
			}
		}
		data := map[string]any{"task_id": t.ID, "system": sys.Name, "kind": string(sys.Kind)}
		if _, err := s.event(ctx, tx, r, EventTaskCreated, SystemActor, Internal, "", data); err != nil {
			return err
		}
		if token == "" {
			continue
		}
		if err := s.mail(ctx, tx, r, sys.OwnerEmail, s.staffLang, TemplateTask, map[string]any{
			"System": sys.Name, "Reference": r.Reference, "Type": string(r.Type), "DueDate": r.DueDate,
			"TaskURL": mail.Secret(s.link(PathTask, token)),
		}, "owner"); err != nil {
			return err
		}
	}
	return nil
}

// TaskView is what a system owner sees behind their link: enough to find
// the person in their system and act.
type TaskView struct {
	SystemName  string
	Reference   string
	Type        Type
	DueDate     time.Time
	State       TaskState
	Email       string
	Name        string
	AccountID   string
	Subject     string
	Description string
}

// taskByToken loads an open task and its request from an owner's link.
func (s *Service) taskByToken(ctx context.Context, q Querier, token string) (*Task, *Request, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 128 {
		return nil, nil, ErrTaskTokenInvalid
	}
	t, err := s.store.GetTaskByToken(ctx, q, digest(token))
	if errors.Is(err, ErrTaskNotFound) {
		return nil, nil, ErrTaskTokenInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	if t.State != TaskOpen || t.tokenExpiresAt == nil || !s.now().Before(*t.tokenExpiresAt) {
		return nil, nil, ErrTaskTokenInvalid
	}
	r, err := s.store.GetRequest(ctx, q, t.RequestID)
	if err != nil {
		return nil, nil, err
	}
	if r.PurgedAt != nil || (r.State.Terminal() && r.State != StateCompleted) {
		return nil, nil, ErrTaskTokenInvalid
	}
	return t, r, nil
}

// TaskByToken shows the task behind an owner's link.
func (s *Service) TaskByToken(ctx context.Context, token string) (*TaskView, error) {
	t, r, err := s.taskByToken(ctx, s.db, token)
	if err != nil {
		return nil, err
	}
	return &TaskView{
		SystemName: t.SystemName, Reference: r.Reference, Type: r.Type, DueDate: r.DueDate, State: t.State,
		Email: r.Email, Name: r.Name, AccountID: r.AccountID, Subject: r.Subject, Description: r.Description,
	}, nil
}

// CompleteTaskByToken marks the task behind an owner's link done, with an
// optional note. The link works once: a second use is ErrTaskTokenInvalid.
func (s *Service) CompleteTaskByToken(ctx context.Context, token, note string) error {
	note, err := checkText(note, MaxBodyLen, nil, ErrBodyLong)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		t, r, err := s.taskByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		return s.completeTask(ctx, tx, r, t, k.ownerActor(t.AssigneeEmail), note)
	})
}

// CompleteTask marks a task done from the back office.
func (s *Service) CompleteTask(ctx context.Context, actor Actor, taskID, note string) error {
	note, err := checkText(note, MaxBodyLen, nil, ErrBodyLong)
	if err != nil {
		return err
	}
	if !actor.isAgent() {
		return ErrForbidden
	}
	cid, ok := canonicalID(taskID)
	if !ok {
		return ErrTaskNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.store.GetTask(ctx, tx, cid)
		if err != nil {
			return err
		}
		if t.State == TaskDone {
			return ErrTaskDone
		}
		r, err := s.load(ctx, tx, t.RequestID)
		if err != nil {
			return err
		}
		return s.completeTask(ctx, tx, r, t, actor, note)
	})
}

func (s *Service) completeTask(ctx context.Context, tx *db.Tx, r *Request, t *Task, actor Actor, note string) error {
	now := s.now()
	from := t.State
	t.State, t.Note, t.DoneAt, t.DoneBy, t.UpdatedAt = TaskDone, note, &now, actor.String(), now
	t.tokenHash, t.tokenExpiresAt = "", nil
	if err := s.store.UpdateTask(ctx, tx, t, from); err != nil {
		return err
	}
	data := map[string]any{"task_id": t.ID, "system": t.SystemName}
	if _, err := s.event(ctx, tx, r, EventTaskDone, actor, Internal, note, data); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "request.task_done", r, data)
}
