package breach

import (
	"context"
	"crypto/rand"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/rules"
)

// Auditor records a change in the caller's transaction; *audit.Log is one.
type Auditor interface {
	Record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) (audit.Entry, error)
}

// Deps are what the service is built from.
type Deps struct {
	DB    *db.DB
	Store Store // NewSQLStore(DB) when nil
	Audit Auditor
	// Rules holds the holiday calendars business days are counted with.
	Rules   *rules.Set
	Catalog *i18n.Catalog
	// Location is the business's time zone: days are counted there (UTC
	// when nil).
	Location *time.Location
	// Organization is the business's name, written in the drafts.
	Organization string
	Log          *slog.Logger
	// StaffLanguage is the language of the reminders to the contact person
	// (English when empty).
	StaffLanguage i18n.Lang
	// Queue runs the retention purge and the deadline reminders; nil (the
	// CLI, tests) registers no job.
	Queue *jobs.Queue
	// Outbox sends the notices to the persons concerned; nil disables
	// sending them by email (they can still be recorded as sent).
	Outbox Mailer
	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
}

// Service runs the breach register. It is safe for concurrent use.
type Service struct {
	db     *db.DB
	store  Store
	audit  Auditor
	rules  *rules.Set
	laws   *Laws
	cat    *i18n.Catalog
	loc    *time.Location
	org    string
	log    *slog.Logger
	clock  func() time.Time
	outbox Mailer
	staff  i18n.Lang
}

// NewService builds the service, loading the embedded breach laws.
func NewService(d Deps) (*Service, error) {
	if d.DB == nil || d.Audit == nil || d.Rules == nil || d.Catalog == nil {
		panic("breach: NewService needs DB, Audit, Rules and Catalog")
	}
	laws, err := LoadLaws(d.Rules)
	if err != nil {
		return nil, err
	}
	s := &Service{db: d.DB, store: d.Store, audit: d.Audit, rules: d.Rules, laws: laws, cat: d.Catalog,
		loc: d.Location, org: d.Organization, log: d.Log, clock: d.Now, outbox: d.Outbox}
	if s.store == nil {
		s.store = NewSQLStore(d.DB)
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.staff = d.StaffLanguage
	if !s.staff.Valid() {
		s.staff = i18n.EN
	}
	if d.Queue != nil {
		s.registerWorkers(d.Queue)
	}
	return s, nil
}

// Laws are the breach laws the service applies.
func (s *Service) Laws() *Laws { return s.laws }

// Location is the business's time zone.
func (s *Service) Location() *time.Location { return s.loc }

// Now is the service's clock, truncated to what both databases keep.
func (s *Service) Now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// View is an incident with everything computed from it.
type View struct {
	Incident      *Incident
	Obligations   []Obligation
	Events        []Event
	Notifications []Notification
	Drafts        []Draft
}

// Get returns an incident with its obligations, timeline, notifications
// and drafts.
func (s *Service) Get(ctx context.Context, id string) (*View, error) {
	id, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	inc, err := s.store.GetIncident(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	v := &View{Incident: inc}
	if v.Events, err = s.store.ListEvents(ctx, s.db, id); err != nil {
		return nil, err
	}
	if v.Notifications, err = s.store.ListNotifications(ctx, s.db, id); err != nil {
		return nil, err
	}
	if v.Drafts, err = s.store.ListDrafts(ctx, s.db, id); err != nil {
		return nil, err
	}
	v.Obligations = Obligations(inc, s.laws, s.rules, v.Notifications, s.Now(), s.loc)
	return v, nil
}

// Summary is an incident of the register list with its obligations.
type Summary struct {
	Incident    Incident
	Obligations []Obligation
}

// Overdue counts the obligations whose deadline passed unmet.
func (m Summary) Overdue() int {
	n := 0
	for _, o := range m.Obligations {
		if o.Clock.State == ClockOverdue {
			n++
		}
	}
	return n
}

// Next is the running clock that ends first, if any.
func (m Summary) Next() *Obligation {
	var best *Obligation
	for i := range m.Obligations {
		o := &m.Obligations[i]
		if o.Clock.Due == nil || (o.Clock.State != ClockRunning && o.Clock.State != ClockOverdue) {
			continue
		}
		if best == nil || o.Clock.Due.Before(*best.Clock.Due) {
			best = o
		}
	}
	return best
}

// List returns the register, open incidents first; state "" lists all.
func (s *Service) List(ctx context.Context, state State) ([]Summary, error) {
	incs, err := s.store.ListIncidents(ctx, s.db, state)
	if err != nil {
		return nil, err
	}
	sent, err := s.store.ListNotifications(ctx, s.db, "")
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]Summary, len(incs))
	for i := range incs {
		out[i].Incident = incs[i]
		if incs[i].Open() {
			var mine []Notification
			for _, n := range sent {
				if n.IncidentID == incs[i].ID {
					mine = append(mine, n)
				}
			}
			out[i].Obligations = Obligations(&incs[i], s.laws, s.rules, mine, now, s.loc)
		}
	}
	return out, nil
}

// change loads an open incident in tx, lets fn change it, then saves it
// with a timeline event and an audit entry.
func (s *Service) change(ctx context.Context, actor, id string, fn func(tx *db.Tx, inc *Incident) (*Event, map[string]any, error)) (*Incident, error) {
	id, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	var out *Incident
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		inc, err := s.store.GetIncident(ctx, tx, id)
		if err != nil {
			return err
		}
		if !inc.Open() {
			return ErrClosed
		}
		ev, details, err := fn(tx, inc)
		if err != nil {
			return err
		}
		inc.UpdatedAt = s.Now()
		if err := s.store.UpdateIncident(ctx, tx, inc); err != nil {
			return err
		}
		if err := s.event(ctx, tx, inc, ev, actor); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "breach."+string(ev.Kind), inc, details); err != nil {
			return err
		}
		out = inc
		return nil
	})
	return out, err
}

func (s *Service) event(ctx context.Context, tx *db.Tx, inc *Incident, ev *Event, actor string) error {
	ev.ID, ev.IncidentID, ev.At, ev.Actor = newID(), inc.ID, s.Now(), actor
	if ev.Data == nil {
		ev.Data = map[string]any{}
	}
	return s.store.InsertEvent(ctx, tx, ev)
}

// record appends the audit entry of a change. Details hold no personal
// data: the log outlives the register entry.
func (s *Service) record(ctx context.Context, tx *db.Tx, actor, action string, inc *Incident, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["reference"] = inc.Reference
	_, err := s.audit.Record(ctx, tx, actor, action, "breach:"+inc.ID, details)
	return err
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// canonicalID returns id as stored, or false: anything else names no row
// and is not sent to the database.
func canonicalID(id string) (string, bool) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// referenceAlphabet leaves out letters read as digits (I, L, O, U).
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newReference() (string, error) {
	b := make([]byte, 6)
	n := big.NewInt(int64(len(referenceAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", err
		}
		b[i] = referenceAlphabet[k.Int64()]
	}
	return "BR-" + string(b[:4]) + "-" + string(b[4:]), nil
}
