package consent

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// EventOptOut is the webhook sent when someone opts out of sale and
// sharing or limits the use of their sensitive information, so the
// business's systems stop at once.
const EventOptOut = "consent.opt_out"

func init() { webhooks.RegisterEvent(EventOptOut, "webhooks.event.consent_opt_out") }

// Emitter queues webhooks in the caller's transaction (webhooks.Service).
type Emitter interface {
	Emit(ctx context.Context, tx *db.Tx, event string, payload any) error
}

// OptOutChange is the webhook's data: which event to look up (its receipt
// names the person) and what was refused. It carries no personal details.
type OptOutChange struct {
	EventID  string   `json:"event_id"`
	Kind     string   `json:"kind"`
	Purposes []string `json:"purposes"`
	Source   string   `json:"source"`
	GPC      bool     `json:"gpc"`
}

// OptOutKind is what a person opts out of.
type OptOutKind string

const (
	// DoNotSell refuses sale, sharing and marketing.
	DoNotSell OptOutKind = "do_not_sell"
	// LimitSensitive limits the use of sensitive personal information.
	LimitSensitive OptOutKind = "limit_sensitive"
)

// Purposes are what the opt-out refuses.
func (k OptOutKind) Purposes() []Purpose {
	if k == LimitSensitive {
		return []Purpose{Sensitive}
	}
	return OptOutPurposes
}

// OptOutInput is an opt-out from a public page or a GPC signal.
type OptOutInput struct {
	Kind     OptOutKind
	Email    string // optional: the opt-out then also holds for the person
	DeviceID string
	GPC      bool
	Language string
	Source   Source // SourceForm for the pages, SourceGPC for the signal alone
}

// normalEmail checks an address typed by a person and returns its usual
// form (lower case, no display name).
func normalEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", false
	}
	return strings.ToLower(s), true
}

// OptOut records a refusal of the kind's purposes for the email and the
// device, as an opt-out (it needs no consent to be honoured), and tells
// the business's systems by webhook in the same transaction.
func (s *Service) OptOut(ctx context.Context, in OptOutInput) (*Event, error) {
	subject := ""
	if strings.TrimSpace(in.Email) != "" {
		var ok bool
		if subject, ok = normalEmail(in.Email); !ok {
			return nil, ErrEmailInvalid
		}
	}
	if in.Source == "" {
		in.Source = SourceForm
	}
	ev := EventInput{SubjectID: subject, DeviceID: in.DeviceID, Refused: purposeStrings(in.Kind.Purposes()),
		Method: string(OptOut), Source: string(in.Source), Language: in.Language, GPC: in.GPC}
	now := s.now().UTC().Truncate(time.Microsecond)
	e, err := ev.validate(nil, now)
	if err != nil {
		return nil, err
	}
	e.ID, e.Actor, e.RecordedAt = newID(), ActorPublic, now
	if err := s.append(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// notifies tells whether e is an opt-out the business's systems hear of.
func (s *Service) notifies(e *Event) bool {
	return s.emitter != nil && e.Method == OptOut && len(e.Refused) > 0
}

// notify queues the opt-out webhook for an event that refuses, by opt-out,
// purposes the business must stop.
func (s *Service) notify(ctx context.Context, tx *db.Tx, e *Event) error {
	if !s.notifies(e) {
		return nil
	}
	kind := DoNotSell
	if len(e.Refused) == 1 && e.Refused[0] == Sensitive {
		kind = LimitSensitive
	}
	return s.emitter.Emit(ctx, tx, EventOptOut, OptOutChange{EventID: e.ID, Kind: string(kind),
		Purposes: purposeStrings(e.Refused), Source: string(e.Source), GPC: e.GPC})
}
