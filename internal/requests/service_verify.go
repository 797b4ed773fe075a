package requests

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// Verification limits.
const (
	// MaxCodeAttempts wrong codes lock the code (the link still works, and
	// a new email gives a new code).
	MaxCodeAttempts = 5
	// MaxResends is how many more verification emails a person may ask for.
	MaxResends = 3
	// resendInterval is the least time between two verification emails.
	resendInterval = 5 * time.Minute
)

// Verified is the result of a successful verification.
type Verified struct {
	RequestID string
	Reference string
	// StatusToken opens the status page (Status, PostSubjectMessage).
	StatusToken string
	// AlreadyVerified is true when the link or code was used before: the
	// request was verified then, nothing changed now.
	AlreadyVerified bool
}

// VerifyByToken verifies the request of an emailed link. The link works
// until the verification period ends; using it again only reports
// AlreadyVerified. Unknown, replaced and expired links all give
// ErrVerificationInvalid.
func (s *Service) VerifyByToken(ctx context.Context, token string) (*Verified, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 128 {
		return nil, ErrVerificationInvalid
	}
	k, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	var out *Verified
	err = retryConflict(func() error {
		return s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.verifyToken(ctx, tx, k, token, &out)
		})
	})
	return out, err
}

// CheckVerificationToken reports whether an emailed link could still
// verify its request, changing nothing: the page a link opens asks for a
// click first, since mail scanners and link previews follow links too.
// It gives ErrVerificationInvalid where VerifyByToken would.
func (s *Service) CheckVerificationToken(ctx context.Context, token string) error {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 128 {
		return ErrVerificationInvalid
	}
	r, err := s.store.GetRequestByVerifyToken(ctx, s.db, digest(token))
	if errors.Is(err, ErrNotFound) {
		return ErrVerificationInvalid
	}
	if err != nil {
		return err
	}
	if r.PurgedAt != nil || r.verify.expiresAt == nil || !s.now().Before(*r.verify.expiresAt) || r.State == StateExpired {
		return ErrVerificationInvalid
	}
	return nil
}

func (s *Service) verifyToken(ctx context.Context, tx *db.Tx, k *keys, token string, out **Verified) error {
	r, err := s.store.GetRequestByVerifyToken(ctx, tx, digest(token))
	if errors.Is(err, ErrNotFound) {
		return ErrVerificationInvalid
	}
	if err != nil {
		return err
	}
	*out, err = s.verifyUsable(ctx, tx, k, r, "link")
	return err
}

// retryConflict runs fn again when a concurrent change got there first (a
// double click on a link): the second run sees the new state.
func retryConflict(fn func() error) error {
	err := fn()
	if errors.Is(err, ErrConflict) {
		err = fn()
	}
	return err
}

// VerifyByCode verifies a request by its reference and the 6-digit code of
// its email. Each wrong code counts; after MaxCodeAttempts the code is
// locked (ErrCodeLocked) until a new email is sent.
func (s *Service) VerifyByCode(ctx context.Context, reference, code string) (*Verified, error) {
	k, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	ref, refOK := ParseReference(reference)
	code = normalizeCode(code)
	if !refOK || len(code) != 6 {
		return nil, ErrCodeInvalid
	}
	var out *Verified
	var result error
	err = retryConflict(func() error {
		out, result = nil, nil
		return s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.verifyCode(ctx, tx, k, ref, code, &out, &result)
		})
	})
	if err != nil {
		return nil, err
	}
	return out, result
}

// verifyCode checks one code; a wrong one is counted and reported in
// *result while the transaction commits, so the count is kept.
func (s *Service) verifyCode(ctx context.Context, tx *db.Tx, k *keys, ref, code string, out **Verified, result *error) error {
	r, err := s.store.GetRequestByReference(ctx, tx, ref)
	if errors.Is(err, ErrNotFound) {
		// Spend the same work as a real comparison.
		subtle.ConstantTimeCompare([]byte(k.codeHash(ref, code)), []byte(strings.Repeat("0", 64)))
		*result = ErrCodeInvalid
		return nil
	}
	if err != nil {
		return err
	}
	if r.verify.attempts >= MaxCodeAttempts {
		*result = ErrCodeLocked
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(k.codeHash(r.ID, code)), []byte(r.verify.codeHash)) != 1 {
		r.verify.attempts++
		if err := s.save(ctx, tx, r); err != nil {
			return err
		}
		*result = ErrCodeInvalid
		if r.verify.attempts == MaxCodeAttempts {
			*result = ErrCodeLocked
			return s.record(ctx, tx, k.subjectActor(r.Email), "request.verification_locked", r, nil)
		}
		return nil // the count must be kept: commit
	}
	v, err := s.verifyUsable(ctx, tx, k, r, "code")
	*out = v
	return err
}

// verifyUsable verifies r if its link or code is still usable.
func (s *Service) verifyUsable(ctx context.Context, tx *db.Tx, k *keys, r *Request, method string) (*Verified, error) {
	if r.PurgedAt != nil || r.verify.expiresAt == nil || !s.now().Before(*r.verify.expiresAt) || r.State == StateExpired {
		return nil, ErrVerificationInvalid
	}
	out := &Verified{RequestID: r.ID, Reference: r.Reference, StatusToken: k.statusToken(r.ID, s.now().Add(StatusTTL))}
	if r.State != StateReceived {
		out.AlreadyVerified = true
		return out, nil
	}
	return out, s.verify(ctx, tx, k, r, k.subjectActor(r.Email), "", map[string]any{"method": method})
}

// verify moves r to verified and starts the work: deadlines fixed from
// the law, one task per active system, the acknowledgement email with the
// due date, and the reminders.
func (s *Service) verify(ctx context.Context, tx *db.Tx, k *keys, r *Request, actor Actor, reason string, details map[string]any) error {
	now := s.now()
	// The clock runs from receipt under every law Garde knows; the dates
	// are computed again in case the rules changed since submission.
	sch, err := s.deadlines.Schedule(r.LawID, r.Type, r.ReceivedAt)
	if err != nil {
		return fmt.Errorf("requests: deadlines of %s under %s: %w", r.Type, r.LawID, err)
	}
	computeDates(sch, r.ReceivedAt, s.targetDays).apply(r)
	r.VerifiedAt = &now
	if err := s.move(ctx, tx, r, StateVerified, actor, reason, details); err != nil {
		return err
	}
	if err := s.createTasks(ctx, tx, r); err != nil {
		return err
	}
	data := map[string]any{"DueDate": r.DueDate}
	if err := s.mailSubject(ctx, tx, k, r, TemplateAcknowledge, data); err != nil {
		return err
	}
	return s.scheduleReminders(ctx, tx, r)
}

// ResendVerification sends a new link and code for the request with this
// reference, if the email matches and it still awaits verification. It
// answers nil when nothing matches: only the person who submitted knows
// both. The previous link and code stop working.
func (s *Service) ResendVerification(ctx context.Context, reference, email string) error {
	ref, ok := ParseReference(reference)
	addr, bad := normalizeEmail(email)
	if !ok || bad != nil {
		return nil
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.store.GetRequestByReference(ctx, tx, ref)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		if subtle.ConstantTimeCompare([]byte(r.Email), []byte(addr)) != 1 || r.State != StateReceived ||
			r.verify.expiresAt == nil || !now.Before(*r.verify.expiresAt) {
			return nil
		}
		if r.verify.sends > MaxResends {
			return ErrResendExhausted
		}
		if r.verify.sentAt != nil && now.Before(r.verify.sentAt.Add(resendInterval)) {
			return ErrResendTooSoon
		}
		token, code, err := s.newVerification(k, r)
		if err != nil {
			return err
		}
		if err := s.save(ctx, tx, r); err != nil {
			return err
		}
		actor := k.subjectActor(r.Email)
		if _, err := s.event(ctx, tx, r, EventVerificationResent, actor, Internal, "", map[string]any{"sends": r.verify.sends}); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.verification_resent", r, map[string]any{"sends": r.verify.sends}); err != nil {
			return err
		}
		return s.sendVerification(ctx, tx, k, r, token, code)
	})
}

// expire ends a request never verified within VerificationTTL. It returns
// the time to try again when run early, or zero.
func (s *Service) expire(ctx context.Context, id string) (time.Duration, error) {
	var wait time.Duration
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.store.GetRequest(ctx, tx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if r.State != StateReceived || r.verify.expiresAt == nil {
			return nil
		}
		if now := s.now(); now.Before(*r.verify.expiresAt) {
			wait = r.verify.expiresAt.Sub(now)
			return nil
		}
		r.Outcome = OutcomeExpired
		r.verify.tokenHash, r.verify.codeHash = "", ""
		return s.move(ctx, tx, r, StateExpired, SystemActor, "", nil)
	})
	return wait, err
}
