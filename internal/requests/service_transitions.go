package requests

import (
	"context"
	"slices"

	"github.com/garde-privacy/garde/internal/db"
)

// TransitionInput is a generic move, as the API takes it.
type TransitionInput struct {
	To State
	// Reason is required to reject, extend or start an identity check, and
	// to verify by hand; it is the note when completing or closing, and
	// confirming an identity.
	Reason string
	// Outcome is required to complete or close.
	Outcome Outcome
	// Method is required to leave an identity check (to in_progress).
	Method IdentityMethod
}

// Transition moves a request to in.To through the use case for that move.
// A move the state machine refuses is an error naming both states.
func (s *Service) Transition(ctx context.Context, actor Actor, id string, in TransitionInput) (*Request, error) {
	if !in.To.Valid() {
		return nil, errTransition("", in.To)
	}
	var err error
	switch in.To {
	case StateVerified:
		err = s.VerifyManually(ctx, actor, id, in.Reason)
	case StateInProgress:
		var r *Request
		if r, err = s.Get(ctx, id); err == nil && r.State == StateIdentityCheck {
			err = s.ConfirmIdentity(ctx, actor, id, in.Method, in.Reason)
		} else if err == nil {
			err = s.Start(ctx, actor, id)
		}
	case StateIdentityCheck:
		err = s.StartIdentityCheck(ctx, actor, id, in.Reason)
	case StateCompleted:
		err = s.Complete(ctx, actor, id, in.Outcome, in.Reason)
	case StateClosed:
		err = s.Close(ctx, actor, id, in.Outcome, in.Reason)
	case StateRejected:
		err = s.Reject(ctx, actor, id, in.Reason)
	default:
		err = s.change(ctx, actor, id, func(_ *db.Tx, r *Request) error { return errTransition(r.State, in.To) })
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func reason(s string) (string, error) {
	return checkText(s, MaxReasonLen, ErrReasonRequired, ErrReasonLong)
}

func optionalNote(s string) (string, error) {
	return checkText(s, MaxReasonLen, nil, ErrReasonLong)
}

// VerifyManually verifies a request an agent confirmed another way (by
// phone, in person); the reason says how.
func (s *Service) VerifyManually(ctx context.Context, actor Actor, id, why string) error {
	why, err := reason(why)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if r.State != StateReceived {
			return errTransition(r.State, StateVerified)
		}
		return s.verify(ctx, tx, k, r, actor, why, map[string]any{"method": "agent"})
	})
}

// Start marks a verified request as being worked on.
func (s *Service) Start(ctx context.Context, actor Actor, id string) error {
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if r.State == StateIdentityCheck {
			// Leaving the check needs the identity confirmed.
			return errTransition(r.State, StateInProgress)
		}
		return s.move(ctx, tx, r, StateInProgress, actor, "", nil)
	})
}

// StartIdentityCheck holds the request until an agent confirms who the
// person is (seed case: the email does not match the account's).
func (s *Service) StartIdentityCheck(ctx context.Context, actor Actor, id, why string) error {
	why, err := reason(why)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		return s.move(ctx, tx, r, StateIdentityCheck, actor, why, nil)
	})
}

// ConfirmIdentity records how the identity was confirmed and resumes the
// work.
func (s *Service) ConfirmIdentity(ctx context.Context, actor Actor, id string, method IdentityMethod, note string) error {
	if !method.Valid() {
		return ErrMethodInvalid
	}
	note, err := optionalNote(note)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if r.State != StateIdentityCheck {
			return errTransition(r.State, StateInProgress)
		}
		now := s.now()
		r.Identity = IdentityCheck{Method: method, Note: note, CheckedBy: actor.String(), CheckedAt: &now}
		data := map[string]any{"method": string(method)}
		if _, err := s.event(ctx, tx, r, EventIdentityChecked, actor, Internal, note, data); err != nil {
			return err
		}
		return s.move(ctx, tx, r, StateInProgress, actor, "", map[string]any{"identity_method": string(method)})
	})
}

// Reject refuses the request. The reason is required; the email (to a
// verified address) gives it and names the authority the person may
// complain to under their law.
func (s *Service) Reject(ctx context.Context, actor Actor, id, why string) error {
	why, err := reason(why)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		r.RejectionReason, r.Outcome = why, OutcomeRejected
		if err := s.move(ctx, tx, r, StateRejected, actor, why, nil); err != nil {
			return err
		}
		if r.VerifiedAt == nil {
			return nil
		}
		law, _ := s.deadlines.Law(r.LawID, r.Region)
		return s.mailSubject(ctx, tx, k, r, TemplateRejection, map[string]any{
			"Reason": why, "Authority": law.Authority, "AuthorityURL": law.AuthorityURL,
		})
	})
}

// Complete ends a request that was answered: fulfilled, partly fulfilled,
// or no data held. The note, optional, goes to the person.
func (s *Service) Complete(ctx context.Context, actor Actor, id string, outcome Outcome, note string) error {
	return s.finish(ctx, actor, id, StateCompleted, CompletedOutcomes, outcome, note)
}

// Close ends a request without an answer: withdrawn, duplicate, no reply
// from the person, or another reason given in the note.
func (s *Service) Close(ctx context.Context, actor Actor, id string, outcome Outcome, note string) error {
	return s.finish(ctx, actor, id, StateClosed, ClosedOutcomes, outcome, note)
}

func (s *Service) finish(ctx context.Context, actor Actor, id string, to State, allowed []Outcome, outcome Outcome, note string) error {
	if !slices.Contains(allowed, outcome) {
		return ErrOutcomeInvalid
	}
	note, err := optionalNote(note)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		r.Outcome, r.CloseNote = outcome, note
		if err := s.move(ctx, tx, r, to, actor, note, map[string]any{"outcome": string(outcome)}); err != nil {
			return err
		}
		if r.VerifiedAt == nil {
			return nil
		}
		return s.mailSubject(ctx, tx, k, r, TemplateClosure, map[string]any{"Outcome": string(outcome), "Note": note})
	})
}

// Extend moves the due date to the latest date the law allows, once, and
// tells the person why. It is refused when the law allows no extension
// (Quebec), after the notice period (GDPR: within the first month), or
// for a request not verified or already finished.
func (s *Service) Extend(ctx context.Context, actor Actor, id, why string) error {
	why, err := reason(why)
	if err != nil {
		return err
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		switch {
		case !r.Open() || r.State == StateReceived:
			return ErrClosed
		case r.Extended():
			return ErrExtensionDone
		case r.ExtensionLimit == nil:
			return ErrExtensionNone
		case r.ExtensionNoticeBy != nil && s.Today().After(*r.ExtensionNoticeBy):
			return errExtensionLate(r.ExtensionNoticeBy.Format("2006-01-02"))
		}
		now := s.now()
		old := r.DueDate
		r.DueDate, r.ExtendedAt, r.ExtensionReason = *r.ExtensionLimit, &now, why
		if err := s.save(ctx, tx, r); err != nil {
			return err
		}
		data := map[string]any{"from": old.Format("2006-01-02"), "to": r.DueDate.Format("2006-01-02")}
		if _, err := s.event(ctx, tx, r, EventExtended, actor, VisibleSubject, why, data); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.extended", r, map[string]any{"from": data["from"], "to": data["to"]}); err != nil {
			return err
		}
		law, _ := s.deadlines.Law(r.LawID, r.Region)
		if err := s.mailSubject(ctx, tx, k, r, TemplateExtension, map[string]any{
			"Reason": why, "DueDate": r.DueDate, "Authority": law.Authority, "AuthorityURL": law.AuthorityURL,
		}); err != nil {
			return err
		}
		return s.scheduleReminders(ctx, tx, r)
	})
}
