package consent

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/mail"
)

// Controller is the business answering for the choices, as consent
// receipts name it.
type Controller struct {
	Name         string
	Email        string
	URL          string
	Jurisdiction string // ISO 3166 code of the establishment
}

// Deps are what the service works with.
type Deps struct {
	DB         *db.DB
	Store      Store // NewSQLStore(DB) when nil
	Audit      *audit.Log
	Log        *slog.Logger
	Controller Controller
	// ReceiptSigner signs receipts; nil leaves them unsigned.
	ReceiptSigner *ReceiptSigner
	// Webhooks tells the business's systems about opt-outs; nil sends none.
	Webhooks Emitter
	// Outbox sends the newsletter re-permission emails; BaseURL is
	// Garde's public address, for their links.
	Outbox  *mail.Outbox
	BaseURL string
	// RepermissionDays is how long a subscriber has to confirm
	// (DefaultRepermissionDays when 0).
	RepermissionDays int
	// Restrictions is the suppression list Check honours; nil: none.
	Restrictions Restrictions
	Now          func() time.Time
}

// Service records choices and answers questions about them.
type Service struct {
	db         *db.DB
	store      Store
	audit      *audit.Log
	log        *slog.Logger
	controller Controller
	signer     *ReceiptSigner
	emitter    Emitter
	outbox     *mail.Outbox
	baseURL    string
	// repermissionDays is the time a subscriber has to confirm.
	repermissionDays int
	perHour          int // re-permission emails per hour
	restrictions     Restrictions
	now              func() time.Time
	batch            batcher
	sites            sync.Map // site ID → cachedSite
}

// NewService returns the consent service.
func NewService(d Deps) *Service {
	s := &Service{db: d.DB, store: d.Store, audit: d.Audit, log: d.Log, controller: d.Controller, signer: d.ReceiptSigner, emitter: d.Webhooks, now: d.Now,
		outbox: d.Outbox, baseURL: strings.TrimRight(d.BaseURL, "/"), repermissionDays: d.RepermissionDays,
		restrictions: d.Restrictions}
	s.perHour = RepermissionPerHour
	if s.repermissionDays <= 0 {
		s.repermissionDays = DefaultRepermissionDays
	}
	if s.store == nil {
		s.store = NewSQLStore(d.DB)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// ActorPublic records choices made on the business's site or on the public
// pages: nobody signed in.
const ActorPublic = "public"

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Record validates a choice and appends it to the ledger. It returns once
// the event is committed: an acknowledged event is durable. Choices given
// with a subject identifier or by an API token are audited; a banner's
// choice for a pseudonymous device is its own proof in the ledger.
func (s *Service) Record(ctx context.Context, actor string, in EventInput) (*Event, error) {
	return s.record(ctx, actor, in, nil)
}

// record is Record for a choice counted as arriving (a).
func (s *Service) record(ctx context.Context, actor string, in EventInput, a *arrival) (*Event, error) {
	var site *Site
	if in.SiteID != "" {
		var err error
		if site, err = s.Site(ctx, in.SiteID); err != nil {
			if err == ErrSiteNotFound {
				return nil, FieldErrors{FieldSite: ErrSiteNotFound}
			}
			return nil, err
		}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	e, err := in.validate(site, now)
	if err != nil {
		return nil, err
	}
	e.ID, e.Actor, e.RecordedAt = newID(), actor, now
	if err := s.commit(ctx, e, a); err != nil {
		return nil, err
	}
	return e, nil
}

// append commits an event with its group (see batcher).
func (s *Service) append(ctx context.Context, e *Event) error { return s.commit(ctx, e, nil) }

// writeEvent writes an event, its webhook and its audit entry in tx.
func (s *Service) writeEvent(ctx context.Context, tx *db.Tx, e *Event) error {
	if err := s.store.InsertEvent(ctx, tx, e); err != nil {
		return err
	}
	return s.sideEffects(ctx, tx, e)
}

// audited tells whether e gets an audit entry: every event but a
// visitor's anonymous banner choice, which holds no personal data.
func audited(e *Event) bool { return e.Actor != ActorPublic || e.SubjectID != "" }

// sideEffects queues an event's webhook and writes its audit entry.
func (s *Service) sideEffects(ctx context.Context, tx *db.Tx, e *Event) error {
	if err := s.notify(ctx, tx, e); err != nil {
		return err
	}
	if !audited(e) {
		return nil
	}
	_, err := s.audit.Record(ctx, tx, e.Actor, "consent."+string(e.Kind), "consent:"+e.ID, map[string]any{
		"subject": e.SubjectID != "", "device": e.DeviceID != "", "granted": purposeStrings(e.Granted),
		"refused": purposeStrings(e.Refused), "method": string(e.Method), "source": string(e.Source),
	})
	return err
}

// Withdraw refuses purposes that a holder had granted: all of them but
// necessary when purposes is empty. It records a withdrawal event even when
// nothing was granted, so the wish itself is on record.
func (s *Service) Withdraw(ctx context.Context, actor string, h Holder, purposes []string, source Source) (*Event, error) {
	in := EventInput{SubjectID: h.SubjectID, DeviceID: h.DeviceID, Method: string(Express), Source: string(source)}
	if len(purposes) == 0 {
		states, err := s.States(ctx, h)
		if err != nil && err != ErrHolderNeeded {
			return nil, err
		}
		for _, st := range states {
			if st.Decision == Granted && st.Purpose != Necessary {
				in.Refused = append(in.Refused, string(st.Purpose))
			}
		}
		if len(in.Refused) == 0 {
			for _, p := range DefaultPurposes[1:] {
				in.Refused = append(in.Refused, string(p))
			}
		}
	} else {
		in.Refused = purposes
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	e, err := in.validate(nil, now)
	if err != nil {
		return nil, err
	}
	e.ID, e.Actor, e.RecordedAt, e.Kind = newID(), actor, now, KindWithdrawal
	if err := s.append(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Check answers whether a purpose is granted for a holder. Necessary is
// always granted; a purpose nobody answered is None, which callers must
// treat as not granted. A subject named by email whose request restricts
// the purpose is refused whatever the ledger says.
func (s *Service) Check(ctx context.Context, h Holder, purpose string) (State, error) {
	if err := checkHolder(h); err != nil {
		return State{}, err
	}
	p := Purpose(purpose)
	if !validPurposeName(purpose) {
		return State{}, FieldErrors{"purpose": errPurposeUnknown(purpose, nil)}
	}
	if p == Necessary {
		return State{Purpose: p, Decision: Granted}, nil
	}
	if email, ok := normalEmail(h.SubjectID); ok && s.restrictions != nil {
		restricted, err := s.restrictions.Restricted(ctx, email, p)
		if err != nil {
			return State{}, err
		}
		if restricted {
			return State{Purpose: p, Decision: Refused, Restricted: true}, nil
		}
	}
	states, err := s.store.States(ctx, h)
	if err != nil {
		return State{}, err
	}
	for _, st := range states {
		if st.Purpose == p {
			return st, nil
		}
	}
	return State{Purpose: p, Decision: None}, nil
}

// States lists a holder's current decisions.
func (s *Service) States(ctx context.Context, h Holder) ([]State, error) {
	if err := checkHolder(h); err != nil {
		return nil, err
	}
	return s.store.States(ctx, h)
}

// MaxHistory caps a history page.
const MaxHistory = 500

// History lists a holder's events, newest first.
func (s *Service) History(ctx context.Context, h Holder, limit int) ([]Event, error) {
	if err := checkHolder(h); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxHistory {
		limit = MaxHistory
	}
	return s.store.History(ctx, h, limit)
}

// Event returns one event of the ledger.
func (s *Service) Event(ctx context.Context, id string) (*Event, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, ErrNotFound
	}
	return s.store.GetEvent(ctx, id)
}

func checkHolder(h Holder) error {
	fe := FieldErrors{}
	checkID(fe, FieldSubject, h.SubjectID)
	checkID(fe, FieldDevice, h.DeviceID)
	if len(fe) > 0 {
		return fe
	}
	if h.SubjectID == "" && h.DeviceID == "" {
		return ErrHolderNeeded
	}
	return nil
}

func purposeStrings(ps []Purpose) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

// knownPurposes are the purposes a site, or the ledger by default, accepts.
func knownPurposes(site *Site) []Purpose {
	if site != nil && len(site.Purposes) > 0 {
		return site.Purposes
	}
	return append(slices.Clone(DefaultPurposes), Sensitive, Newsletter)
}
