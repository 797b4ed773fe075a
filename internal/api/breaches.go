package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// BreachFacts are what is known of an incident.
type BreachFacts struct {
	Title            string         `json:"title" maxLength:"200"`
	Description      string         `json:"description" maxLength:"5000" doc:"What happened."`
	Cause            string         `json:"cause,omitempty" maxLength:"5000"`
	OccurredAt       time.Time      `json:"occurred_at" doc:"When the breach happened, or began."`
	OccurredUntil    *time.Time     `json:"occurred_until,omitempty" doc:"End of the period, when it lasted."`
	OccurredApprox   bool           `json:"occurred_approx,omitempty" doc:"The dates are estimates."`
	AwareAt          time.Time      `json:"aware_at" doc:"When the business became aware: the legal clocks start here."`
	AwareHow         string         `json:"aware_how" maxLength:"5000"`
	Kinds            []string       `json:"kinds" minItems:"1" maxItems:"4" doc:"confidentiality, integrity, availability, unauthorised_use (Quebec)."`
	Categories       []string       `json:"categories" minItems:"1" maxItems:"50" doc:"fideslang data categories, e.g. user.contact.email."`
	Persons          int            `json:"persons" minimum:"1" maximum:"1000000000"`
	PersonsApprox    bool           `json:"persons_approx,omitempty"`
	Records          int            `json:"records,omitempty" minimum:"0"`
	RecordsApprox    bool           `json:"records_approx,omitempty"`
	Residents        map[string]int `json:"residents" doc:"Persons concerned by region of residence (ISO 3166: FR, CA-QC, US-CA); the regions pick the laws."`
	Systems          string         `json:"systems,omitempty" maxLength:"5000"`
	Processors       string         `json:"processors,omitempty" maxLength:"5000"`
	PriorMeasures    string         `json:"prior_measures,omitempty" maxLength:"5000" doc:"Protection in place before, e.g. encryption."`
	Consequences     string         `json:"consequences" maxLength:"5000"`
	Measures         string         `json:"measures" maxLength:"5000" doc:"Measures taken or planned."`
	Advice           string         `json:"advice,omitempty" maxLength:"5000" doc:"What the persons can do."`
	ContactName      string         `json:"contact_name" maxLength:"300"`
	ContactEmail     string         `json:"contact_email" maxLength:"254"`
	ContactPhone     string         `json:"contact_phone,omitempty" maxLength:"40"`
	EnterpriseNumber string         `json:"enterprise_number,omitempty" maxLength:"40" doc:"Quebec enterprise number (NEQ)."`
	DelayReason      string         `json:"delay_reason,omitempty" maxLength:"5000"`
	// California notices say whether they were delayed for the police.
	LawEnforcementDelay bool `json:"law_enforcement_delay,omitempty" doc:"Law enforcement asked to delay the notices."`
}

// BreachEdit replaces the facts of an open incident.
type BreachEdit struct {
	BreachFacts
	ChangeReason string `json:"change_reason,omitempty" maxLength:"5000" doc:"Required when occurred_at or aware_at changes (the deadlines move)."`
}

// BreachAssessment is a risk assessment under one law.
type BreachAssessment struct {
	Law        string            `json:"law" maxLength:"40" example:"quebec"`
	Level      string            `json:"level" maxLength:"40" doc:"One of the law's levels: none, risk, high_risk (GDPR, UK GDPR) or no, yes."`
	Factors    map[string]string `json:"factors,omitempty" doc:"sensitivity, consequences, probability rated low, medium or high, as the law asks."`
	Exemptions []string          `json:"exemptions,omitempty" maxItems:"3" doc:"GDPR Art. 34(3): unintelligible, later_measures, disproportionate_effort."`
	Consulted  bool              `json:"consulted,omitempty" doc:"The person in charge of privacy was consulted (required by Quebec's law)."`
	Reasoning  string            `json:"reasoning" maxLength:"5000"`
	AssessedAt *time.Time        `json:"assessed_at,omitempty" readOnly:"true"`
	AssessedBy string            `json:"assessed_by,omitempty" readOnly:"true"`
}

// BreachClock is the deadline of a notification.
type BreachClock struct {
	Kind   string     `json:"kind" enum:"hours,calendar_days,business_days,without_undue_delay,as_soon_as_feasible,promptly"`
	Amount int        `json:"amount"`
	From   string     `json:"from" enum:"aware,persons_notified"`
	State  string     `json:"state" enum:"pending,running,overdue,met,late,"`
	Due    *time.Time `json:"due" doc:"When the deadline passes; null when open-ended or not started."`
	DueDay string     `json:"due_day,omitempty" doc:"Last day allowed, for deadlines in days (business's time zone)."`
}

// BreachSent is a notice recorded as sent.
type BreachSent struct {
	ID         string    `json:"id"`
	Obligation string    `json:"obligation"`
	Phase      int       `json:"phase"`
	SentAt     time.Time `json:"sent_at"`
	Reference  string    `json:"reference"`
	Note       string    `json:"note"`
	RecordedBy string    `json:"recorded_by"`
}

// BreachObligation is a notification the laws require.
type BreachObligation struct {
	Key       string       `json:"key" example:"gdpr/FR/authority"`
	Law       string       `json:"law"`
	Audience  string       `json:"audience" enum:"authority,persons"`
	Authority string       `json:"authority" doc:"The authority's name; empty for persons."`
	Regions   []string     `json:"regions" nullable:"false"`
	Residents int          `json:"residents"`
	Status    string       `json:"status" enum:"awaiting_assessment,required,not_required,below_threshold,exempt,public_communication,sent"`
	Basis     string       `json:"basis"`
	Contents  string       `json:"contents" doc:"Kind of notice (content schema), e.g. gdpr_33, quebec_cai."`
	Clock     *BreachClock `json:"clock" doc:"Null when no notice is owed."`
	Sent      []BreachSent `json:"sent" nullable:"false"`
}

// BreachEvent is one entry of the timeline.
type BreachEvent struct {
	At    time.Time      `json:"at"`
	Kind  string         `json:"kind"`
	Actor string         `json:"actor"`
	Body  string         `json:"body"`
	Data  map[string]any `json:"data"`
}

// BreachInfo is an incident with what is computed from it.
type BreachInfo struct {
	ID          string             `json:"id"`
	Reference   string             `json:"reference" example:"BR-7K3F-Q9"`
	State       string             `json:"state" enum:"open,closed"`
	Facts       BreachFacts        `json:"facts"`
	Assessments []BreachAssessment `json:"assessments" nullable:"false"`
	Obligations []BreachObligation `json:"obligations" nullable:"false"`
	ClosedAt    *time.Time         `json:"closed_at"`
	CloseNote   string             `json:"close_note"`
	RetainUntil *time.Time         `json:"retain_until" doc:"Keep in the register until; null when no law fixes a period."`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// BreachDetail is an incident with its timeline.
type BreachDetail struct {
	Breach   BreachInfo    `json:"breach"`
	Timeline []BreachEvent `json:"timeline" nullable:"false"`
}

// BreachDraft is a notice's text in one language.
type BreachDraft struct {
	Obligation string    `json:"obligation"`
	Language   string    `json:"language" enum:"en,fr,nl"`
	Version    int       `json:"version" doc:"0 for the text written from the facts, not saved yet."`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// BreachDraftSave is an edited notice.
type BreachDraftSave struct {
	Obligation string `json:"obligation" maxLength:"100" example:"quebec/authority"`
	Language   string `json:"language" enum:"en,fr,nl"`
	Body       string `json:"body" maxLength:"50000" doc:"The whole text; its first line is the title."`
}

// BreachNotify records a notice sent.
type BreachNotify struct {
	Obligation string    `json:"obligation" maxLength:"100" example:"gdpr/FR/authority"`
	SentAt     time.Time `json:"sent_at"`
	Reference  string    `json:"reference,omitempty" maxLength:"300" doc:"The number the authority gave."`
	Note       string    `json:"note,omitempty" maxLength:"5000"`
}

// BreachRecipient is a person to email a notice to.
type BreachRecipient struct {
	Email    string `json:"email" maxLength:"254"`
	Language string `json:"language,omitempty" enum:"en,fr,nl" doc:"The person's language (en when absent)."`
}

// BreachSendNotices emails a notice to the persons concerned.
type BreachSendNotices struct {
	Obligation string            `json:"obligation" maxLength:"100" example:"quebec/persons"`
	Recipients []BreachRecipient `json:"recipients" minItems:"1" maxItems:"10000"`
}

// BreachClose ends the handling of an incident.
type BreachClose struct {
	Note string `json:"note,omitempty" maxLength:"5000"`
}

// BreachList is the register.
type BreachList struct {
	Breaches []BreachInfo `json:"breaches" nullable:"false"`
}

type breachPath struct {
	ID string `path:"id" maxLength:"64" doc:"The incident's ID."`
}

func breachFacts(b BreachFacts) breach.Facts {
	f := breach.Facts{Title: b.Title, Description: b.Description, Cause: b.Cause, OccurredAt: b.OccurredAt,
		OccurredUntil: b.OccurredUntil, OccurredApprox: b.OccurredApprox, AwareAt: b.AwareAt, AwareHow: b.AwareHow,
		Categories: b.Categories, Persons: b.Persons, PersonsApprox: b.PersonsApprox, Records: b.Records,
		RecordsApprox: b.RecordsApprox, Residents: b.Residents, Systems: b.Systems, Processors: b.Processors,
		PriorMeasures: b.PriorMeasures, Consequences: b.Consequences, Measures: b.Measures, Advice: b.Advice,
		ContactName: b.ContactName, ContactEmail: b.ContactEmail, ContactPhone: b.ContactPhone,
		EnterpriseNumber: b.EnterpriseNumber, DelayReason: b.DelayReason, LawEnforcementDelay: b.LawEnforcementDelay}
	for _, k := range b.Kinds {
		f.Kinds = append(f.Kinds, breach.Kind(k))
	}
	return f
}

func breachInfo(inc *breach.Incident, obs []breach.Obligation) BreachInfo {
	f := inc.Facts
	out := BreachInfo{ID: inc.ID, Reference: inc.Reference, State: string(inc.State), ClosedAt: utc(inc.ClosedAt),
		CloseNote: inc.CloseNote, RetainUntil: utc(inc.RetainUntil), CreatedAt: inc.CreatedAt.UTC(), UpdatedAt: inc.UpdatedAt.UTC(),
		Assessments: []BreachAssessment{}, Obligations: []BreachObligation{},
		Facts: BreachFacts{Title: f.Title, Description: f.Description, Cause: f.Cause, OccurredAt: f.OccurredAt.UTC(),
			OccurredUntil: utc(f.OccurredUntil), OccurredApprox: f.OccurredApprox, AwareAt: f.AwareAt.UTC(), AwareHow: f.AwareHow,
			Categories: f.Categories, Persons: f.Persons, PersonsApprox: f.PersonsApprox, Records: f.Records,
			RecordsApprox: f.RecordsApprox, Residents: f.Residents, Systems: f.Systems, Processors: f.Processors,
			PriorMeasures: f.PriorMeasures, Consequences: f.Consequences, Measures: f.Measures, Advice: f.Advice,
			ContactName: f.ContactName, ContactEmail: f.ContactEmail, ContactPhone: f.ContactPhone,
			EnterpriseNumber: f.EnterpriseNumber, DelayReason: f.DelayReason, LawEnforcementDelay: f.LawEnforcementDelay}}
	for _, k := range f.Kinds {
		out.Facts.Kinds = append(out.Facts.Kinds, string(k))
	}
	for _, law := range sortedLaws(inc.Assessments) {
		a := inc.Assessments[law]
		at := a.AssessedAt.UTC()
		out.Assessments = append(out.Assessments, BreachAssessment{Law: a.LawID, Level: a.Level, Factors: a.Factors,
			Exemptions: a.Exemptions, Consulted: a.Consulted, Reasoning: a.Reasoning, AssessedAt: &at, AssessedBy: a.AssessedBy})
	}
	for _, o := range obs {
		bo := BreachObligation{Key: o.Key, Law: o.Law.ID, Audience: string(o.Notice.Audience), Authority: o.Authority.Name,
			Regions: o.Regions, Residents: o.Residents, Status: string(o.Status), Basis: o.Notice.Basis,
			Contents: o.Notice.Contents, Sent: []BreachSent{}}
		if o.Clock.State != "" {
			d := o.Clock.Deadline
			bo.Clock = &BreachClock{Kind: string(d.Kind), Amount: d.Amount, From: string(d.From), State: string(o.Clock.State), Due: utc(o.Clock.Due)}
			if !o.Clock.DueDay.IsZero() {
				bo.Clock.DueDay = o.Clock.DueDay.String()
			}
		}
		for _, n := range o.Sent {
			bo.Sent = append(bo.Sent, breachSent(n))
		}
		out.Obligations = append(out.Obligations, bo)
	}
	return out
}

func breachSent(n breach.Notification) BreachSent {
	return BreachSent{ID: n.ID, Obligation: n.Obligation, Phase: n.Phase, SentAt: n.SentAt.UTC(), Reference: n.Reference,
		Note: n.Note, RecordedBy: n.RecordedBy}
}

func sortedLaws(m map[string]breach.Assessment) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// breachError gives a domain error its status: a missing incident 404, a
// closed one or a conflict 409, bad input 422 (each invalid field as a
// detail).
func breachError(err error) error {
	var fe breach.FieldErrors
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
	case breach.ErrNotFound:
		return DomainError(http.StatusNotFound, ie)
	case breach.ErrConflict, breach.ErrClosed, breach.ErrCloseUnassessed, breach.ErrCloseUnsent:
		return DomainError(http.StatusConflict, ie)
	}
	return DomainError(http.StatusUnprocessableEntity, ie)
}

func registerBreaches(s *Server) {
	svc := func() (*breach.Service, error) {
		if s.Breaches == nil {
			return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return s.Breaches, nil
	}
	detail := func(ctx context.Context, bs *breach.Service, id string) (*struct{ Body BreachDetail }, error) {
		v, err := bs.Get(ctx, id)
		if err != nil {
			return nil, breachError(err)
		}
		out := &struct{ Body BreachDetail }{Body: BreachDetail{Breach: breachInfo(v.Incident, v.Obligations),
			Timeline: make([]BreachEvent, 0, len(v.Events))}}
		for _, e := range v.Events {
			out.Body.Timeline = append(out.Body.Timeline, BreachEvent{At: e.At.UTC(), Kind: string(e.Kind), Actor: e.Actor, Body: e.Body, Data: e.Data})
		}
		return out, nil
	}

	Register(s, Route{
		ID: "create-breach", Method: http.MethodPost, Path: "/breaches", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Record a breach in the register", MaxBodyBytes: 256 << 10,
		Description: "Records an incident. The regions of residence pick the laws; each law's notifications and clocks " +
			"are in obligations, awaiting the risk assessment (the 72-hour clock already runs).",
	}, func(ctx context.Context, in *struct{ Body BreachFacts }) (*struct{ Body BreachDetail }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		inc, err := bs.Open(ctx, Actor(ctx), breachFacts(in.Body))
		if err != nil {
			return nil, breachError(err)
		}
		return detail(ctx, bs, inc.ID)
	})

	Register(s, Route{
		ID: "list-breaches", Method: http.MethodGet, Path: "/breaches", Tag: "Breaches",
		Scope: operator.ScopeBreachRead, Summary: "List the breach register",
		Description: "Every incident, open ones first; open incidents carry their obligations and clocks.",
	}, func(ctx context.Context, in *struct {
		State string `query:"state" enum:"open,closed" doc:"Only incidents in this state."`
	}) (*struct{ Body BreachList }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		list, err := bs.List(ctx, breach.State(in.State))
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body BreachList }{}
		out.Body.Breaches = make([]BreachInfo, 0, len(list))
		for i := range list {
			out.Body.Breaches = append(out.Body.Breaches, breachInfo(&list[i].Incident, list[i].Obligations))
		}
		return out, nil
	})

	Register(s, Route{
		ID: "get-breach", Method: http.MethodGet, Path: "/breaches/{id}", Tag: "Breaches",
		Scope: operator.ScopeBreachRead, Summary: "Get an incident",
		Description: "The incident with its assessments, obligations, clocks, notices sent and timeline.",
	}, func(ctx context.Context, in *breachPath) (*struct{ Body BreachDetail }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		return detail(ctx, bs, in.ID)
	})

	Register(s, Route{
		ID: "update-breach", Method: http.MethodPut, Path: "/breaches/{id}", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Replace the facts of an incident", MaxBodyBytes: 256 << 10,
		Description: "Every change goes on the timeline. Moving occurred_at or aware_at moves the deadlines and needs change_reason.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachEdit
	}) (*struct{ Body BreachDetail }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		if _, err := bs.Edit(ctx, Actor(ctx), in.ID, breachFacts(in.Body.BreachFacts), in.Body.ChangeReason); err != nil && !breach.IsNoChange(err) {
			return nil, breachError(err)
		}
		return detail(ctx, bs, in.ID)
	})

	Register(s, Route{
		ID: "assess-breach", Method: http.MethodPost, Path: "/breaches/{id}/assessments", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Record the risk assessment under one law", MaxBodyBytes: 64 << 10,
		Description: "Replaces the law's assessment; the previous one stays on the timeline.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachAssessment
	}) (*struct{ Body BreachDetail }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		b := in.Body
		if _, err := bs.Assess(ctx, Actor(ctx), in.ID, breach.AssessInput{LawID: b.Law, Level: b.Level, Factors: b.Factors,
			Exemptions: b.Exemptions, Consulted: b.Consulted, Reasoning: b.Reasoning}); err != nil {
			return nil, breachError(err)
		}
		return detail(ctx, bs, in.ID)
	})

	Register(s, Route{
		ID: "get-breach-draft", Method: http.MethodGet, Path: "/breaches/{id}/draft", Tag: "Breaches",
		Scope: operator.ScopeBreachRead, Summary: "Get the draft of a notification",
		Description: "The newest saved version in the language, or (version 0) the text written from the facts, " +
			"its sections in the order the law lists them.",
	}, func(ctx context.Context, in *struct {
		ID         string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Obligation string `query:"obligation" required:"true" maxLength:"100" example:"quebec/authority"`
		Lang       string `query:"lang" enum:"en,fr,nl" default:"en"`
	}) (*struct{ Body BreachDraft }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		d, err := bs.Draft(ctx, in.ID, in.Obligation, i18n.Lang(in.Lang))
		if err != nil {
			return nil, breachError(err)
		}
		return &struct{ Body BreachDraft }{Body: breachDraft(d)}, nil
	})

	Register(s, Route{
		ID: "save-breach-draft", Method: http.MethodPost, Path: "/breaches/{id}/drafts", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Save an edited notification as a new version", MaxBodyBytes: 256 << 10,
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachDraftSave
	}) (*struct{ Body BreachDraft }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		d, err := bs.SaveDraft(ctx, Actor(ctx), in.ID, in.Body.Obligation, i18n.Lang(in.Body.Language), in.Body.Body)
		if err != nil {
			return nil, breachError(err)
		}
		return &struct{ Body BreachDraft }{Body: breachDraft(d)}, nil
	})

	Register(s, Route{
		ID: "record-breach-notification", Method: http.MethodPost, Path: "/breaches/{id}/notifications", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Record a notification sent", MaxBodyBytes: 64 << 10,
		Description: "Records a notice owed as sent (date, the authority's reference). Recording the same obligation " +
			"again adds a phase: information sent later.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachNotify
	}) (*struct{ Body BreachSent }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		b := in.Body
		n, err := bs.RecordNotification(ctx, Actor(ctx), in.ID, breach.NotifyInput{Obligation: b.Obligation, SentAt: b.SentAt,
			Reference: b.Reference, Note: b.Note})
		if err != nil {
			return nil, breachError(err)
		}
		return &struct{ Body BreachSent }{Body: breachSent(*n)}, nil
	})

	Register(s, Route{
		ID: "send-breach-notices", Method: http.MethodPost, Path: "/breaches/{id}/notices", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Email a notice to the persons concerned", MaxBodyBytes: 2 << 20,
		Description: "Queues one email per person, in the person's language, with the saved draft of that language " +
			"(422 breach.error.draft_unsaved when there is none), and records the notification as one phase.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachSendNotices
	}) (*struct{ Body BreachSent }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		to := make([]breach.Recipient, 0, len(in.Body.Recipients))
		for _, r := range in.Body.Recipients {
			to = append(to, breach.Recipient{Email: r.Email, Lang: i18n.Lang(r.Language)})
		}
		n, err := bs.SendNotices(ctx, Actor(ctx), in.ID, in.Body.Obligation, to)
		if err != nil {
			if errors.Is(err, breach.ErrMailDisabled) {
				return nil, DomainError(http.StatusConflict, breach.ErrMailDisabled)
			}
			return nil, breachError(err)
		}
		return &struct{ Body BreachSent }{Body: breachSent(*n)}, nil
	})

	Register(s, Route{
		ID: "close-breach", Method: http.MethodPost, Path: "/breaches/{id}/close", Tag: "Breaches",
		Scope: operator.ScopeBreachWrite, Summary: "Close an incident", MaxBodyBytes: 16 << 10,
		Description: "Refused (409) while a law is not assessed or a notice owed is not recorded. The incident stays in the register.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The incident's ID."`
		Body BreachClose
	}) (*struct{ Body BreachDetail }, error) {
		bs, err := svc()
		if err != nil {
			return nil, err
		}
		if _, err := bs.Close(ctx, Actor(ctx), in.ID, in.Body.Note); err != nil {
			return nil, breachError(err)
		}
		return detail(ctx, bs, in.ID)
	})
}

func breachDraft(d *breach.Draft) BreachDraft {
	return BreachDraft{Obligation: d.Obligation, Language: d.Language, Version: d.Version, Title: d.Title, Body: d.Body,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC()}
}
