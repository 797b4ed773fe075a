package suppress

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/requests"
)

// Deps are what the service works with.
type Deps struct {
	DB    *db.DB
	Store Store // NewSQLStore(DB) when nil
	Audit *audit.Log
	// Requests, when given, puts the people of verified requests on the
	// list (its state hook is set to the service).
	Requests *requests.Service
	// Key is the instance's keyed-hash secret (fulfil.ErasureKey); the
	// list hashes with a key derived from it, so its hashes differ from
	// the erasure tombstones'.
	Key []byte
	Log *slog.Logger
	Now func() time.Time
}

// Service keeps the suppression list. It is safe for concurrent use.
type Service struct {
	db    *db.DB
	store Store
	audit *audit.Log
	key   []byte
	log   *slog.Logger
	clock func() time.Time
}

// New builds the service and, with Deps.Requests, hooks it to the
// requests' state changes.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Audit == nil || len(d.Key) < 16 {
		return nil, errors.New("suppress: New needs DB, Audit and a key of at least 16 bytes")
	}
	m := hmac.New(sha256.New, d.Key)
	m.Write([]byte("garde suppression list v1"))
	s := &Service{db: d.DB, store: d.Store, audit: d.Audit, key: m.Sum(nil), log: d.Log, clock: d.Now}
	if s.store == nil {
		s.store = NewSQLStore(d.DB)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if d.Requests != nil {
		d.Requests.SetStateHook(s)
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// hash is the keyed hash of a normalised email address.
func (s *Service) hash(email string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("email\x00"))
	m.Write([]byte(email))
	return hex.EncodeToString(m.Sum(nil))
}

func target(e *Entry) string { return "suppression:" + e.ID }

// change appends one step of e's history and its audit entry. The audit
// details hold no personal data: the agent's reason stays in the history.
func (s *Service) change(ctx context.Context, tx *db.Tx, e *Entry, actor, action, reason string) error {
	c := &Change{ID: newID(), SuppressionID: e.ID, At: s.now(), Actor: actor, Action: action, Purposes: e.Purposes, Reason: reason}
	if err := s.store.InsertChange(ctx, tx, c); err != nil {
		return err
	}
	details := map[string]any{"reason": string(e.Reason), "purposes": joinPurposes(e.Purposes)}
	if e.RequestReference != "" {
		details["reference"] = e.RequestReference
	}
	if e.LiftCause != "" {
		details["lift_cause"] = e.LiftCause
	}
	_, err := s.audit.Record(ctx, tx, actor, "suppression."+action, target(e), details)
	return err
}

// add inserts a new entry and its first history step.
func (s *Service) add(ctx context.Context, tx *db.Tx, e *Entry, action string) error {
	now := s.now()
	e.ID, e.CreatedAt, e.UpdatedAt = newID(), now, now
	if err := s.store.Insert(ctx, tx, e); err != nil {
		return err
	}
	return s.change(ctx, tx, e, e.CreatedBy, action, "")
}

// StateChanged implements requests.StateHook: a verified request of a
// suppressing type puts its person on the list with the type's default
// purposes; a request closed or rejected before it was answered lifts its
// entry. Everything is written in the request's transaction.
func (s *Service) StateChanged(ctx context.Context, tx *db.Tx, r *requests.Request, from requests.State, actor requests.Actor) error {
	purposes, ok := DefaultPurposes(r.Type)
	if !ok {
		return nil
	}
	switch r.State {
	case requests.StateVerified:
		if _, err := s.store.ByRequest(ctx, tx, r.ID); !errors.Is(err, ErrNotFound) {
			return err // already there (nil) or a failure
		}
		email, err := NormalizeEmail(r.Email)
		if err != nil {
			return err
		}
		slices.Sort(purposes)
		e := &Entry{IdentityHash: s.hash(email), Purposes: purposes, Reason: Reason(r.Type), RequestID: r.ID,
			CreatedBy: actor.String(), RequestReference: r.Reference}
		return s.add(ctx, tx, e, ActionAdded)
	case requests.StateClosed, requests.StateRejected:
		e, err := s.store.ByRequest(ctx, tx, r.ID)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || !e.Active() {
			return err
		}
		cause := LiftRequestClosed
		if r.State == requests.StateRejected {
			cause = LiftRequestRejected
		}
		return s.lift(ctx, tx, e, actor.String(), cause, "")
	}
	return nil
}

func (s *Service) lift(ctx context.Context, tx *db.Tx, e *Entry, actor, cause, reason string) error {
	now := s.now()
	e.LiftedAt, e.LiftedBy, e.LiftCause, e.LiftReason, e.UpdatedAt = &now, actor, cause, reason, now
	if err := s.store.Update(ctx, tx, e); err != nil {
		return err
	}
	return s.change(ctx, tx, e, actor, ActionLifted, reason)
}

// ManualInput is an entry an agent adds without a request (a complaint
// by phone, a letter).
type ManualInput struct {
	Email    string
	Purposes []string
	Note     string
}

// AddManual puts a person on the list by an agent's decision.
func (s *Service) AddManual(ctx context.Context, actor string, in ManualInput) (*Entry, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	purposes, err := NormalizePurposes(in.Purposes)
	if err != nil {
		return nil, err
	}
	note, err := text(in.Note, ErrNoteLong)
	if err != nil {
		return nil, err
	}
	e := &Entry{IdentityHash: s.hash(email), Purposes: purposes, Reason: ReasonManual, Note: note, CreatedBy: actor}
	if err := s.db.InTx(ctx, func(tx *db.Tx) error { return s.add(ctx, tx, e, ActionAdded) }); err != nil {
		return nil, err
	}
	return e, nil
}

// load reads an entry for a change, in tx.
func (s *Service) load(ctx context.Context, tx *db.Tx, id string) (*Entry, error) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return nil, ErrNotFound
	}
	e, err := s.store.Get(ctx, tx, u.String())
	if err != nil {
		return nil, err
	}
	if !e.Active() {
		return nil, ErrLifted
	}
	return e, nil
}

// SetPurposes changes what an active entry stops; the previous purposes
// stay in its history.
func (s *Service) SetPurposes(ctx context.Context, actor, id string, purposes []string) (*Entry, error) {
	ps, err := NormalizePurposes(purposes)
	if err != nil {
		return nil, err
	}
	var out *Entry
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		out = e
		if slices.Equal(e.Purposes, ps) {
			return nil
		}
		e.Purposes, e.UpdatedAt = ps, s.now()
		if err := s.store.Update(ctx, tx, e); err != nil {
			return err
		}
		return s.change(ctx, tx, e, actor, ActionPurposesChanged, "")
	})
	return out, err
}

// Lift ends an active entry; the agent says why.
func (s *Service) Lift(ctx context.Context, actor, id, reason string) (*Entry, error) {
	why, err := text(reason, ErrReasonLong)
	if err != nil {
		return nil, err
	}
	if why == "" {
		return nil, ErrReasonRequired
	}
	var out *Entry
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		out = e
		return s.lift(ctx, tx, e, actor, LiftByAgent, why)
	})
	return out, err
}

// Get returns an entry and its history.
func (s *Service) Get(ctx context.Context, id string) (*Entry, []Change, error) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return nil, nil, ErrNotFound
	}
	e, err := s.store.Get(ctx, s.db, u.String())
	if err != nil {
		return nil, nil, err
	}
	ch, err := s.store.Changes(ctx, s.db, e.ID)
	return e, ch, err
}

// ForRequest returns the entry a request put on the list, or ErrNotFound.
func (s *Service) ForRequest(ctx context.Context, requestID string) (*Entry, []Change, error) {
	e, err := s.store.ByRequest(ctx, s.db, requestID)
	if err != nil {
		return nil, nil, err
	}
	ch, err := s.store.Changes(ctx, s.db, e.ID)
	return e, ch, err
}

// List returns entries, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Entry, error) {
	return s.store.List(ctx, f)
}

// Check returns the active entries of an email address (none: the person
// is not on the list).
func (s *Service) Check(ctx context.Context, email string) ([]Entry, error) {
	addr, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	return s.store.Active(ctx, s.db, s.hash(addr))
}

// Suppressed reports whether an active entry of the email stops purpose.
func (s *Service) Suppressed(ctx context.Context, email, purpose string) (bool, error) {
	addr, err := NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	all, err := s.store.ActivePurposes(ctx, s.hash(addr))
	if err != nil {
		return false, err
	}
	for _, ps := range all {
		if (&Entry{Purposes: ps}).Stops(purpose) {
			return true, nil
		}
	}
	return false, nil
}

// Stopped lists the purposes the active entries stop, sorted; AllPurposes
// alone when one stops everything but the necessary.
func Stopped(es []Entry) []string {
	var out []string
	for i := range es {
		if !es[i].Active() {
			continue
		}
		if es[i].All() {
			return []string{AllPurposes}
		}
		for _, p := range es[i].Purposes {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// CarryOver puts on the list the people of the requests Garde honoured
// before the list existed (confirmed, not closed without an answer, not
// purged), once each: a request already on the list, even lifted, is
// left alone. It returns how many entries it added.
func (s *Service) CarryOver(ctx context.Context) (int, error) {
	pending, err := s.store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range pending {
		purposes, ok := DefaultPurposes(requests.Type(p.Type))
		email, eerr := NormalizeEmail(p.Email)
		if !ok || eerr != nil {
			continue
		}
		slices.Sort(purposes)
		e := &Entry{IdentityHash: s.hash(email), Purposes: purposes, Reason: Reason(p.Type), RequestID: p.ID,
			CreatedBy: requests.SystemActor.String()}
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			// A request verified meanwhile got its entry from the hook.
			if _, err := s.store.ByRequest(ctx, tx, p.ID); !errors.Is(err, ErrNotFound) {
				return err
			}
			n++
			return s.add(ctx, tx, e, ActionCarriedOver)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
