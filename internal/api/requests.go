package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// The enums below repeat the domain's lists (struct tags cannot refer to
// variables); a test keeps them equal.

// RequestInfo is a data subject request.
type RequestInfo struct {
	ID                string        `json:"id"`
	Reference         string        `json:"reference" example:"GR-7K3F-Q9" doc:"Short code the person quotes."`
	Type              string        `json:"type" enum:"access,rectification,erasure,objection,restriction,portability,opt_out_sale,limit_sensitive,dpa"`
	State             string        `json:"state" enum:"received,verified,in_progress,identity_check,completed,closed,rejected,expired"`
	Email             string        `json:"email" doc:"Empty once the personal data was purged."`
	Name              string        `json:"name"`
	Phone             string        `json:"phone" doc:"E.164, or empty."`
	Subject           string        `json:"subject"`
	Description       string        `json:"description"`
	AccountID         string        `json:"account_id"`
	Region            string        `json:"region" example:"CA-QC" doc:"ISO 3166 code of the region of residence."`
	LawID             string        `json:"law_id" example:"quebec"`
	Language          string        `json:"language" enum:"en,fr,nl"`
	Source            string        `json:"source" enum:"form,api"`
	ReceivedAt        time.Time     `json:"received_at"`
	VerifiedAt        *time.Time    `json:"verified_at" doc:"When the person confirmed their address; null before."`
	DueDate           string        `json:"due_date" format:"date" doc:"The date worked to: the earlier of the legal date and the internal target, or the extended date."`
	Overdue           bool          `json:"overdue" doc:"Open and past its due date."`
	LegalDueDate      *string       `json:"legal_due_date" format:"date" doc:"Null when the law sets no deadline for the type."`
	AcknowledgeBy     *string       `json:"acknowledge_by" format:"date" doc:"Null when the law asks for no acknowledgement."`
	InternalTarget    *string       `json:"internal_target" format:"date"`
	ExtensionLimit    *string       `json:"extension_limit" format:"date" doc:"Latest extended date; null when the law allows no extension."`
	ExtensionNoticeBy *string       `json:"extension_notice_by" format:"date" doc:"Last day to extend (the person must be told by then)."`
	ExtendedAt        *time.Time    `json:"extended_at"`
	ExtensionReason   string        `json:"extension_reason"`
	AssigneeID        string        `json:"assignee_id" doc:"Operator holding the request; empty when nobody does."`
	Identity          *IdentityInfo `json:"identity" doc:"How an agent confirmed the identity; null if never checked."`
	ClosedAt          *time.Time    `json:"closed_at"`
	Outcome           string        `json:"outcome" doc:"How it ended; empty while open."`
	CloseNote         string        `json:"close_note"`
	RejectionReason   string        `json:"rejection_reason"`
	PurgedAt          *time.Time    `json:"purged_at" doc:"When the retention purge removed its personal data."`
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// IdentityInfo records a manual identity check.
type IdentityInfo struct {
	Method    string     `json:"method" enum:"account_login,email_match,document,call,knowledge,other"`
	Note      string     `json:"note"`
	CheckedBy string     `json:"checked_by" doc:"Audit actor of the agent."`
	CheckedAt *time.Time `json:"checked_at"`
}

// RequestEvent is one entry of a request's timeline.
type RequestEvent struct {
	ID         string         `json:"id"`
	At         time.Time      `json:"at"`
	Kind       string         `json:"kind" example:"state_changed"`
	Actor      string         `json:"actor" doc:"operator:<id>, token:<id>, system, subject:<hash> or owner:<hash>."`
	Visibility string         `json:"visibility" enum:"internal,subject" doc:"subject: the person sees it on their status page."`
	Body       string         `json:"body"`
	Data       map[string]any `json:"data"`
}

// RequestTask is the work one system must do for a request.
type RequestTask struct {
	ID            string     `json:"id"`
	SystemID      string     `json:"system_id" doc:"Empty once the system was deleted."`
	SystemName    string     `json:"system_name"`
	Kind          string     `json:"kind" enum:"automatic,manual"`
	State         string     `json:"state" enum:"open,done,waiting_connector,failed" doc:"failed: the last connector run failed; note says why and whether it is tried again."`
	AssigneeEmail string     `json:"assignee_email"`
	Note          string     `json:"note"`
	DoneAt        *time.Time `json:"done_at"`
	DoneBy        string     `json:"done_by"`
}

// RequestDetail is a request with its timeline and tasks.
type RequestDetail struct {
	Request  RequestInfo    `json:"request"`
	Timeline []RequestEvent `json:"timeline" nullable:"false"`
	Tasks    []RequestTask  `json:"tasks" nullable:"false"`
}

// RequestPage is a page of the queue and the queue's counts.
type RequestPage struct {
	Requests   []RequestInfo `json:"requests" nullable:"false"`
	NextCursor string        `json:"next_cursor" doc:"Pass as cursor for the next page; empty on the last."`
	Counts     RequestCounts `json:"counts"`
}

// RequestCounts summarises the whole queue.
type RequestCounts struct {
	ByState    map[string]int `json:"by_state"`
	Open       int            `json:"open"`
	Overdue    int            `json:"overdue"`
	DueSoon    int            `json:"due_soon" doc:"Open, not overdue, due within 7 days."`
	Unassigned int            `json:"unassigned" doc:"Open and held by nobody."`
}

// RequestCreate is a new request sent by the business's own systems.
type RequestCreate struct {
	Email       string `json:"email" maxLength:"254" example:"jo@example.org"`
	Name        string `json:"name" maxLength:"200"`
	Phone       string `json:"phone,omitempty" maxLength:"40" doc:"International format (+33…); national numbers are read for the region."`
	Subject     string `json:"subject" maxLength:"200"`
	Type        string `json:"type" enum:"access,rectification,erasure,objection,restriction,portability,opt_out_sale,limit_sensitive,dpa"`
	Description string `json:"description" maxLength:"5000"`
	AccountID   string `json:"account_id,omitempty" maxLength:"100"`
	Region      string `json:"region" maxLength:"10" example:"FR" doc:"ISO 3166 code of the region of residence; it picks the law."`
	Language    string `json:"language,omitempty" enum:"en,fr,nl" doc:"Language of the emails to the person (en when absent)."`
	Verified    bool   `json:"verified,omitempty" doc:"True when your own system already authenticated the person (a signed-in customer): no verification email is sent and the request starts verified. Recorded in the audit log."`
}

// RequestListInput filters the queue.
type RequestListInput struct {
	State         string `query:"state" enum:"received,verified,in_progress,identity_check,completed,closed,rejected,expired"`
	Open          bool   `query:"open" doc:"Only requests still awaiting an answer."`
	Type          string `query:"type" enum:"access,rectification,erasure,objection,restriction,portability,opt_out_sale,limit_sensitive,dpa"`
	Law           string `query:"law" maxLength:"100" example:"gdpr"`
	Assignee      string `query:"assignee" maxLength:"64" doc:"An operator ID, or none for unassigned requests."`
	DueWithinDays int    `query:"due_within_days" minimum:"1" maximum:"3660" doc:"Open requests due within that many days (overdue ones included)."`
	Overdue       bool   `query:"overdue" doc:"Open requests past their due date."`
	Search        string `query:"search" maxLength:"254" doc:"A reference or an exact email address."`
	Limit         int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor        string `query:"cursor" maxLength:"200" doc:"The next_cursor of the previous page."`
}

// RequestTransition moves a request through its state machine.
type RequestTransition struct {
	To      string `json:"to" enum:"received,verified,in_progress,identity_check,completed,closed,rejected,expired"`
	Reason  string `json:"reason,omitempty" maxLength:"2000" doc:"Required to reject, to start an identity check and to verify by hand; the note when completing or closing or confirming an identity."`
	Outcome string `json:"outcome,omitempty" enum:"fulfilled,partially_fulfilled,no_data,withdrawn,duplicate,no_reply,other" doc:"Required to complete (fulfilled, partially_fulfilled, no_data) or close (withdrawn, duplicate, no_reply, other)."`
	Method  string `json:"method,omitempty" enum:"account_login,email_match,document,call,knowledge,other" doc:"Required to leave an identity check (to in_progress): how the identity was confirmed."`
}

// RequestNote is an internal note.
type RequestNote struct {
	Body string `json:"body" maxLength:"10000"`
}

type requestPath struct {
	ID string `path:"id" maxLength:"64" doc:"The request's ID."`
}

func dateStr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func requestInfo(r *requests.Request, now time.Time) RequestInfo {
	out := RequestInfo{
		ID: r.ID, Reference: r.Reference, Type: string(r.Type), State: string(r.State), Email: r.Email, Name: r.Name,
		Phone: r.Phone, Subject: r.Subject, Description: r.Description, AccountID: r.AccountID, Region: r.Region,
		LawID: r.LawID, Language: string(r.Language), Source: string(r.Source), ReceivedAt: r.ReceivedAt.UTC(),
		VerifiedAt: utc(r.VerifiedAt), DueDate: r.DueDate.Format(time.DateOnly), Overdue: r.Overdue(now),
		LegalDueDate: dateStr(r.LegalDueDate), AcknowledgeBy: dateStr(r.AcknowledgeBy), InternalTarget: dateStr(r.InternalTarget),
		ExtensionLimit: dateStr(r.ExtensionLimit), ExtensionNoticeBy: dateStr(r.ExtensionNoticeBy), ExtendedAt: utc(r.ExtendedAt),
		ExtensionReason: r.ExtensionReason, AssigneeID: r.AssigneeID, ClosedAt: utc(r.ClosedAt), Outcome: string(r.Outcome),
		CloseNote: r.CloseNote, RejectionReason: r.RejectionReason, PurgedAt: utc(r.PurgedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.Identity.Method != "" {
		out.Identity = &IdentityInfo{Method: string(r.Identity.Method), Note: r.Identity.Note,
			CheckedBy: r.Identity.CheckedBy, CheckedAt: utc(r.Identity.CheckedAt)}
	}
	return out
}

func requestEvent(e requests.Event) RequestEvent {
	data := e.Data
	if data == nil {
		data = map[string]any{}
	}
	return RequestEvent{ID: e.ID, At: e.At.UTC(), Kind: string(e.Kind), Actor: e.Actor, Visibility: string(e.Visibility), Body: e.Body, Data: data}
}

// requestError gives a domain error its status: a missing request 404, a
// refused actor 403, a move the request's state does not allow 409, bad
// input 422 (each invalid field as a detail).
func requestError(err error) error {
	var fe requests.FieldErrors
	if errors.As(err, &fe) {
		e := NewError(http.StatusUnprocessableEntity, CodeInvalid)
		for _, name := range fe.Ordered() {
			e = e.WithDetail("body."+name, fe[name].ID, fe[name].Data)
		}
		return e
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return Internal(err)
	}
	switch ie {
	case requests.ErrNotFound:
		return DomainError(http.StatusNotFound, ie)
	case requests.ErrForbidden:
		return DomainError(http.StatusForbidden, ie)
	case requests.ErrConflict, requests.ErrClosed, requests.ErrExtensionDone, requests.ErrExtensionNone:
		return DomainError(http.StatusConflict, ie)
	}
	if ie.ID == "requests.error.transition_not_allowed" || ie.ID == "requests.error.extension_late" {
		return DomainError(http.StatusConflict, ie)
	}
	return DomainError(http.StatusUnprocessableEntity, ie)
}

func registerRequests(s *Server) {
	svc := func() (*requests.Service, error) {
		if s.Requests == nil {
			return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return s.Requests, nil
	}
	actor := func(ctx context.Context) requests.Actor { return requests.TokenActor(Token(ctx).ID) }
	detail := func(ctx context.Context, rs *requests.Service, id string) (*struct{ Body RequestDetail }, error) {
		r, err := rs.Get(ctx, id)
		if err != nil {
			return nil, requestError(err)
		}
		events, err := rs.Timeline(ctx, r.ID)
		if err != nil {
			return nil, Internal(err)
		}
		tasks, err := rs.Tasks(ctx, r.ID)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body RequestDetail }{Body: RequestDetail{Request: requestInfo(r, rs.Today()),
			Timeline: make([]RequestEvent, 0, len(events)), Tasks: make([]RequestTask, 0, len(tasks))}}
		for _, e := range events {
			out.Body.Timeline = append(out.Body.Timeline, requestEvent(e))
		}
		for _, t := range tasks {
			out.Body.Tasks = append(out.Body.Tasks, RequestTask{ID: t.ID, SystemID: t.SystemID, SystemName: t.SystemName,
				Kind: string(t.Kind), State: string(t.State), AssigneeEmail: t.AssigneeEmail, Note: t.Note,
				DoneAt: utc(t.DoneAt), DoneBy: t.DoneBy})
		}
		return out, nil
	}

	Register(s, Route{
		ID: "create-request", Method: http.MethodPost, Path: "/requests", Tag: "Requests",
		Scope: operator.ScopeRequestsWrite, Summary: "Create a data subject request", MaxBodyBytes: 64 << 10,
		Description: "Records a request received by the business's own channels. Unless verified is true, the person " +
			"gets the verification email, exactly as from the public form. The due date follows the law of the region.",
	}, func(ctx context.Context, in *struct{ Body RequestCreate }) (*struct{ Body RequestDetail }, error) {
		rs, err := svc()
		if err != nil {
			return nil, err
		}
		b := in.Body
		rc, err := rs.Submit(ctx, requests.SubmitInput{
			Email: b.Email, Name: b.Name, Phone: b.Phone, Subject: b.Subject, Type: requests.Type(b.Type),
			Description: b.Description, AccountID: b.AccountID, Region: b.Region, Language: i18n.Lang(b.Language),
		}, requests.SubmitMeta{Source: requests.SourceAPI, Actor: actor(ctx), Verified: b.Verified})
		if err != nil {
			return nil, requestError(err)
		}
		return detail(ctx, rs, rc.ID)
	})

	Register(s, Route{
		ID: "list-requests", Method: http.MethodGet, Path: "/requests", Tag: "Requests",
		Scope: operator.ScopeRequestsRead, Summary: "List data subject requests",
		Description: "The queue, soonest due first, with counts over the whole queue. Page with next_cursor.",
	}, func(ctx context.Context, in *RequestListInput) (*struct{ Body RequestPage }, error) {
		rs, err := svc()
		if err != nil {
			return nil, err
		}
		p, err := rs.List(ctx, requests.Filter{
			State: requests.State(in.State), Open: in.Open, Type: requests.Type(in.Type), LawID: in.Law,
			Assignee: in.Assignee, DueWithinDays: in.DueWithinDays, Overdue: in.Overdue, Search: in.Search,
			Limit: in.Limit, Cursor: in.Cursor,
		})
		if err != nil {
			return nil, requestError(err)
		}
		c, err := rs.Counts(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body RequestPage }{Body: RequestPage{Requests: make([]RequestInfo, 0, len(p.Requests)), NextCursor: p.NextCursor,
			Counts: RequestCounts{ByState: map[string]int{}, Open: c.Open, Overdue: c.Overdue, DueSoon: c.DueSoon, Unassigned: c.Unassigned}}}
		for st, n := range c.ByState {
			out.Body.Counts.ByState[string(st)] = n
		}
		now := rs.Today()
		for i := range p.Requests {
			out.Body.Requests = append(out.Body.Requests, requestInfo(&p.Requests[i], now))
		}
		return out, nil
	})

	Register(s, Route{
		ID: "get-request", Method: http.MethodGet, Path: "/requests/{id}", Tag: "Requests",
		Scope: operator.ScopeRequestsRead, Summary: "Get a data subject request",
		Description: "The request with its whole timeline (state changes, emails, notes, replies, tasks) and its tasks.",
	}, func(ctx context.Context, in *requestPath) (*struct{ Body RequestDetail }, error) {
		rs, err := svc()
		if err != nil {
			return nil, err
		}
		return detail(ctx, rs, in.ID)
	})

	Register(s, Route{
		ID: "transition-request", Method: http.MethodPost, Path: "/requests/{id}/transitions", Tag: "Requests",
		Scope: operator.ScopeRequestsWrite, Summary: "Move a request to another state", MaxBodyBytes: 16 << 10,
		Description: "Runs one move of the state machine. A move the request's state does not allow is refused with " +
			"409 requests.error.transition_not_allowed. Rejecting, completing and closing email the person.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The request's ID."`
		Body RequestTransition
	}) (*struct{ Body RequestDetail }, error) {
		rs, err := svc()
		if err != nil {
			return nil, err
		}
		b := in.Body
		if _, err := rs.Transition(ctx, actor(ctx), in.ID, requests.TransitionInput{
			To: requests.State(b.To), Reason: b.Reason, Outcome: requests.Outcome(b.Outcome), Method: requests.IdentityMethod(b.Method),
		}); err != nil {
			return nil, requestError(err)
		}
		return detail(ctx, rs, in.ID)
	})

	Register(s, Route{
		ID: "add-request-note", Method: http.MethodPost, Path: "/requests/{id}/notes", Tag: "Requests",
		Scope: operator.ScopeRequestsWrite, Summary: "Add an internal note to a request", MaxBodyBytes: 64 << 10,
		Description: "The note goes on the timeline; the person never sees it.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The request's ID."`
		Body RequestNote
	}) (*struct{ Body RequestEvent }, error) {
		rs, err := svc()
		if err != nil {
			return nil, err
		}
		e, err := rs.AddNote(ctx, actor(ctx), in.ID, in.Body.Body)
		if err != nil {
			return nil, requestError(err)
		}
		return &struct{ Body RequestEvent }{Body: requestEvent(*e)}, nil
	})
}
