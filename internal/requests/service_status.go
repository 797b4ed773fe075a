package requests

import (
	"context"
	"errors"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// StatusView is what the person sees of their request on the status page.
type StatusView struct {
	Reference  string
	Type       Type
	State      State
	Language   i18n.Lang
	ReceivedAt time.Time
	VerifiedAt *time.Time
	DueDate    time.Time
	ExtendedAt *time.Time
	// ExtensionReason is what the person was told when the deadline moved.
	ExtensionReason string
	ClosedAt        *time.Time
	Outcome         Outcome
	RejectionReason string
	// Authority is where the person may complain about the answer.
	Authority    string
	AuthorityURL string
	// Messages are the timeline entries the person may see, oldest first.
	Messages []StatusMessage
	// CanReply and CanWithdraw say which forms the page offers.
	CanReply    bool
	CanWithdraw bool
	// Downloads are the files delivered to the person whose delivery still
	// runs; HasDownload says there is at least one.
	Downloads   []DeliveredFile
	HasDownload bool
	// Identities are the ones an agent added (identities.go).
	Identities []Identity
}

// StatusMessage is one entry of the person's view of the timeline.
type StatusMessage struct {
	At   time.Time
	Kind EventKind
	// FromSubject is true for the person's own messages.
	FromSubject bool
	Body        string
	// Data holds the kind's facts (from/to states, new due date).
	Data map[string]any
}

// statusRequest opens a status token and loads its request.
func (s *Service) statusRequest(ctx context.Context, q Querier, k *keys, token string) (*Request, error) {
	id, ok := k.openStatusToken(token, s.now())
	if !ok {
		return nil, ErrStatusInvalid
	}
	r, err := s.store.GetRequest(ctx, q, id)
	if errors.Is(err, ErrNotFound) || (err == nil && r.PurgedAt != nil) {
		return nil, ErrStatusInvalid
	}
	return r, err
}

// Status returns the person's view of the request a status token names.
// An invalid or expired token gives ErrStatusInvalid.
func (s *Service) Status(ctx context.Context, token string) (*StatusView, error) {
	k, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.statusRequest(ctx, s.db, k, token)
	if err != nil {
		return nil, err
	}
	events, err := s.store.ListEvents(ctx, s.db, r.ID, true)
	if err != nil {
		return nil, err
	}
	v := &StatusView{
		Reference: r.Reference, Type: r.Type, State: r.State, Language: r.Language, ReceivedAt: r.ReceivedAt,
		VerifiedAt: r.VerifiedAt, DueDate: r.DueDate, ExtendedAt: r.ExtendedAt, ExtensionReason: r.ExtensionReason,
		ClosedAt: r.ClosedAt, Outcome: r.Outcome, RejectionReason: r.RejectionReason,
		CanReply: r.Open() && r.State != StateReceived, CanWithdraw: Allowed(r.State, StateClosed, BySubject),
	}
	if law, ok := s.deadlines.Law(r.LawID, r.Region); ok {
		v.Authority, v.AuthorityURL = law.Authority, law.AuthorityURL
	}
	if v.Downloads, err = s.deliveredFiles(ctx, s.db, r.ID, s.now()); err != nil {
		return nil, err
	}
	v.HasDownload = len(v.Downloads) > 0
	if v.Identities, err = s.identities(ctx, s.db, r.ID); err != nil {
		return nil, err
	}
	for _, e := range events {
		v.Messages = append(v.Messages, StatusMessage{
			At: e.At, Kind: e.Kind, FromSubject: e.Actor == k.subjectActor(r.Email).String() && e.Kind == EventSubjectMessage,
			Body: e.Body, Data: e.Data,
		})
	}
	return v, nil
}

// PostSubjectMessage adds the person's message to the timeline and tells
// the assignee (every agent when nobody holds the request).
func (s *Service) PostSubjectMessage(ctx context.Context, token, body string) error {
	body, err := checkText(body, MaxBodyLen, ErrBodyRequired, ErrBodyLong)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	agents, err := s.operators.List(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.statusRequest(ctx, tx, k, token)
		if err != nil {
			return err
		}
		if !r.Open() || r.State == StateReceived {
			return ErrClosed
		}
		actor := k.subjectActor(r.Email)
		if _, err := s.event(ctx, tx, r, EventSubjectMessage, actor, VisibleSubject, body, nil); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.subject_message", r, nil); err != nil {
			return err
		}
		for _, o := range recipients(agents, r.AssigneeID) {
			if err := s.mail(ctx, tx, r, o.Email, s.langOf(o), TemplateSubjectMessage, map[string]any{
				"Reference": r.Reference, "Type": string(r.Type), "RequestURL": s.RequestURL(r.ID),
			}, "agent"); err != nil {
				return err
			}
		}
		return nil
	})
}

// Withdraw closes the request at the person's wish (outcome withdrawn)
// and confirms it by email.
func (s *Service) Withdraw(ctx context.Context, token string) error {
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.statusRequest(ctx, tx, k, token)
		if err != nil {
			return err
		}
		r.Outcome = OutcomeWithdrawn
		if err := s.move(ctx, tx, r, StateClosed, k.subjectActor(r.Email), "", map[string]any{"outcome": string(OutcomeWithdrawn)}); err != nil {
			return err
		}
		return s.mailSubject(ctx, tx, k, r, TemplateClosure, map[string]any{"Outcome": string(r.Outcome), "Note": ""})
	})
}

// StatusLink returns a fresh status link of a request, for an agent who
// needs to give it again.
func (s *Service) StatusLink(ctx context.Context, id string) (string, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return "", err
	}
	return s.statusURL(k, r), nil
}

// recipients are the assignee when there is an active one, else every
// active agent.
func recipients(ops []operator.Operator, assigneeID string) []operator.Operator {
	var all []operator.Operator
	for _, o := range ops {
		if o.Disabled() || !o.Role.AtLeast(operator.Agent) {
			continue
		}
		if o.ID == assigneeID {
			return []operator.Operator{o}
		}
		all = append(all, o)
	}
	return all
}

// langOf is the language of mail to an operator: theirs, or the staff's.
func (s *Service) langOf(o operator.Operator) i18n.Lang {
	if l := i18n.Lang(o.Locale); l.Valid() {
		return l
	}
	return s.staffLang
}
