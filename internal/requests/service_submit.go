package requests

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// VerificationTTL is how long a request may wait for its email address to
// be confirmed before it expires.
const VerificationTTL = 7 * 24 * time.Hour

// SubmitMeta says how a request arrives.
type SubmitMeta struct {
	// Source is SourceForm (the default) or SourceAPI.
	Source Source
	// Actor is who submits: the zero Actor for the person themselves on the
	// public form; an operator or token for the back office and the API.
	Actor Actor
	// Verified marks a request whose person the business's own system has
	// already authenticated (API and back office only): no verification
	// email, the request starts verified. It is audited as such.
	Verified bool
}

// Receipt identifies a new request. The public form shows the same
// message whatever happens next: nothing in it depends on whether the
// address is known anywhere.
type Receipt struct {
	ID        string
	Reference string
}

var errReferenceTaken = errors.New("requests: reference taken")

// Submit validates and saves a request with, in the same transaction, its
// verification email (in the person's language) and the job that expires
// it after VerificationTTL. Invalid input is a FieldErrors. The same path
// runs for every address: there is no look-up that could reveal who exists.
func (s *Service) Submit(ctx context.Context, in SubmitInput, meta SubmitMeta) (*Receipt, error) {
	c, err := s.validate(in)
	if err != nil {
		return nil, err
	}
	if meta.Source == "" {
		meta.Source = SourceForm
	}
	if meta.Source != SourceForm && meta.Source != SourceAPI {
		return nil, fmt.Errorf("requests: unknown source %q", meta.Source)
	}
	if (meta.Verified || meta.Source == SourceAPI) && !meta.Actor.isAgent() {
		return nil, ErrForbidden
	}
	k, err := s.keys(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	sch, err := s.deadlines.Schedule(c.law.ID, c.Type, now)
	if err != nil {
		return nil, fmt.Errorf("requests: deadlines of %s under %s: %w", c.Type, c.law.ID, err)
	}
	r := &Request{
		ID: newID(), Type: c.Type, State: StateReceived,
		Email: c.Email, Name: c.Name, Phone: c.Phone, Subject: c.Subject, Description: c.Description, AccountID: c.AccountID,
		Region: c.Region, LawID: c.law.ID, Language: c.Language, Source: meta.Source,
		ReceivedAt: now, CreatedAt: now, UpdatedAt: now,
	}
	computeDates(sch, now, s.targetDays).apply(r)
	actor := meta.Actor
	if actor.Kind == "" {
		actor = k.subjectActor(r.Email)
	}

	for attempt := 0; ; attempt++ {
		// A fresh copy per attempt: a rolled-back attempt leaves nothing behind.
		cur := *r
		if cur.Reference, err = newReference(); err != nil {
			return nil, err
		}
		err = s.db.InTx(ctx, func(tx *db.Tx) error {
			return s.insertSubmitted(ctx, tx, k, &cur, actor, meta)
		})
		if attempt < 3 && (errors.Is(err, errReferenceTaken) || db.IsUniqueViolation(err)) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &Receipt{ID: cur.ID, Reference: cur.Reference}, nil
	}
}

func (s *Service) insertSubmitted(ctx context.Context, tx *db.Tx, k *keys, r *Request, actor Actor, meta SubmitMeta) error {
	taken, err := s.store.ReferenceExists(ctx, tx, r.Reference)
	if err != nil {
		return err
	}
	if taken {
		return errReferenceTaken
	}
	token, code, err := s.newVerification(k, r)
	if err != nil {
		return err
	}
	r.Version = 0
	if err := s.store.InsertRequest(ctx, tx, r); err != nil {
		return err
	}
	if _, err := s.event(ctx, tx, r, EventSubmitted, actor, VisibleSubject, "", map[string]any{"source": string(r.Source)}); err != nil {
		return err
	}
	details := map[string]any{"type": string(r.Type), "law": r.LawID, "region": r.Region, "source": string(r.Source)}
	if err := s.record(ctx, tx, actor, "request.submitted", r, details); err != nil {
		return err
	}
	if err := s.hooks.Emit(ctx, tx, webhooks.EventRequestCreated, change(r, "")); err != nil {
		return err
	}
	if meta.Verified {
		// The business vouches for the person (their own login, their own
		// check): the request starts verified, on the record.
		return s.verify(ctx, tx, k, r, actor, "", map[string]any{"method": "verified_by_submitter"})
	}
	if err := s.sendVerification(ctx, tx, k, r, token, code); err != nil {
		return err
	}
	_, err = s.queue.InsertTx(ctx, tx, ExpireArgs{RequestID: r.ID}, &river.InsertOpts{ScheduledAt: *r.verify.expiresAt})
	return err
}

// newVerification gives r a fresh link token and code, returned in clear
// for the email; only their hashes stay on r.
func (s *Service) newVerification(k *keys, r *Request) (token, code string, err error) {
	if token, err = randomToken(); err != nil {
		return "", "", err
	}
	if code, err = newCode(); err != nil {
		return "", "", err
	}
	now := s.now()
	exp := r.ReceivedAt.Add(VerificationTTL)
	r.verify.tokenHash = digest(token)
	r.verify.codeHash = k.codeHash(r.ID, code)
	r.verify.expiresAt = &exp
	r.verify.attempts = 0
	r.verify.sends++
	r.verify.sentAt = &now
	return token, code, nil
}

func (s *Service) sendVerification(ctx context.Context, tx *db.Tx, k *keys, r *Request, token, code string) error {
	return s.mailSubject(ctx, tx, k, r, TemplateVerify, map[string]any{
		"VerifyURL": mail.Secret(s.link(PathVerify, token)),
		"Code":      mail.Secret(code[:3] + " " + code[3:]),
		"ExpiresAt": *r.verify.expiresAt,
	})
}
