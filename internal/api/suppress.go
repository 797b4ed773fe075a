package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// Suppression is one entry of the suppression list. The person is kept
// only as a keyed hash and is never returned.
type Suppression struct {
	ID               string     `json:"id"`
	Reason           string     `json:"reason" enum:"restriction,objection,opt_out_sale,limit_sensitive,manual" doc:"The request type that put the person on the list, or manual for an agent's entry."`
	Purposes         []string   `json:"purposes" nullable:"false" doc:"Purposes stopped; [\"*\"] stops every purpose but necessary."`
	AllPurposes      bool       `json:"all_purposes" doc:"True when every purpose but necessary is stopped."`
	RequestID        string     `json:"request_id" doc:"The request that put the person on the list; empty for a manual entry."`
	RequestReference string     `json:"request_reference"`
	Note             string     `json:"note" doc:"An agent's note on a manual entry."`
	CreatedBy        string     `json:"created_by" doc:"Audit actor: operator:<id>, token:<id>, subject:<hash> or system."`
	CreatedAt        time.Time  `json:"created_at"`
	Active           bool       `json:"active" doc:"False once lifted."`
	LiftedAt         *time.Time `json:"lifted_at"`
	LiftedBy         string     `json:"lifted_by"`
	LiftCause        string     `json:"lift_cause" enum:",agent,request_closed,request_rejected" doc:"agent, or the request closed unanswered or rejected; empty while active."`
	LiftReason       string     `json:"lift_reason"`
}

// SuppressionList is a page of entries, newest first.
type SuppressionList struct {
	Suppressions []Suppression `json:"suppressions" nullable:"false"`
}

// SuppressionCheck says whether an address is on the list and what it
// stops.
type SuppressionCheck struct {
	Listed      bool     `json:"listed" doc:"True when an entry in force names the address."`
	Purposes    []string `json:"purposes" nullable:"false" doc:"Purposes stopped by the entries in force; [\"*\"] for every purpose but necessary."`
	AllPurposes bool     `json:"all_purposes"`
	Purpose     string   `json:"purpose,omitempty" doc:"The purpose asked about, if any."`
	Stopped     bool     `json:"stopped" doc:"True when the purpose asked about is stopped (false without one)."`
}

// SuppressionCreate puts a person on the list without a request (a
// complaint by phone or by letter).
type SuppressionCreate struct {
	Email    string   `json:"email" maxLength:"254" example:"jo@example.org" doc:"Kept only as a keyed hash."`
	Purposes []string `json:"purposes" minItems:"1" maxItems:"32" doc:"Purposes to stop; [\"*\"] for every purpose but necessary." example:"[\"marketing\",\"newsletter\"]"`
	Note     string   `json:"note,omitempty" maxLength:"1000" doc:"How and when the person asked."`
}

// SuppressionPurposes replaces what an entry stops.
type SuppressionPurposes struct {
	Purposes []string `json:"purposes" minItems:"1" maxItems:"32" doc:"Purposes to stop; [\"*\"] for every purpose but necessary."`
}

// SuppressionLift lifts an entry.
type SuppressionLift struct {
	Reason string `json:"reason" minLength:"1" maxLength:"1000" doc:"Why the entry is lifted; kept in its history."`
}

func suppressionOf(e *suppress.Entry) Suppression {
	return Suppression{ID: e.ID, Reason: string(e.Reason), Purposes: append([]string{}, e.Purposes...), AllPurposes: e.All(),
		RequestID: e.RequestID, RequestReference: e.RequestReference, Note: e.Note, CreatedBy: e.CreatedBy,
		CreatedAt: e.CreatedAt, Active: e.Active(), LiftedAt: e.LiftedAt, LiftedBy: e.LiftedBy, LiftCause: e.LiftCause,
		LiftReason: e.LiftReason}
}

// suppressError gives a list error its status: an unknown entry 404, a
// lifted one 409, bad input 422.
func suppressError(err error) error {
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return Internal(err)
	}
	switch ie {
	case suppress.ErrNotFound:
		return DomainError(http.StatusNotFound, ie)
	case suppress.ErrLifted:
		return DomainError(http.StatusConflict, ie)
	}
	return DomainError(http.StatusUnprocessableEntity, ie)
}

func registerSuppress(s *Server) {
	svc := func() (*suppress.Service, error) {
		if s.Suppress == nil {
			return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return s.Suppress, nil
	}
	Register(s, Route{
		ID: "list-suppressions", Method: http.MethodGet, Path: "/suppressions", Tag: "Suppression list",
		Scope: operator.ScopeRequestsRead, Summary: "List the suppression list",
		Description: "People who asked the business to stop using their data for some purposes: verified restriction, " +
			"objection, opt-out of sale and \"limit sensitive\" requests, and agents' own entries. Entries in force by default.",
	}, func(ctx context.Context, in *struct {
		Lifted bool   `query:"lifted" doc:"Include lifted entries."`
		Reason string `query:"reason" enum:"restriction,objection,opt_out_sale,limit_sensitive,manual"`
		Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}) (*struct{ Body SuppressionList }, error) {
		list, err := svc()
		if err != nil {
			return nil, err
		}
		es, err := list.List(ctx, suppress.Filter{Lifted: in.Lifted, Reason: suppress.Reason(in.Reason), Limit: in.Limit})
		if err != nil {
			return nil, suppressError(err)
		}
		out := &struct{ Body SuppressionList }{Body: SuppressionList{Suppressions: []Suppression{}}}
		for i := range es {
			out.Body.Suppressions = append(out.Body.Suppressions, suppressionOf(&es[i]))
		}
		return out, nil
	})

	Register(s, Route{
		ID: "check-suppression", Method: http.MethodGet, Path: "/suppressions/check", Tag: "Suppression list",
		Scope: operator.ScopeConsentRead, Summary: "Check whether an address is on the suppression list",
		Description: "For the business's systems before they use a person's data for a purpose. The consent check " +
			"(/consent/check) applies the same list.",
	}, func(ctx context.Context, in *struct {
		Email   string `query:"email" required:"true" maxLength:"254" example:"jo@example.org"`
		Purpose string `query:"purpose" maxLength:"40" example:"marketing"`
	}) (*struct{ Body SuppressionCheck }, error) {
		list, err := svc()
		if err != nil {
			return nil, err
		}
		if in.Purpose != "" {
			if err := suppress.CheckPurpose(in.Purpose); err != nil {
				return nil, suppressError(err)
			}
		}
		es, err := list.Check(ctx, in.Email)
		if err != nil {
			return nil, suppressError(err)
		}
		stopped := suppress.Stopped(es)
		out := SuppressionCheck{Listed: len(es) > 0, Purposes: append([]string{}, stopped...), Purpose: in.Purpose}
		out.AllPurposes = len(stopped) == 1 && stopped[0] == suppress.AllPurposes
		for i := range es {
			if in.Purpose != "" && es[i].Stops(in.Purpose) {
				out.Stopped = true
			}
		}
		return &struct{ Body SuppressionCheck }{Body: out}, nil
	})

	Register(s, Route{
		ID: "create-suppression", Method: http.MethodPost, Path: "/suppressions", Tag: "Suppression list",
		Scope: operator.ScopeRequestsWrite, Summary: "Put a person on the suppression list", MaxBodyBytes: 16 << 10,
		Description: "For a person who asked by other means than a data subject request. Requests of the suppressing " +
			"types put their person on the list by themselves once verified.",
	}, func(ctx context.Context, in *struct{ Body SuppressionCreate }) (*struct{ Body Suppression }, error) {
		list, err := svc()
		if err != nil {
			return nil, err
		}
		e, err := list.AddManual(ctx, Actor(ctx), suppress.ManualInput{Email: in.Body.Email, Purposes: in.Body.Purposes, Note: in.Body.Note})
		if err != nil {
			return nil, suppressError(err)
		}
		return &struct{ Body Suppression }{Body: suppressionOf(e)}, nil
	})

	Register(s, Route{
		ID: "set-suppression-purposes", Method: http.MethodPut, Path: "/suppressions/{id}/purposes", Tag: "Suppression list",
		Scope: operator.ScopeRequestsWrite, Summary: "Change what a suppression list entry stops", MaxBodyBytes: 16 << 10,
		Description: "The previous purposes stay in the entry's history. A lifted entry cannot change (409).",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64"`
		Body SuppressionPurposes
	}) (*struct{ Body Suppression }, error) {
		list, err := svc()
		if err != nil {
			return nil, err
		}
		e, err := list.SetPurposes(ctx, Actor(ctx), in.ID, in.Body.Purposes)
		if err != nil {
			return nil, suppressError(err)
		}
		return &struct{ Body Suppression }{Body: suppressionOf(e)}, nil
	})

	Register(s, Route{
		ID: "lift-suppression", Method: http.MethodPost, Path: "/suppressions/{id}/lift", Tag: "Suppression list",
		Scope: operator.ScopeRequestsWrite, Summary: "Lift a suppression list entry",
		Description: "The person's data may be used again for the entry's purposes, as far as their consent allows. " +
			"The entry stays, lifted, with its history.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64"`
		Body SuppressionLift
	}) (*struct{ Body Suppression }, error) {
		list, err := svc()
		if err != nil {
			return nil, err
		}
		e, err := list.Lift(ctx, Actor(ctx), in.ID, in.Body.Reason)
		if err != nil {
			return nil, suppressError(err)
		}
		return &struct{ Body Suppression }{Body: suppressionOf(e)}, nil
	})
}
