package api

import (
	"context"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
)

// OutboxItem is one outgoing email. Bodies are left out: they can hold
// one-time links.
type OutboxItem struct {
	ID        string     `json:"id"`
	To        string     `json:"to"`
	Lang      string     `json:"lang" enum:"en,fr,nl"`
	Template  string     `json:"template" example:"operator_invite"`
	Subject   string     `json:"subject"`
	Status    string     `json:"status" enum:"queued,retrying,sent,failed"`
	Attempts  int        `json:"attempts" doc:"Delivery attempts so far."`
	LastError string     `json:"last_error" doc:"The SMTP server's last refusal or the connection error; empty if none."`
	MessageID string     `json:"message_id" doc:"Message-ID once sent; empty before."`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	SentAt    *time.Time `json:"sent_at" doc:"When the server accepted it; null until then."`
}

// OutboxPage is the newest outbox items plus the count in each status.
type OutboxPage struct {
	Items  []OutboxItem   `json:"items" nullable:"false"`
	Counts map[string]int `json:"counts" doc:"Number of items in each status, over the whole outbox."`
}

// OutboxListInput filters the outbox.
type OutboxListInput struct {
	// The enum repeats mail.Statuses (a test keeps them equal): struct tags
	// cannot refer to variables.
	Status string `query:"status" enum:"queued,retrying,sent,failed" doc:"Only items in this status."`
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Items to return, newest first."`
}

func outboxItem(it mail.Item) OutboxItem {
	return OutboxItem{
		ID: it.ID, To: it.To, Lang: string(it.Lang), Template: it.Template, Subject: it.Subject,
		Status: it.Status, Attempts: it.Attempts, LastError: it.LastError, MessageID: it.MessageID,
		CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), SentAt: utc(it.SentAt),
	}
}

func registerMail(s *Server) {
	Register(s, Route{
		ID: "list-outbox", Method: http.MethodGet, Path: "/mail/outbox", Tag: "Mail",
		Scope: operator.ScopeMailRead, Summary: "List outgoing mail",
		Description: "The newest emails Garde queued, with their delivery status, and how many are in each status.",
	}, func(ctx context.Context, in *OutboxListInput) (*struct{ Body OutboxPage }, error) {
		items, err := s.Outbox.List(ctx, mail.ListFilter{Status: in.Status, Limit: in.Limit})
		if err != nil {
			return nil, err // an *i18n.Error for bad input, anything else is internal
		}
		counts, err := s.Outbox.Counts(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body OutboxPage }{Body: OutboxPage{Items: make([]OutboxItem, 0, len(items)), Counts: counts}}
		for _, it := range items {
			out.Body.Items = append(out.Body.Items, outboxItem(it))
		}
		return out, nil
	})
}
