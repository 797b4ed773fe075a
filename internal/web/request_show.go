package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// requestShow shows one request: its details and deadlines, its tasks, its
// timeline and, for agents, the actions its state allows.
func (h *handler) requestShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "requests")
	h.renderRequest(w, r, http.StatusOK, p, r.PathValue("id"))
}

// requestView is what the request template shows.
type requestView struct {
	Req        *requests.Request
	TypeLabel  string
	StateLabel string
	Law        string
	Authority  string
	Language   string
	Source     string
	Overdue    bool
	DueSoon    bool
	Assignee   string
	Identity   string // how the identity was confirmed, and by whom
	Outcome    string
	Purged     bool
	Tasks      []taskItem
	Timeline   []timelineItem
	Act        *requestActions // nil for viewers
	Files      *filesView
	// PausedSince is the day the clock stopped, while it stands still.
	PausedSince *time.Time
	Question    string // what the person was asked then
}

// requestActions are the forms an agent is offered: only what the state
// machine and the law allow now, so no button leads to a refusal.
type requestActions struct {
	Assign    bool
	Operators []assignee
	Mine      bool // assigned to the agent looking
	Reply     bool
	Verify    bool
	Start     bool
	Identity  bool // start an identity check
	Confirm   bool // confirm the identity (leaves the check)
	Complete  bool
	Close     bool
	Reject    bool
	Extend    bool
	Upload    bool // add a file
	Pause     bool // ask for a clarification, stopping the clock
	Resume    bool // the clarification arrived
	Deliver   bool // hand files to the person
	// DeliverFiles are the files that can be delivered (not deleted).
	DeliverFiles []choice
	// NoExtend says why extending is not offered on an open request (a
	// message ID), empty when it is or when the request is finished.
	NoExtend string
	// CloseHint says whether the closing note reaches the person.
	CloseHint string
	Methods   []choice
	Finished  []choice // outcomes of completing
	Ended     []choice // outcomes of closing
}

type assignee struct {
	ID, Name string
	Current  bool
}

type choice struct {
	Value, Label string
}

type taskItem struct {
	ID       string
	System   string
	Kind     string
	State    requests.TaskState
	Label    string
	Owner    string
	Note     string
	DoneAt   *time.Time
	DoneBy   string
	Manual   bool
	CanClose bool // an agent may mark it done here
	RunAgain bool // a connector's run that an agent may start again
}

type timelineItem struct {
	At       time.Time
	Kind     requests.EventKind
	Label    string
	Actor    string
	Internal bool
	Body     string
	Facts    []string
}

// renderRequest renders the request page with p, whose form (if any)
// holds an action's errors.
func (h *handler) renderRequest(w http.ResponseWriter, r *http.Request, status int, p *page, id string) {
	ctx := r.Context()
	req, err := h.Requests.Get(ctx, id)
	if errors.Is(err, requests.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	events, err := h.Requests.Timeline(ctx, req.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	tasks, err := h.Requests.Tasks(ctx, req.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names, err := h.actorNames(ctx, p, events)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	files, err := h.Requests.Attachments(ctx, req.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pauses, err := h.Requests.Pauses(ctx, req.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := h.requestView(p, req, names)
	v.Timeline = timeline(p, events, names)
	agent := p.Can(operator.Agent)
	for _, t := range tasks {
		v.Tasks = append(v.Tasks, taskView(p, t, names, agent && !v.Purged))
	}
	v.Files = h.filesView(p, req, files, names)
	for _, ps := range pauses {
		if ps.To == nil && req.Open() {
			v.PausedSince, v.Question = &ps.From, ps.Question
		}
	}
	if agent && !v.Purged {
		v.Act = h.requestActions(p, req, names)
		a := v.Act
		a.Upload = req.Open() && h.Requests.AttachmentsEnabled()
		a.Deliver = requests.Deliverable(req) && h.Requests.AttachmentsEnabled()
		for _, it := range v.Files.Items {
			if !it.Deleted {
				a.DeliverFiles = append(a.DeliverFiles, choice{it.ID, it.Name})
			}
		}
		if req.Open() && req.VerifiedAt != nil && h.Requests.Pausable(req) {
			a.Pause, a.Resume = v.PausedSince == nil, v.PausedSince != nil
		}
	}
	if p.Form != nil {
		// An error about a form the page no longer offers (the request
		// moved on) points at the actions instead.
		for i, fe := range p.Form.Errors {
			if !v.shows(fe.Field) {
				p.Form.Errors[i].Field = "actions-title"
			}
		}
	}
	p.V["R"] = v
	if err := h.suppressSection(ctx, p, req); err != nil {
		h.serverError(w, r, err)
		return
	}
	if err := h.identitiesSection(ctx, p, req); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, status, "request_show", p)
}

// shows reports whether the page has the input with that id.
func (v *requestView) shows(field string) bool {
	a := v.Act
	if a == nil {
		return false
	}
	if id, ok := strings.CutPrefix(field, "task-note-"); ok {
		for _, t := range v.Tasks {
			if t.ID == id {
				return t.CanClose
			}
		}
		return false
	}
	prefix, _, _ := strings.Cut(field, "-")
	switch prefix {
	case "actions":
		return true
	case "note":
		return true
	case "assign":
		return a.Assign
	case "reply":
		return a.Reply
	case "verify":
		return a.Verify
	case "identity":
		return a.Identity
	case "confirm":
		return a.Confirm
	case "extend":
		return a.Extend
	case "complete":
		return a.Complete
	case "close":
		return a.Close
	case "reject":
		return a.Reject
	case "attachment":
		return a.Upload
	case "attachments":
		return true
	case "suppress": // the suppression section (suppress_view.go)
		return true
	case "identities": // the identities section (request_identities.go)
		return true
	case "pause":
		return a.Pause
	case "resume":
		return a.Resume
	case "deliver":
		return a.Deliver && len(a.DeliverFiles) > 0
	}
	return false
}

func (h *handler) requestView(p *page, req *requests.Request, names *actorNames) *requestView {
	today := h.Requests.Today()
	v := &requestView{
		Req:        req,
		TypeLabel:  p.T(req.Type.LabelID()),
		StateLabel: p.T(req.State.LabelID()),
		Law:        req.LawID,
		Overdue:    req.Overdue(today),
		Purged:     req.PurgedAt != nil,
		Source:     p.T("web.requests.source." + string(req.Source)),
	}
	v.DueSoon = !v.Overdue && req.Open() && !req.DueDate.After(today.AddDate(0, 0, requests.DueSoonDays))
	if law, ok := h.Requests.Law(req); ok {
		v.Law, v.Authority = law.Name(p.Lang), law.Authority
	}
	if req.Language.Valid() {
		v.Language = req.Language.Name()
	}
	if req.AssigneeID != "" {
		v.Assignee = names.operator(req.AssigneeID)
	}
	if req.Identity.Method != "" {
		v.Identity = p.T("web.requests.identity_by", "Method", p.T(req.Identity.Method.LabelID()),
			"Actor", names.of(req.Identity.CheckedBy))
	}
	if req.Outcome != "" {
		v.Outcome = p.T(req.Outcome.LabelID())
	}
	return v
}

func (h *handler) requestActions(p *page, req *requests.Request, names *actorNames) *requestActions {
	a := &requestActions{
		Assign: req.Open(),
		Reply:  req.VerifiedAt != nil,
		Mine:   req.AssigneeID == p.Op.ID,
	}
	// Only verified addresses are written to.
	a.CloseHint = "web.requests.optional_internal"
	if req.VerifiedAt != nil {
		a.CloseHint = "web.requests.sent_to_person"
	}
	for _, to := range requests.Next(req.State, requests.ByAgent) {
		switch to {
		case requests.StateVerified:
			a.Verify = true
		case requests.StateInProgress:
			if req.State == requests.StateIdentityCheck {
				a.Confirm = true
			} else {
				a.Start = true
			}
		case requests.StateIdentityCheck:
			a.Identity = true
		case requests.StateCompleted:
			a.Complete = true
		case requests.StateClosed:
			a.Close = true
		case requests.StateRejected:
			a.Reject = true
		}
	}
	// The same conditions as requests.Service.Extend, so the form only
	// shows when the extension would be accepted.
	if req.Open() && req.State != requests.StateReceived {
		switch {
		case req.Extended():
			a.NoExtend = "web.requests.extend.done"
		case req.ExtensionLimit == nil:
			a.NoExtend = "web.requests.extend.none"
		case req.ExtensionNoticeBy != nil && h.Requests.Today().After(*req.ExtensionNoticeBy):
			a.NoExtend = "web.requests.extend.late"
		default:
			a.Extend = true
		}
	}
	for _, o := range names.ops {
		if o.Disabled() || !o.Role.AtLeast(operator.Agent) {
			continue
		}
		a.Operators = append(a.Operators, assignee{ID: o.ID, Name: operatorName(&o), Current: o.ID == req.AssigneeID})
	}
	for _, m := range requests.IdentityMethods {
		a.Methods = append(a.Methods, choice{string(m), p.T(m.LabelID())})
	}
	for _, o := range requests.CompletedOutcomes {
		a.Finished = append(a.Finished, choice{string(o), p.T(o.LabelID())})
	}
	for _, o := range requests.ClosedOutcomes {
		a.Ended = append(a.Ended, choice{string(o), p.T(o.LabelID())})
	}
	return a
}

func taskView(p *page, t requests.Task, names *actorNames, agent bool) taskItem {
	ti := taskItem{
		ID: t.ID, System: t.SystemName, State: t.State, Label: p.T(t.State.LabelID()),
		Kind: p.T("web.systems.kind." + string(t.Kind)), Owner: t.AssigneeEmail, Note: t.Note, DoneAt: t.DoneAt,
		Manual: t.Kind == requests.SystemManual,
	}
	if t.DoneBy != "" {
		ti.DoneBy = names.of(t.DoneBy)
	}
	// A failed automatic task is handled by hand once its cause is fixed;
	// one no connector runs (a restriction on a database, say) is done by
	// hand in the system, or covered by the suppression list.
	ti.CanClose = agent && (t.State == requests.TaskOpen || t.State == requests.TaskFailed || t.State == requests.TaskWaitingConnector)
	ti.RunAgain = agent && t.Kind == requests.SystemAutomatic && t.State == requests.TaskDone && t.DoneBy == requests.SystemActor.String()
	return ti
}

// timeline turns the events into what people read: who, what, and the
// facts of each kind, every code named in the page's language.
func timeline(p *page, events []requests.Event, names *actorNames) []timelineItem {
	out := make([]timelineItem, 0, len(events))
	for _, e := range events {
		it := timelineItem{
			At: e.At, Kind: e.Kind, Label: p.T(e.Kind.LabelID()), Actor: names.of(e.Actor),
			Internal: e.Visibility != requests.VisibleSubject, Body: e.Body,
		}
		str := func(k string) string {
			if v, ok := e.Data[k]; ok && v != nil {
				return fmt.Sprint(v)
			}
			return ""
		}
		switch e.Kind {
		case requests.EventSubmitted:
			if s := str("source"); s == string(requests.SourceForm) || s == string(requests.SourceAPI) {
				it.Facts = append(it.Facts, p.T("web.requests.source."+s))
			}
		case requests.EventStateChanged:
			from, to := requests.State(str("from")), requests.State(str("to"))
			if from.Valid() && to.Valid() {
				it.Facts = append(it.Facts, p.T("web.requests.tl.moved", "From", p.T(from.LabelID()), "To", p.T(to.LabelID())))
			}
			if o := requests.Outcome(str("outcome")); o != "" && p.h.Catalog.Has(p.Lang, o.LabelID()) {
				it.Facts = append(it.Facts, p.T("web.requests.tl.outcome", "Outcome", p.T(o.LabelID())))
			}
		case requests.EventEmailSent:
			tmpl, to := "web.requests.mail."+str("template"), "web.requests.mail_to."+str("to")
			if p.h.Catalog.Has(p.Lang, tmpl) {
				it.Facts = append(it.Facts, p.T(tmpl))
			}
			if p.h.Catalog.Has(p.Lang, to) {
				it.Facts = append(it.Facts, p.T(to))
			}
		case requests.EventTaskCreated, requests.EventTaskDone:
			if s := str("system"); s != "" {
				it.Facts = append(it.Facts, p.T("web.requests.tl.system", "System", s))
			}
		case requests.EventAssigned:
			if id := str("assignee_id"); id != "" {
				it.Facts = append(it.Facts, p.T("web.requests.tl.assigned", "Name", names.operator(id)))
			} else {
				it.Facts = append(it.Facts, p.T("web.requests.tl.unassigned"))
			}
		case requests.EventExtended:
			it.Facts = append(it.Facts, p.T("web.requests.tl.extended", "From", str("from"), "To", str("to")))
		case requests.EventResumed:
			it.Facts = append(it.Facts, p.T("web.requests.tl.resumed", "Days", str("paused_days"), "From", str("from"), "To", str("to")))
		case requests.EventAttachmentKept:
			if keep, _ := e.Data["keep"].(bool); keep {
				it.Facts = append(it.Facts, p.T("web.requests.tl.kept"))
			} else {
				it.Facts = append(it.Facts, p.T("web.requests.tl.released"))
			}
		case requests.EventDelivered:
			if d, err := time.Parse("2006-01-02", str("last_day")); err == nil {
				it.Facts = append(it.Facts, p.T("web.requests.tl.delivered", "Files", str("files"), "Date", p.Day(d)))
			}
		case requests.EventIdentityChecked:
			if m := requests.IdentityMethod(str("method")); m.Valid() {
				it.Facts = append(it.Facts, p.T(m.LabelID()))
			}
		}
		out = append(out, it)
	}
	return out
}

// actorNames names the audit actors of a request's timeline for people:
// operators by name, tokens by name, the person and Garde by role.
type actorNames struct {
	p      *page
	ops    []operator.Operator
	byID   map[string]*operator.Operator
	tokens map[string]string
}

func (h *handler) actorNames(ctx context.Context, p *page, events []requests.Event) (*actorNames, error) {
	ops, err := h.Operators.List(ctx)
	if err != nil {
		return nil, err
	}
	n := &actorNames{p: p, ops: ops, byID: map[string]*operator.Operator{}, tokens: map[string]string{}}
	for i := range ops {
		n.byID[ops[i].ID] = &ops[i]
	}
	// Token names only when a token acted, to spare the query otherwise.
	for _, e := range events {
		if strings.HasPrefix(e.Actor, string(requests.ActorToken)+":") {
			toks, err := h.Operators.ListTokens(ctx)
			if err != nil {
				return nil, err
			}
			for _, t := range toks {
				n.tokens[t.ID] = t.Name
			}
			break
		}
	}
	return n, nil
}

// operator names the operator with that ID.
func (n *actorNames) operator(id string) string {
	if o := n.byID[id]; o != nil {
		return operatorName(o)
	}
	return n.p.T("web.requests.actor.former_operator")
}

// of names an audit actor string (system, operator:<id>, token:<id>,
// subject:<hash>, owner:<hash>).
func (n *actorNames) of(actor string) string {
	kind, id, _ := strings.Cut(actor, ":")
	switch requests.ActorKind(kind) {
	case requests.ActorSystem:
		return n.p.T("web.requests.actor.system")
	case requests.ActorOperator:
		return n.operator(id)
	case requests.ActorToken:
		if name := n.tokens[id]; name != "" {
			return n.p.T("web.requests.actor.token", "Name", name)
		}
		return n.p.T("web.requests.actor.token_unknown")
	case requests.ActorSubject:
		return n.p.T("web.requests.actor.subject")
	case requests.ActorOwner:
		return n.p.T("web.requests.actor.owner")
	}
	return n.p.T("web.requests.actor.other")
}
