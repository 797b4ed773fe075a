package webhooks

import (
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Endpoint is a receiver of webhooks.
type Endpoint struct {
	ID          string
	URL         string
	Description string
	// Events are the subscribed event names, sorted.
	Events          []string
	Active          bool
	SecretRotatedAt *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// EndpointInput is what creating or changing an endpoint takes.
type EndpointInput struct {
	URL         string
	Description string
	Events      []string
	Active      bool
}

// Delivery statuses.
const (
	StatusPending   = "pending"   // not tried yet
	StatusRetrying  = "retrying"  // tried, failed, to be tried again
	StatusDelivered = "delivered" // the receiver answered 2xx
	StatusFailed    = "failed"    // given up on
)

// Statuses lists every status in the order pages show them.
var Statuses = []string{StatusPending, StatusRetrying, StatusDelivered, StatusFailed}

// Delivery is one event sent (or to be sent) to one endpoint.
type Delivery struct {
	ID         string
	EndpointID string
	// EventID is shared by every delivery of one event.
	EventID string
	Event   string
	// Payload is the exact body sent.
	Payload        string
	Status         string
	Attempts       int
	LastStatusCode int // 0 when no answer was received
	LastError      string
	NextAttemptAt  *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DeliveredAt    *time.Time
}

// Limits on what operators type.
const (
	MaxURLLen         = 2000
	MaxDescriptionLen = 200
)

// Errors returned by the service. Each is an *i18n.Error with a stable ID,
// returned as is so errors.Is matches it.
var (
	ErrNotFound           = i18n.NewError("webhooks.error.not_found")
	ErrDeliveryNotFound   = i18n.NewError("webhooks.error.delivery_not_found")
	ErrInactive           = i18n.NewError("webhooks.error.inactive")
	ErrURLRequired        = i18n.NewError("webhooks.error.url_required")
	ErrURLInvalid         = i18n.NewError("webhooks.error.url_invalid")
	ErrURLNotHTTPS        = i18n.NewError("webhooks.error.url_https")
	ErrURLCredentials     = i18n.NewError("webhooks.error.url_credentials")
	ErrURLTooLong         = i18n.NewError("webhooks.error.url_too_long", map[string]any{"Max": MaxURLLen})
	ErrDescriptionTooLong = i18n.NewError("webhooks.error.description_too_long", map[string]any{"Max": MaxDescriptionLen})
	ErrEventsRequired     = i18n.NewError("webhooks.error.events_required")
	ErrEventUnknown       = i18n.NewError("webhooks.error.event_unknown")
)
