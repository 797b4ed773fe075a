package requests

import (
	"context"
	"errors"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/operator"
)

// change runs fn on request id in a transaction, after checking that the
// actor is an agent.
func (s *Service) change(ctx context.Context, actor Actor, id string, fn func(tx *db.Tx, r *Request) error) error {
	if !actor.isAgent() {
		return ErrForbidden
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		return fn(tx, r)
	})
}

// Assign gives the request to an operator with at least the agent role,
// or to nobody when operatorID is empty.
func (s *Service) Assign(ctx context.Context, actor Actor, id, operatorID string) error {
	var assignee *operator.Operator
	if operatorID != "" {
		cid, ok := canonicalID(operatorID)
		if !ok {
			return ErrAssignee
		}
		o, err := s.operators.Get(ctx, cid)
		if errors.Is(err, operator.ErrNotFound) {
			return ErrAssignee
		}
		if err != nil {
			return err
		}
		if o.Disabled() || !o.Role.AtLeast(operator.Agent) {
			return ErrAssignee
		}
		operatorID = cid
		assignee = o
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if !r.Open() {
			return ErrClosed
		}
		if r.AssigneeID == operatorID {
			return nil
		}
		r.AssigneeID = operatorID
		if err := s.save(ctx, tx, r); err != nil {
			return err
		}
		data := map[string]any{"assignee_id": operatorID}
		if _, err := s.event(ctx, tx, r, EventAssigned, actor, Internal, "", data); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.assigned", r, map[string]any{"assignee_id": operatorID}); err != nil {
			return err
		}
		// The new holder hears of it, unless they took it themselves.
		if assignee == nil || (actor.Kind == ActorOperator && actor.ID == assignee.ID) {
			return nil
		}
		return s.mail(ctx, tx, r, assignee.Email, s.langOf(*assignee), TemplateAssigned, map[string]any{
			"Reference": r.Reference, "Type": string(r.Type), "DueDate": r.DueDate, "RequestURL": s.RequestURL(r.ID),
		}, "agent")
	})
}

// AddNote adds an internal note to the timeline; the person never sees it.
func (s *Service) AddNote(ctx context.Context, actor Actor, id, body string) (*Event, error) {
	body, err := checkText(body, MaxBodyLen, ErrBodyRequired, ErrBodyLong)
	if err != nil {
		return nil, err
	}
	var e *Event
	err = s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if e, err = s.event(ctx, tx, r, EventNote, actor, Internal, body, nil); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.note_added", r, map[string]any{"event_id": e.ID})
	})
	return e, err
}

// Reply writes to the person: the message goes on the timeline (they see
// it on their status page) and by email in their language. Only verified
// addresses get replies.
func (s *Service) Reply(ctx context.Context, actor Actor, id, body string) (*Event, error) {
	body, err := checkText(body, MaxBodyLen, ErrBodyRequired, ErrBodyLong)
	if err != nil {
		return nil, err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	var e *Event
	err = s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if r.VerifiedAt == nil {
			return ErrClosed
		}
		if e, err = s.event(ctx, tx, r, EventReply, actor, VisibleSubject, body, nil); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.replied", r, map[string]any{"event_id": e.ID}); err != nil {
			return err
		}
		return s.mailSubject(ctx, tx, k, r, TemplateReply, map[string]any{"Body": body})
	})
	return e, err
}
