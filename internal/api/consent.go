package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// ConsentEventCreate is a choice recorded by the business's own systems.
type ConsentEventCreate struct {
	SiteID        string     `json:"site_id,omitempty" maxLength:"64" doc:"The banner site the choice was made on; its purposes are then the known ones."`
	SubjectID     string     `json:"subject_id,omitempty" maxLength:"200" doc:"Your identifier of the person (customer number, email). Give it or device_id, or both."`
	DeviceID      string     `json:"device_id,omitempty" maxLength:"200" doc:"A pseudonymous device identifier, such as the one the banner keeps in its cookie."`
	Granted       []string   `json:"granted,omitempty" maxItems:"32" doc:"Purposes agreed to." example:"[\"analytics\"]"`
	Refused       []string   `json:"refused,omitempty" maxItems:"32" doc:"Purposes refused." example:"[\"marketing\",\"sale_sharing\"]"`
	Method        string     `json:"method" enum:"express,implied,opt_out" doc:"How the choice was given."`
	Source        string     `json:"source" enum:"banner,form,checkout,import,api,gpc"`
	NoticeVersion string     `json:"notice_version,omitempty" maxLength:"64" doc:"Version of the notice the person read; the site's when absent."`
	Language      string     `json:"language,omitempty" maxLength:"35" example:"fr-CA"`
	GPC           bool       `json:"gpc,omitempty" doc:"The browser sent Global Privacy Control."`
	GivenAt       *time.Time `json:"given_at,omitempty" doc:"When the person chose (for imports); now when absent. At most ten years ago."`
}

// ConsentEvent is one entry of the ledger.
type ConsentEvent struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind" enum:"choice,withdrawal"`
	SiteID        string    `json:"site_id"`
	SubjectID     string    `json:"subject_id"`
	DeviceID      string    `json:"device_id"`
	Granted       []string  `json:"granted" nullable:"false"`
	Refused       []string  `json:"refused" nullable:"false"`
	Method        string    `json:"method" enum:"express,implied,opt_out"`
	Source        string    `json:"source" enum:"banner,form,checkout,import,api,gpc"`
	NoticeVersion string    `json:"notice_version"`
	Language      string    `json:"language"`
	GPC           bool      `json:"gpc"`
	GivenAt       time.Time `json:"given_at"`
	RecordedAt    time.Time `json:"recorded_at" doc:"When the ledger committed it; it is durable once this answer is sent."`
}

// ConsentCheck answers whether a purpose may be used.
type ConsentCheck struct {
	Purpose       string     `json:"purpose"`
	Allowed       bool       `json:"allowed" doc:"True only when the purpose is granted (necessary always is)."`
	Decision      string     `json:"decision" enum:"granted,refused,none" doc:"none: no choice on record, which must be read as not allowed."`
	EventID       string     `json:"event_id" doc:"The event that decided it; empty for none and when restricted."`
	Restricted    bool       `json:"restricted" doc:"True when the person's data subject request (objection, restriction, opt-out of sale, limit sensitive) stops the purpose, whatever the ledger says."`
	NoticeVersion string     `json:"notice_version"`
	DecidedAt     *time.Time `json:"decided_at"`
}

// ConsentState is a holder's current decisions.
type ConsentState struct {
	Purposes []ConsentCheck `json:"purposes" nullable:"false"`
}

// ConsentWithdrawal withdraws purposes.
type ConsentWithdrawal struct {
	SubjectID string   `json:"subject_id,omitempty" maxLength:"200"`
	DeviceID  string   `json:"device_id,omitempty" maxLength:"200"`
	Purposes  []string `json:"purposes,omitempty" maxItems:"32" doc:"Purposes to refuse from now on; every granted one when absent."`
}

// ConsentSiteInput configures a banner site.
type ConsentSiteInput struct {
	Name          string   `json:"name" maxLength:"100" example:"Boutique Exemple"`
	Origins       []string `json:"origins" maxItems:"20" doc:"Origins of the pages showing the banner; only they may post choices." example:"[\"https://shop.example.org\"]"`
	Purposes      []string `json:"purposes,omitempty" maxItems:"32" doc:"Purposes the banner asks about; necessary, preferences, analytics, marketing and sale_sharing when absent."`
	NoticeVersion string   `json:"notice_version" maxLength:"64" doc:"Change it when the notice changes: everyone is asked again." example:"2026-01"`
	ReaskMonths   int      `json:"reask_months,omitempty" minimum:"0" maximum:"24" doc:"Months a choice holds before the banner asks again; 6 when absent."`
	PolicyURL     string   `json:"policy_url,omitempty" maxLength:"2000" doc:"The privacy policy page; the banner opens again there."`
}

// ConsentSite is a banner site's configuration.
type ConsentSite struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Origins       []string  `json:"origins" nullable:"false"`
	Purposes      []string  `json:"purposes" nullable:"false"`
	NoticeVersion string    `json:"notice_version"`
	ReaskMonths   int       `json:"reask_months"`
	PolicyURL     string    `json:"policy_url"`
	Snippet       string    `json:"snippet" doc:"The tag to paste into the site's pages."`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// receiptOutput carries a receipt as the bytes of its own format.
type receiptOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type consentHolderQuery struct {
	Subject string `query:"subject" maxLength:"200" doc:"Your identifier of the person."`
	Device  string `query:"device" maxLength:"200" doc:"A device identifier; used when subject is absent."`
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

func consentEvent(e *consent.Event) ConsentEvent {
	return ConsentEvent{ID: e.ID, Kind: string(e.Kind), SiteID: e.SiteID, SubjectID: e.SubjectID, DeviceID: e.DeviceID,
		Granted: strs(e.Granted), Refused: strs(e.Refused), Method: string(e.Method), Source: string(e.Source),
		NoticeVersion: e.NoticeVersion, Language: e.Language, GPC: e.GPC, GivenAt: e.GivenAt.UTC(), RecordedAt: e.RecordedAt.UTC()}
}

func consentCheck(st consent.State) ConsentCheck {
	out := ConsentCheck{Purpose: string(st.Purpose), Allowed: st.Decision == consent.Granted, Decision: string(st.Decision),
		EventID: st.EventID, NoticeVersion: st.NoticeVersion, Restricted: st.Restricted}
	if !st.DecidedAt.IsZero() {
		out.DecidedAt = utc(&st.DecidedAt)
	}
	return out
}

func (s *Server) consentSite(st *consent.Site) ConsentSite {
	base := ""
	if s.Config != nil {
		base = s.Config.PublicURL()
	}
	return ConsentSite{ID: st.ID, Name: st.Name, Origins: st.Origins, Purposes: strs(st.Purposes),
		NoticeVersion: st.NoticeVersion, ReaskMonths: st.ReaskMonths, PolicyURL: st.PolicyURL,
		Snippet:   `<script src="` + base + consent.BannerPath + `?site=` + st.ID + `" defer></script>`,
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt}
}

// consentError gives a domain error its status: bad fields 422 with one
// detail each, a missing event or site 404.
func consentError(err error) error {
	var fe consent.FieldErrors
	if errors.As(err, &fe) {
		e := NewError(http.StatusUnprocessableEntity, CodeInvalid)
		for _, name := range fe.Ordered() {
			e = e.WithDetail("body."+name, fe[name].ID, fe[name].Data)
		}
		if p := fe["purpose"]; p != nil {
			e = e.WithDetail("query.purpose", p.ID, p.Data)
		}
		return e
	}
	var ie *i18n.Error
	if !errors.As(err, &ie) {
		return Internal(err)
	}
	if ie == consent.ErrNotFound || ie == consent.ErrSiteNotFound {
		return DomainError(http.StatusNotFound, ie)
	}
	return DomainError(http.StatusUnprocessableEntity, ie)
}

// holderError reports query parameters naming no holder, or a bad one.
func holderError(err error) error {
	var fe consent.FieldErrors
	if errors.As(err, &fe) {
		e := NewError(http.StatusUnprocessableEntity, CodeInvalid)
		for name, loc := range map[string]string{consent.FieldSubject: "query.subject", consent.FieldDevice: "query.device"} {
			if fe[name] != nil {
				e = e.WithDetail(loc, fe[name].ID, fe[name].Data)
			}
		}
		return e
	}
	return consentError(err)
}

func registerConsent(s *Server) {
	svc := func() (*consent.Service, error) {
		if s.Consent == nil {
			return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return s.Consent, nil
	}

	Register(s, Route{
		ID: "record-consent-event", Method: http.MethodPost, Path: "/consent/events", Tag: "Consent",
		Scope: operator.ScopeConsentWrite, Summary: "Record a consent choice", MaxBodyBytes: 16 << 10,
		Description: "Appends a choice to the ledger (it is never changed afterwards) and moves the current state of " +
			"the subject and the device. The answer is sent once the event is committed. Unknown purposes are refused.",
	}, func(ctx context.Context, in *struct{ Body ConsentEventCreate }) (*struct{ Body ConsentEvent }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		b := in.Body
		e, err := cs.Record(ctx, Actor(ctx), consent.EventInput{SiteID: b.SiteID, SubjectID: b.SubjectID, DeviceID: b.DeviceID,
			Granted: b.Granted, Refused: b.Refused, Method: b.Method, Source: b.Source, NoticeVersion: b.NoticeVersion,
			Language: b.Language, GPC: b.GPC, GivenAt: b.GivenAt})
		if err != nil {
			return nil, consentError(err)
		}
		return &struct{ Body ConsentEvent }{Body: consentEvent(e)}, nil
	})

	Register(s, Route{
		ID: "check-consent", Method: http.MethodGet, Path: "/consent/check", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Check whether a purpose may be used",
		Description: "For the business's systems before they use data: allowed is true only for a granted purpose. " +
			"A subject given as an email address is also checked against their data subject requests: a confirmed " +
			"objection, restriction, opt-out of sale or \"limit sensitive\" request refuses the purposes it covers.",
	}, func(ctx context.Context, in *struct {
		Subject string `query:"subject" maxLength:"200" doc:"Your identifier of the person."`
		Device  string `query:"device" maxLength:"200" doc:"A device identifier; used when subject is absent."`
		Purpose string `query:"purpose" required:"true" maxLength:"40" example:"analytics"`
	}) (*struct{ Body ConsentCheck }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		st, err := cs.Check(ctx, consent.Holder{SubjectID: in.Subject, DeviceID: in.Device}, in.Purpose)
		if err != nil {
			return nil, holderError(err)
		}
		return &struct{ Body ConsentCheck }{Body: consentCheck(st)}, nil
	})

	Register(s, Route{
		ID: "get-consent-state", Method: http.MethodGet, Path: "/consent/state", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Current decisions of a person or device",
	}, func(ctx context.Context, in *consentHolderQuery) (*struct{ Body ConsentState }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		states, err := cs.States(ctx, consent.Holder{SubjectID: in.Subject, DeviceID: in.Device})
		if err != nil {
			return nil, holderError(err)
		}
		out := &struct{ Body ConsentState }{Body: ConsentState{Purposes: make([]ConsentCheck, 0, len(states))}}
		for _, st := range states {
			out.Body.Purposes = append(out.Body.Purposes, consentCheck(st))
		}
		return out, nil
	})

	Register(s, Route{
		ID: "list-consent-history", Method: http.MethodGet, Path: "/consent/history", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Every choice of a person or device, newest first",
	}, func(ctx context.Context, in *struct {
		Subject string `query:"subject" maxLength:"200" doc:"Your identifier of the person."`
		Device  string `query:"device" maxLength:"200" doc:"A device identifier; used when subject is absent."`
		Limit   int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}) (*struct{ Body []ConsentEvent }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		events, err := cs.History(ctx, consent.Holder{SubjectID: in.Subject, DeviceID: in.Device}, in.Limit)
		if err != nil {
			return nil, holderError(err)
		}
		out := &struct{ Body []ConsentEvent }{Body: make([]ConsentEvent, 0, len(events))}
		for i := range events {
			out.Body = append(out.Body, consentEvent(&events[i]))
		}
		return out, nil
	})

	Register(s, Route{
		ID: "withdraw-consent", Method: http.MethodPost, Path: "/consent/withdrawals", Tag: "Consent",
		Scope: operator.ScopeConsentWrite, Summary: "Withdraw consent", MaxBodyBytes: 8 << 10,
		Description: "Records a withdrawal: the purposes named (every granted one when none is) are refused from now on.",
	}, func(ctx context.Context, in *struct{ Body ConsentWithdrawal }) (*struct{ Body ConsentEvent }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		e, err := cs.Withdraw(ctx, Actor(ctx), consent.Holder{SubjectID: in.Body.SubjectID, DeviceID: in.Body.DeviceID},
			in.Body.Purposes, consent.SourceAPI)
		if err != nil {
			return nil, consentError(err)
		}
		return &struct{ Body ConsentEvent }{Body: consentEvent(e)}, nil
	})

	Register(s, Route{
		ID: "get-consent-receipt", Method: http.MethodGet, Path: "/consent/events/{id}/receipt", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Consent receipt of an event (Kantara CR v1.1)",
		Description: "The receipt keeps the field names of the Kantara Initiative Consent Receipt Specification " +
			"v1.1 (camelCase: version, jurisdiction, consentTimestamp, collectionMethod, consentReceiptID, language, " +
			"piiPrincipalId, piiControllers, policyUrl, services, sensitive, spiCat), so it is sent as a document " +
			"of that format rather than described here.",
	}, func(ctx context.Context, in *struct {
		ID     string `path:"id" maxLength:"64"`
		Format string `query:"format" enum:"json,jws" default:"json" doc:"json: the receipt; jws: the receipt signed with Ed25519 as a compact JWS (application/jwt), checked with the keys at /consent/v1/receipt-keys."`
	}) (*receiptOutput, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		if in.Format == "jws" {
			token, err := cs.SignedReceipt(ctx, in.ID)
			if err != nil {
				return nil, consentError(err)
			}
			return &receiptOutput{ContentType: "application/jwt", Body: []byte(token)}, nil
		}
		r, err := cs.Receipt(ctx, in.ID)
		if err != nil {
			return nil, consentError(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, Internal(err)
		}
		return &receiptOutput{ContentType: "application/json", Body: b}, nil
	})

	Register(s, Route{
		ID: "export-consent", Method: http.MethodGet, Path: "/consent/export", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Export the ledger as proof (CSV or JSON)",
		Description: "Every event recorded in [from, to), oldest first. The export is audited.",
	}, func(ctx context.Context, in *struct {
		Format string    `query:"format" enum:"csv,json" default:"json"`
		From   time.Time `query:"from" required:"true" doc:"RFC 3339 start, included."`
		To     time.Time `query:"to" required:"true" doc:"RFC 3339 end, excluded."`
	}) (*struct {
		ContentType        string `header:"Content-Type"`
		ContentDisposition string `header:"Content-Disposition"`
		Body               []byte
	}, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, err := cs.Export(ctx, Actor(ctx), &buf, consent.ExportFormat(in.Format), in.From, in.To); err != nil {
			return nil, consentError(err)
		}
		ct := "application/json"
		if in.Format == "csv" {
			ct = "text/csv; charset=utf-8"
		}
		return &struct {
			ContentType        string `header:"Content-Type"`
			ContentDisposition string `header:"Content-Disposition"`
			Body               []byte
		}{ContentType: ct, ContentDisposition: `attachment; filename="consent-ledger.` + in.Format + `"`, Body: buf.Bytes()}, nil
	})

	registerNewsletter(s)

	siteOut := func(st *consent.Site) *struct{ Body ConsentSite } {
		return &struct{ Body ConsentSite }{Body: s.consentSite(st)}
	}
	siteIn := func(b ConsentSiteInput) consent.SiteInput {
		return consent.SiteInput{Name: b.Name, Origins: b.Origins, Purposes: b.Purposes, NoticeVersion: b.NoticeVersion,
			ReaskMonths: b.ReaskMonths, PolicyURL: b.PolicyURL}
	}
	Register(s, Route{
		ID: "create-consent-site", Method: http.MethodPost, Path: "/consent/sites", Tag: "Consent",
		Scope: operator.ScopeConsentWrite, Summary: "Configure a site for the banner", MaxBodyBytes: 16 << 10,
	}, func(ctx context.Context, in *struct{ Body ConsentSiteInput }) (*struct{ Body ConsentSite }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		st, err := cs.CreateSite(ctx, Actor(ctx), siteIn(in.Body))
		if err != nil {
			return nil, consentError(err)
		}
		return siteOut(st), nil
	})
	Register(s, Route{
		ID: "update-consent-site", Method: http.MethodPut, Path: "/consent/sites/{id}", Tag: "Consent",
		Scope: operator.ScopeConsentWrite, Summary: "Change a banner site's configuration", MaxBodyBytes: 16 << 10,
		Description: "A new notice_version makes the banner ask every visitor again.",
	}, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64"`
		Body ConsentSiteInput
	}) (*struct{ Body ConsentSite }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		st, err := cs.UpdateSite(ctx, Actor(ctx), in.ID, siteIn(in.Body))
		if err != nil {
			return nil, consentError(err)
		}
		return siteOut(st), nil
	})
	Register(s, Route{
		ID: "get-consent-site", Method: http.MethodGet, Path: "/consent/sites/{id}", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "A banner site's configuration",
	}, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"64"`
	}) (*struct{ Body ConsentSite }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		st, err := cs.Site(ctx, in.ID)
		if err != nil {
			return nil, consentError(err)
		}
		return siteOut(st), nil
	})
	Register(s, Route{
		ID: "list-consent-sites", Method: http.MethodGet, Path: "/consent/sites", Tag: "Consent",
		Scope: operator.ScopeConsentRead, Summary: "Every banner site",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body []ConsentSite }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		sites, err := cs.Sites(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct{ Body []ConsentSite }{Body: make([]ConsentSite, 0, len(sites))}
		for i := range sites {
			out.Body = append(out.Body, s.consentSite(&sites[i]))
		}
		return out, nil
	})
}

// SubscriberImport counts what an import did.
type SubscriberImport struct {
	Rows       int                   `json:"rows" doc:"Lines read, header excluded."`
	Subscribed int                   `json:"subscribed" doc:"Added themselves (active): kept, their consent recorded as of subscribed_at."`
	ToAsk      int                   `json:"to_ask" doc:"Passive or unknown: to be asked to confirm."`
	Skipped    int                   `json:"skipped" doc:"Already known, or twice in the file. Archived addresses never come back by import."`
	Errors     []SubscriberLineError `json:"errors" nullable:"false"`
}

// SubscriberLineError is a refused line.
type SubscriberLineError struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// SubscriberCounts counts the subscribers at each stage of the campaign.
type SubscriberCounts struct {
	Subscribed int `json:"subscribed"`
	ToAsk      int `json:"to_ask"`
	Asked      int `json:"asked"`
	Confirmed  int `json:"confirmed"`
	Archived   int `json:"archived"`
}

func subscriberCounts(m map[string]int) SubscriberCounts {
	return SubscriberCounts{Subscribed: m[consent.SubSubscribed], ToAsk: m[consent.SubToAsk], Asked: m[consent.SubAsked],
		Confirmed: m[consent.SubConfirmed], Archived: m[consent.SubArchived]}
}

func registerNewsletter(s *Server) {
	svc := func() (*consent.Service, error) {
		if s.Consent == nil {
			return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable)
		}
		return s.Consent, nil
	}
	Register(s, Route{
		ID: "import-subscribers", Method: http.MethodPost, Path: "/consent/subscribers/import", Tag: "Newsletter",
		Scope: operator.ScopeConsentWrite, Summary: "Import a newsletter subscriber list", MaxBodyBytes: consent.MaxImportBytes,
		Description: "CSV with the header email,name,subscribed_at,how_added (active, passive or unknown). Active subscribers " +
			"keep their subscription and their consent is recorded; passive and unknown ones are to be asked. Bad lines are " +
			"reported with their number and skipped.",
	}, func(ctx context.Context, in *struct {
		RawBody []byte `contentType:"text/csv"`
	}) (*struct{ Body SubscriberImport }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		res, err := cs.ImportSubscribers(ctx, Actor(ctx), bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, consentError(err)
		}
		lz := Localizer(ctx)
		out := SubscriberImport{Rows: res.Rows, Subscribed: res.Subscribed, ToAsk: res.ToAsk, Skipped: res.Skipped,
			Errors: make([]SubscriberLineError, 0, len(res.Errors))}
		for _, le := range res.Errors {
			out.Errors = append(out.Errors, SubscriberLineError{Line: le.Line, Code: le.Err.ID, Message: le.Err.Localize(lz)})
		}
		return &struct{ Body SubscriberImport }{Body: out}, nil
	})
	Register(s, Route{
		ID: "send-repermission", Method: http.MethodPost, Path: "/consent/subscribers/repermission", Tag: "Newsletter",
		Scope: operator.ScopeConsentWrite, Summary: "Ask subscribers to confirm", MaxBodyBytes: 1 << 10,
		Description: "Queues the re-permission email, through the outbox, to subscribers still to ask: at most limit, and " +
			"never more than 200 in an hour. Call it again later for the rest.",
	}, func(ctx context.Context, in *struct {
		Body struct {
			Language string `json:"language" enum:"en,fr,nl"`
			Limit    int    `json:"limit" minimum:"1" maximum:"200"`
		}
	}) (*struct {
		Body struct {
			Queued int              `json:"queued"`
			Counts SubscriberCounts `json:"counts"`
		}
	}, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		n, err := cs.SendRepermission(ctx, Actor(ctx), i18n.Lang(in.Body.Language), in.Body.Limit)
		if err != nil {
			return nil, consentError(err)
		}
		m, err := cs.SubscriberCounts(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		out := &struct {
			Body struct {
				Queued int              `json:"queued"`
				Counts SubscriberCounts `json:"counts"`
			}
		}{}
		out.Body.Queued, out.Body.Counts = n, subscriberCounts(m)
		return out, nil
	})
	Register(s, Route{
		ID: "archive-subscribers", Method: http.MethodPost, Path: "/consent/subscribers/archive", Tag: "Newsletter",
		Scope: operator.ScopeConsentWrite, Summary: "Archive who did not confirm in time",
		Description: "Subscribers asked whose deadline has passed are archived: they get no more newsletter and only their own confirmation brings them back.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body SubscriberCounts }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		if _, err := cs.ArchiveUnconfirmed(ctx, Actor(ctx)); err != nil {
			return nil, Internal(err)
		}
		m, err := cs.SubscriberCounts(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		return &struct{ Body SubscriberCounts }{Body: subscriberCounts(m)}, nil
	})
	Register(s, Route{
		ID: "count-subscribers", Method: http.MethodGet, Path: "/consent/subscribers/counts", Tag: "Newsletter",
		Scope: operator.ScopeConsentRead, Summary: "Subscribers at each stage of the campaign",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body SubscriberCounts }, error) {
		cs, err := svc()
		if err != nil {
			return nil, err
		}
		m, err := cs.SubscriberCounts(ctx)
		if err != nil {
			return nil, Internal(err)
		}
		return &struct{ Body SubscriberCounts }{Body: subscriberCounts(m)}, nil
	})
}
