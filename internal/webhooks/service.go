package webhooks

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/secrets"
)

// Auditor records a change in the caller's transaction; *audit.Log is one.
type Auditor interface {
	Record(ctx context.Context, tx *db.Tx, actor, action, target string, details map[string]any) (audit.Entry, error)
}

// Deps are what the service is built from.
type Deps struct {
	DB    *db.DB
	Queue *jobs.Queue
	// Box seals the endpoints' signing secrets.
	Box   *secrets.Box
	Audit Auditor
	Log   *slog.Logger
	// Client sends the deliveries (a plain client when nil). Its redirect
	// policy and timeout are replaced: redirects are never followed and a
	// receiver has RequestTimeout to answer.
	Client *http.Client
}

// RequestTimeout is how long a receiver has to answer one delivery.
const RequestTimeout = 10 * time.Second

// Service manages endpoints and delivers events. It is safe for
// concurrent use.
type Service struct {
	db     *db.DB
	queue  *jobs.Queue
	box    *secrets.Box
	audit  Auditor
	log    *slog.Logger
	client *http.Client
	now    func() time.Time
	// retryDelay is the wait before the next try after a failed attempt
	// (attempt counts from 1); tests shorten it.
	retryDelay func(attempt int) time.Duration
}

// NewService builds the service and registers its delivery worker on the
// queue, which must not be built yet.
func NewService(d Deps) *Service {
	if d.DB == nil || d.Queue == nil || d.Box == nil || d.Audit == nil {
		panic("webhooks: NewService needs DB, Queue, Box and Audit")
	}
	s := &Service{db: d.DB, queue: d.Queue, box: d.Box, audit: d.Audit, log: d.Log, now: time.Now, retryDelay: backoff}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	c := http.Client{}
	if d.Client != nil {
		c = *d.Client
	}
	c.Timeout = RequestTimeout
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.client = &c
	registerWorker(s)
	return s
}

// backoff is River's default schedule without its jitter (attempt⁴
// seconds), kept here so the page can say when the next try comes.
func backoff(attempt int) time.Duration {
	return time.Duration(attempt*attempt*attempt*attempt) * time.Second
}

// clock is the current time in UTC at the precision both databases keep.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

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

func target(endpointID string) string { return "webhook:" + endpointID }

// secretContext binds a sealed secret to its endpoint's row.
func secretContext(endpointID string) string { return "webhook.secret:" + endpointID }
