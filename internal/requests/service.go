package requests

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// Auditor records a change in the caller's transaction; *audit.Log is one.
type Auditor interface {
	Record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) (audit.Entry, error)
}

// Mailer stores an email in the caller's transaction; *mail.Outbox is one.
type Mailer interface {
	Enqueue(ctx context.Context, tx *db.Tx, m mail.Message) (string, error)
}

// Operators finds the agents to assign and remind; *operator.Service is one.
type Operators interface {
	Get(ctx context.Context, id string) (*operator.Operator, error)
	List(ctx context.Context) ([]operator.Operator, error)
}

// Deps are what the service is built from.
type Deps struct {
	DB        *db.DB
	Store     Store // NewSQLStore(DB) when nil
	Queue     *jobs.Queue
	Audit     Auditor
	Outbox    Mailer
	Deadlines Deadlines
	Operators Operators
	// Webhooks hears of every new request and state change, in the
	// transaction that makes it (webhooks.Discard when nil).
	Webhooks webhooks.Emitter
	Log      *slog.Logger
	// BaseURL is the public address links in emails start with.
	BaseURL string
	// Now is the clock (time.Now when nil); tests move it.
	Now func() time.Time
	// TargetDays is the operator's internal target in calendar days after
	// receipt; 0 for none. The due date shown is the earlier of the legal
	// date and the target.
	TargetDays int
	// RetentionMonths is how long after closure a request keeps its
	// personal data (DefaultRetentionMonths when 0).
	RetentionMonths int
	// FallbackRegion is used for a region no law is known for (e.g. "EU"
	// for a business that treats everyone under the GDPR); empty refuses
	// such regions.
	FallbackRegion string
	// StaffLanguage is the language of mail to system owners, and to
	// operators who chose none (English when empty).
	StaffLanguage i18n.Lang
	// Box seals the files agents attach to requests; nil disables
	// attachments (ErrAttachmentsDisabled).
	Box *secrets.Box
}

// DefaultRetentionMonths is the default retention after closure.
const DefaultRetentionMonths = 24

// Links on the public side, served by the privacy centre pages; each takes
// ?token=…
const (
	PathVerify = "/privacy/verify"
	PathStatus = "/privacy/status"
	PathTask   = "/privacy/task"
	// PathRequest is the back-office page of a request, followed by its ID.
	PathRequest = "/requests/"
)

// Service runs the request workflow. It is safe for concurrent use.
type Service struct {
	db             *db.DB
	store          Store
	queue          *jobs.Queue
	audit          Auditor
	outbox         Mailer
	deadlines      Deadlines
	operators      Operators
	hooks          webhooks.Emitter
	log            *slog.Logger
	baseURL        string
	clock          func() time.Time
	targetDays     int
	retention      int
	fallbackRegion string
	staffLang      i18n.Lang
	box            *secrets.Box
	automatic      AutomaticTasks // runs automatic systems' tasks; nil leaves them waiting
	stateHook      StateHook      // hears of state changes (the suppression list); nil: none

	keyMu   sync.Mutex
	derived *keys
}

// NewService builds the service and registers its job workers on the
// queue, which must not be built yet.
func NewService(d Deps) *Service {
	if d.DB == nil || d.Queue == nil || d.Audit == nil || d.Outbox == nil || d.Deadlines == nil || d.Operators == nil {
		panic("requests: NewService needs DB, Queue, Audit, Outbox, Deadlines and Operators")
	}
	s := &Service{
		db: d.DB, store: d.Store, queue: d.Queue, audit: d.Audit, outbox: d.Outbox, deadlines: d.Deadlines,
		operators: d.Operators, hooks: d.Webhooks, log: d.Log, baseURL: strings.TrimRight(d.BaseURL, "/"), clock: d.Now,
		targetDays: max(d.TargetDays, 0), retention: d.RetentionMonths, fallbackRegion: strings.ToUpper(d.FallbackRegion),
		box: d.Box,
	}
	if s.store == nil {
		s.store = NewSQLStore(d.DB)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.hooks == nil {
		s.hooks = webhooks.Discard
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.staffLang = d.StaffLanguage; !s.staffLang.Valid() {
		s.staffLang = i18n.EN
	}
	if s.retention <= 0 {
		s.retention = DefaultRetentionMonths
	}
	s.registerWorkers()
	return s
}

// now is the current time in UTC at the precision both databases keep.
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Today is the current civil date (midnight UTC).
func (s *Service) Today() time.Time { return civil(s.now()) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// canonicalID returns id as stored (lower-case UUID), or false: anything
// else names no row and is not sent to the database.
func canonicalID(id string) (string, bool) {
	u, err := uuid.Parse(strings.TrimSpace(id))
	if err != nil {
		return "", false
	}
	return u.String(), true
}

func target(r *Request) string { return "request:" + r.ID }

// record appends the audit entry of a change to r. Details never hold
// personal data: the log outlives the retention purge.
func (s *Service) record(ctx context.Context, tx *db.Tx, actor Actor, action string, r *Request, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	details["reference"] = r.Reference
	_, err := s.audit.Record(ctx, tx, actor.String(), action, target(r), details)
	return err
}

// event appends an entry to r's timeline.
func (s *Service) event(ctx context.Context, tx *db.Tx, r *Request, kind EventKind, actor Actor, vis Visibility, body string, data map[string]any) (*Event, error) {
	e := &Event{ID: newID(), RequestID: r.ID, At: s.now(), Kind: kind, Actor: actor.String(), Visibility: vis, Body: body, Data: data}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	return e, s.store.InsertEvent(ctx, tx, e)
}

// save writes r, refreshing its update time.
func (s *Service) save(ctx context.Context, tx *db.Tx, r *Request) error {
	r.UpdatedAt = s.now()
	return s.store.UpdateRequest(ctx, tx, r)
}

// move runs one transition of the state machine on r: the row, a timeline
// event and an audit entry, in tx. Callers set the fields that go with the
// new state before calling. reason goes on the timeline only.
func (s *Service) move(ctx context.Context, tx *db.Tx, r *Request, to State, actor Actor, reason string, details map[string]any) error {
	from := r.State
	if !Allowed(from, to, actor.who()) {
		if actor.who() == 0 {
			return ErrForbidden
		}
		return errTransition(from, to)
	}
	now := s.now()
	r.State = to
	if to.Terminal() && r.ClosedAt == nil {
		r.ClosedAt = &now
	}
	if err := s.save(ctx, tx, r); err != nil {
		return err
	}
	if to.Terminal() {
		// Files added along the way go with the request's end, unless
		// the operator chose to keep them.
		if err := s.dropAttachmentsAtClosure(ctx, tx, r, actor); err != nil {
			return err
		}
	}
	data := map[string]any{"from": string(from), "to": string(to)}
	if r.Outcome != "" && to.Terminal() {
		data["outcome"] = string(r.Outcome)
	}
	// The person sees their request's progress, not the internal steps
	// (identity checks are explained to them by a reply).
	vis := VisibleSubject
	if to == StateIdentityCheck || from == StateIdentityCheck {
		vis = Internal
	}
	if _, err := s.event(ctx, tx, r, EventStateChanged, actor, vis, reason, data); err != nil {
		return err
	}
	if details == nil {
		details = map[string]any{}
	}
	details["from"], details["to"] = string(from), string(to)
	if err := s.record(ctx, tx, actor, "request.state_changed", r, details); err != nil {
		return err
	}
	if s.stateHook != nil {
		if err := s.stateHook.StateChanged(ctx, tx, r, from, actor); err != nil {
			return err
		}
	}
	return s.hooks.Emit(ctx, tx, webhooks.EventRequestStateChanged, change(r, from))
}

// change is the webhook payload of r: identifiers and dates, never the
// person's details.
func change(r *Request, from State) webhooks.RequestChange {
	return webhooks.RequestChange{ID: r.ID, Reference: r.Reference, Type: string(r.Type), From: string(from),
		To: string(r.State), DueDate: r.DueDate.Format("2006-01-02"), Law: r.LawID}
}

// statusURL is a fresh status link for r.
func (s *Service) statusURL(k *keys, r *Request) string {
	return s.link(PathStatus, k.statusToken(r.ID, s.now().Add(StatusTTL)))
}

func (s *Service) link(path, token string) string {
	return s.baseURL + path + "?token=" + url.QueryEscape(token)
}

// RequestURL is the back-office page of a request.
func (s *Service) RequestURL(id string) string { return s.baseURL + PathRequest + id }

// mailSubject emails the person in their language and notes it on the
// timeline. Every email but the verification carries a status link.
func (s *Service) mailSubject(ctx context.Context, tx *db.Tx, k *keys, r *Request, tmpl string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["Reference"] = r.Reference
	data["Type"] = string(r.Type)
	data["Name"] = r.Name
	if _, ok := data["StatusURL"]; !ok && tmpl != TemplateVerify {
		data["StatusURL"] = mail.Secret(s.statusURL(k, r))
	}
	return s.mail(ctx, tx, r, r.Email, r.Language, tmpl, data, "subject")
}

// mail enqueues one email about r and notes it on the timeline; role says
// who receives it (subject, owner, agent) without naming them.
func (s *Service) mail(ctx context.Context, tx *db.Tx, r *Request, to string, lang i18n.Lang, tmpl string, data map[string]any, role string) error {
	id, err := s.outbox.Enqueue(ctx, tx, mail.Message{To: to, Lang: lang, Template: tmpl, Data: data})
	if err != nil {
		return fmt.Errorf("requests: mail %s: %w", tmpl, err)
	}
	_, err = s.event(ctx, tx, r, EventEmailSent, SystemActor, Internal, "",
		map[string]any{"template": tmpl, "outbox_id": id, "to": role})
	return err
}

// load reads a request by ID for a caller's change, in tx.
func (s *Service) load(ctx context.Context, tx *db.Tx, id string) (*Request, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	r, err := s.store.GetRequest(ctx, tx, cid)
	if err != nil {
		return nil, err
	}
	if r.PurgedAt != nil {
		return nil, ErrNotFound
	}
	return r, nil
}

// Get returns a request by ID.
func (s *Service) Get(ctx context.Context, id string) (*Request, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	return s.store.GetRequest(ctx, s.db, cid)
}

// GetByReference returns a request by its reference, typed in any form.
func (s *Service) GetByReference(ctx context.Context, ref string) (*Request, error) {
	canon, ok := ParseReference(ref)
	if !ok {
		return nil, ErrNotFound
	}
	return s.store.GetRequestByReference(ctx, s.db, canon)
}

// Timeline returns every event of a request, oldest first.
func (s *Service) Timeline(ctx context.Context, id string) ([]Event, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	return s.store.ListEvents(ctx, s.db, cid, false)
}

// Tasks returns the tasks of a request, in creation order.
func (s *Service) Tasks(ctx context.Context, id string) ([]Task, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	return s.store.ListTasks(ctx, s.db, cid)
}

// Law returns the law a request is handled under (for its name and
// authority); ok is false if the rules no longer know it.
func (s *Service) Law(r *Request) (Law, bool) { return s.deadlines.Law(r.LawID, r.Region) }
