package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
)

// step posts one action and checks what it must leave behind: a redirect
// to the request with a flash, a new timeline entry of the kind, and a
// new audit entry with the action.
func (e *reqEnv) step(t *testing.T, c *client, id, action string, form url.Values, flash string,
	kind requests.EventKind, auditAction string) *response {
	t.Helper()
	before := e.events(id)
	audits := countOf(e.auditActions("request:"+id), auditAction)
	r := c.post("/requests/"+id+"/"+action, form)
	r.mustStatus(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/requests/"+id {
		t.Fatalf("%s: redirect to %q", action, loc)
	}
	after := e.events(id)
	if len(after) <= len(before) || !hasKind(after[len(before):], kind) {
		t.Errorf("%s: no %s on the timeline; new entries %v", action, kind, lastKinds(after, len(after)-len(before)))
	}
	if n := countOf(e.auditActions("request:"+id), auditAction); n != audits+1 {
		t.Errorf("%s: %d %s audit entries, want %d", action, n, auditAction, audits+1)
	}
	page := c.get("/requests/" + id)
	page.mustStatus(t, http.StatusOK)
	page.mustSay(t, flash)
	checkNoRawIDs(t, page)
	return page
}

// TestRequestWorkflow walks requests through every action of the page as
// an agent: each one changes the request, lands on the timeline and in
// the audit log, and the person's emails are queued in their language.
func TestRequestWorkflow(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	ctx := context.Background()
	admin := e.as(operator.Admin)
	agent := e.as(operator.Agent)
	agentOp := e.users[operator.Agent]

	// Systems first, so the request gets its tasks on confirmation.
	admin.post("/systems", url.Values{"name": {"Boutique"}, "owner_email": {"shop@example.org"}, "kind": {"manual"}, "active": {"on"}}).
		mustStatus(t, http.StatusSeeOther)
	admin.post("/systems", url.Values{"name": {"CRM"}, "owner_email": {"crm@example.org"}, "kind": {"automatic"}, "active": {"on"}}).
		mustStatus(t, http.StatusSeeOther)

	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	req := e.request(id)

	// The queue shows it with the due date computed under the GDPR.
	law, err := rules.Embedded().Lookup("gdpr")
	if err != nil {
		t.Fatal(err)
	}
	dl, err := law.Due(rules.Access, rules.DateOf(req.ReceivedAt), rules.DueOptions{Region: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	due := dl.Legal.Time().Format("2006-01-02")
	if req.DueDate.Format("2006-01-02") != due {
		t.Fatalf("due date %s, want %s", req.DueDate.Format("2006-01-02"), due)
	}
	list := agent.get("/requests")
	list.mustStatus(t, http.StatusOK)
	list.mustContain(t, `href="/requests/`+id+`"`, req.Reference)
	list.mustSay(t, "Camille Martin", "Confirmed", "Access", due)

	page := agent.get("/requests/" + id)
	page.mustSay(t, "Request "+req.Reference, "Due on "+due, "camille@example.fr", "acct-42", "Français",
		"Boutique", "To do", "CRM", "Waiting for connector", "Garde runs it once one can",
		"Request received", "Email: confirm the address", "Awaiting confirmation → Confirmed", "by the person",
		"Email: acknowledgement with the due date", "Task created", "System: Boutique")
	page.mustContain(t, `action="/requests/`+id+`/reply"`, `action="/requests/`+id+`/start"`, `action="/requests/`+id+`/extend"`,
		`action="/requests/`+id+`/identity"`, `action="/requests/`+id+`/complete"`, `action="/requests/`+id+`/close"`,
		`action="/requests/`+id+`/reject"`)
	// Not offered: what the state machine refuses from "verified".
	page.mustNotContain(t, `action="/requests/`+id+`/verify"`, `action="/requests/`+id+`/identity/confirm"`)
	checkNoRawIDs(t, page)

	page = e.step(t, agent, id, "assign", url.Values{"me": {"1"}}, "The request has been assigned.", requests.EventAssigned, "request.assigned")
	page.mustSay(t, "Held by Test agent.", "Now held by Test agent")
	if e.request(id).AssigneeID != agentOp.ID {
		t.Error("not assigned to the agent")
	}
	agent.get("/requests?assignee=me").mustContain(t, req.Reference)
	agent.get("/requests?assignee=none").mustNotContain(t, req.Reference)

	page = e.step(t, agent, id, "note", url.Values{"body": {"Checked the shop: two orders."}}, "The note has been added.",
		requests.EventNote, "request.note_added")
	page.mustSay(t, "Internal note", "Checked the shop: two orders.")

	outbox := len(e.outboxTo("camille@example.fr"))
	page = e.step(t, agent, id, "reply", url.Values{"body": {"Bonjour, nous avons trouvé deux commandes."}}, "The message is on its way to the person.",
		requests.EventReply, "request.replied")
	page.mustSay(t, "Message to the person", "Visible to the person", "Bonjour, nous avons trouvé deux commandes.")
	mails := e.outboxTo("camille@example.fr")
	if len(mails) != outbox+1 || mails[len(mails)-1].Template != requests.TemplateReply || mails[len(mails)-1].Lang != i18n.FR ||
		!strings.Contains(mails[len(mails)-1].BodyText, "nous avons trouvé deux commandes") {
		t.Errorf("reply mail: %+v", mails[len(mails)-1])
	}

	e.step(t, agent, id, "start", nil, "The request is in progress.", requests.EventStateChanged, "request.state_changed")
	if s := e.request(id).State; s != requests.StateInProgress {
		t.Fatalf("state %s after start", s)
	}

	page = e.step(t, agent, id, "identity", url.Values{"reason": {"The account email differs."}}, "The request waits for an identity check.",
		requests.EventStateChanged, "request.state_changed")
	page.mustContain(t, `action="/requests/`+id+`/identity/confirm"`)
	page.mustNotContain(t, `action="/requests/`+id+`/complete"`, `action="/requests/`+id+`/start"`)
	page = e.step(t, agent, id, "identity/confirm", url.Values{"method": {"document"}, "note": {"Passport seen."}},
		"The identity is recorded; the request is in progress again.", requests.EventIdentityChecked, "request.state_changed")
	page.mustSay(t, "Identity document, recorded by Test agent", "Passport seen.")
	if r := e.request(id); r.State != requests.StateInProgress || r.Identity.Method != requests.IdentityDocument {
		t.Fatalf("after identity confirmation: %s %s", r.State, r.Identity.Method)
	}

	limit := e.request(id).ExtensionLimit.Format("2006-01-02")
	page = e.step(t, agent, id, "extend", url.Values{"reason": {"Nous devons interroger trois systèmes."}},
		"The deadline has been extended and the person informed.", requests.EventExtended, "request.extended")
	page.mustSay(t, "Due on "+limit, "Due date moved from "+due+" to "+limit, "The deadline was already extended")
	if last := e.outboxTo("camille@example.fr"); last[len(last)-1].Template != requests.TemplateExtension {
		t.Errorf("no extension mail; last %s", last[len(last)-1].Template)
	}

	tasks, err := e.svc.Tasks(ctx, id)
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	var manual, waiting requests.Task
	for _, tk := range tasks {
		if tk.Kind == requests.SystemManual {
			manual = tk
		} else {
			waiting = tk
		}
	}
	// A task no connector runs is handled in the system and marked done
	// here, not left waiting for ever.
	if waiting.State != requests.TaskWaitingConnector {
		t.Fatalf("automatic task %s, want waiting for a connector", waiting.State)
	}
	page = agent.get("/requests/" + id)
	page.mustSay(t, "handle it in the system and mark it done here")
	page = e.step(t, agent, id, "tasks/"+waiting.ID+"/done", url.Values{"note": {"Flag set in the CRM."}}, "The task is marked done.",
		requests.EventTaskDone, "request.task_done")
	page.mustSay(t, "Flag set in the CRM.")
	page.mustNotContain(t, `action="/requests/`+id+`/tasks/`+waiting.ID+`/done"`)
	page = e.step(t, agent, id, "tasks/"+manual.ID+"/done", url.Values{"note": {"Deleted in the shop."}}, "The task is marked done.",
		requests.EventTaskDone, "request.task_done")
	page.mustSay(t, "Done by Test agent", "Deleted in the shop.")
	page.mustNotContain(t, `action="/requests/`+id+`/tasks/`+manual.ID+`/done"`)

	page = e.step(t, agent, id, "complete", url.Values{"outcome": {"fulfilled"}, "note": {"Voici votre copie."}}, "The request is completed.",
		requests.EventStateChanged, "request.state_changed")
	page.mustSay(t, "Completed", "Fulfilled", "Voici votre copie.", "In progress → Completed", "Outcome: Fulfilled")
	// A finished request offers no move any more.
	page.mustNotContain(t, `action="/requests/`+id+`/close"`, `action="/requests/`+id+`/reject"`, `action="/requests/`+id+`/assign"`)
	if last := e.outboxTo("camille@example.fr"); last[len(last)-1].Template != requests.TemplateClosure || last[len(last)-1].Lang != i18n.FR {
		t.Errorf("no French closure mail; last %+v", last[len(last)-1])
	}

	// Reject, with the authority named before sending.
	rej := e.verified(submission("jo@example.be", "BE", i18n.NL, requests.TypeErasure))
	rp := agent.get("/requests/" + rej)
	rp.mustSay(t, "The person receives an email giving your reason and telling them they may complain to")
	e.step(t, agent, rej, "reject", url.Values{"reason": {"We must keep invoices for ten years."}}, "The request has been rejected.",
		requests.EventStateChanged, "request.state_changed")
	if r := e.request(rej); r.State != requests.StateRejected || r.RejectionReason != "We must keep invoices for ten years." {
		t.Errorf("rejected: %s %q", r.State, r.RejectionReason)
	}
	if last := e.outboxTo("jo@example.be"); last[len(last)-1].Template != requests.TemplateRejection || last[len(last)-1].Lang != i18n.NL {
		t.Errorf("no Dutch rejection mail; last %+v", last[len(last)-1])
	}

	// Close a duplicate.
	dup := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	e.step(t, agent, dup, "close", url.Values{"outcome": {"duplicate"}}, "The request is closed.",
		requests.EventStateChanged, "request.state_changed")
	if r := e.request(dup); r.State != requests.StateClosed || r.Outcome != requests.OutcomeDuplicate {
		t.Errorf("closed: %s %s", r.State, r.Outcome)
	}

	// Confirm by hand a request whose person called in.
	phone := e.submit(submission("sam@example.ca", "CA-QC", i18n.FR, requests.TypeRectification))
	page = agent.get("/requests/" + phone)
	page.mustContain(t, `action="/requests/`+phone+`/verify"`)
	page.mustNotContain(t, `action="/requests/`+phone+`/reply"`, `action="/requests/`+phone+`/extend"`, `action="/requests/`+phone+`/start"`)
	page = e.step(t, agent, phone, "verify", url.Values{"reason": {"Called back on the number of the account."}},
		"The request is confirmed; its tasks and deadlines are set.", requests.EventStateChanged, "request.state_changed")
	// Quebec allows no extension: the page says so instead of a form.
	page.mustSay(t, "The law that applies to this request allows no extension.")
	page.mustNotContain(t, `action="/requests/`+phone+`/extend"`)

	// Unassign.
	e.step(t, agent, id, "note", url.Values{"body": {"x"}}, "The note has been added.", requests.EventNote, "request.note_added")
	a2 := e.verified(submission("lee@example.fr", "FR", i18n.EN, requests.TypeObjection))
	e.step(t, agent, a2, "assign", url.Values{"operator": {e.users[operator.Admin].ID}}, "The request has been assigned.",
		requests.EventAssigned, "request.assigned")
	if e.request(a2).AssigneeID != e.users[operator.Admin].ID {
		t.Error("not assigned to the admin")
	}
	e.step(t, agent, a2, "assign", url.Values{"operator": {""}}, "Nobody holds the request now.", requests.EventAssigned, "request.assigned")
	if e.request(a2).AssigneeID != "" {
		t.Error("still assigned")
	}

	// Every action above was recorded under the agent who took it.
	entries := e.auditActions("request:" + id)
	for _, a := range []string{"request.assigned", "request.note_added", "request.replied", "request.extended", "request.task_done"} {
		if !contains(entries, a) {
			t.Errorf("no %s in %v", a, entries)
		}
	}
}

// TestViewerSeesWithoutActing: a viewer reads the queue and the request
// but gets no form, and a post from them is refused with nothing changed.
func TestViewerSeesWithoutActing(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	viewer := e.as(operator.Viewer)
	viewer.get("/requests").mustContain(t, `href="/requests/`+id+`"`)
	page := viewer.get("/requests/" + id)
	page.mustStatus(t, http.StatusOK)
	page.mustSay(t, "Timeline", "Deadlines", "camille@example.fr")
	page.mustNotContain(t, `method="post" action="/requests/`, `id="actions"`)
	viewer.get("/systems").mustStatus(t, http.StatusForbidden)
	before := len(e.events(id))
	viewer.post("/requests/"+id+"/note", url.Values{"body": {"sneaky"}}).mustStatus(t, http.StatusForbidden)
	viewer.post("/requests/"+id+"/close", url.Values{"outcome": {"withdrawn"}}).mustStatus(t, http.StatusForbidden)
	if len(e.events(id)) != before || e.request(id).State != requests.StateVerified {
		t.Error("a viewer changed the request")
	}
	// The navigation shows requests to viewers, systems from agents on.
	viewer.get("/").mustContain(t, `href="/requests"`)
	viewer.get("/").mustNotContain(t, `href="/systems"`)
	e.as(operator.Agent).get("/").mustContain(t, `href="/systems"`)
}

// TestQueueFiltersAndOverdue: the queue's filters, counts and paging, and
// overdue requests marked in words and style.
func TestQueueFiltersAndOverdue(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	agent := e.as(operator.Agent)
	ctx := context.Background()

	// Three months ago: a French access request, verified, now overdue.
	e.clock.Set(time.Now().AddDate(0, -3, 0))
	old := e.verified(submission("old@example.fr", "FR", i18n.FR, requests.TypeAccess))
	e.clock.Set(time.Time{})
	fresh := e.verified(submission("new@example.com", "US-CA", i18n.EN, requests.TypeOptOutSale))
	pending := e.submit(submission("pending@example.nl", "NL", i18n.NL, requests.TypeErasure))
	done := e.verified(submission("done@example.fr", "FR", i18n.FR, requests.TypePortability))
	if err := e.svc.Close(ctx, requests.OperatorActor(e.users[operator.Agent]), done, requests.OutcomeWithdrawn, ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Assign(ctx, requests.OperatorActor(e.users[operator.Agent]), fresh, e.users[operator.Agent].ID); err != nil {
		t.Fatal(err)
	}
	ref := func(id string) string { return e.request(id).Reference }

	list := agent.get("/requests")
	list.mustStatus(t, http.StatusOK)
	list.mustContain(t, ref(old), ref(fresh), ref(pending), `<tr class="row-overdue">`, `<span class="badge badge-overdue">Overdue</span>`)
	list.mustNotContain(t, ref(done))
	// The soonest due first: the overdue one heads the queue.
	if strings.Index(list.body, ref(old)) > strings.Index(list.body, ref(fresh)) {
		t.Error("overdue request not first")
	}
	list.mustContain(t, `<span class="figure">3</span> open requests`, `<span class="figure">1</span> overdue request`,
		`<span class="figure">2</span> open requests nobody holds`)
	checkNoRawIDs(t, list)

	cases := []struct {
		query    string
		want     []string
		dontWant []string
	}{
		{"due=overdue", []string{old}, []string{fresh, pending, done}},
		{"state=all", []string{old, fresh, pending, done}, nil},
		{"state=closed", []string{done}, []string{old, fresh, pending}},
		{"state=received", []string{pending}, []string{old, fresh, done}},
		{"type=opt_out_sale", []string{fresh}, []string{old, pending, done}},
		{"law=ccpa", []string{fresh}, []string{old, pending, done}},
		{"law=gdpr&state=all", []string{old, pending, done}, []string{fresh}},
		{"assignee=me", []string{fresh}, []string{old, pending, done}},
		{"assignee=" + e.users[operator.Agent].ID, []string{fresh}, []string{old, pending}},
		{"assignee=none", []string{old, pending}, []string{fresh, done}},
		{"q=" + url.QueryEscape(strings.ToLower(ref(pending))), []string{pending}, []string{old, fresh}},
		{"q=old@example.fr", []string{old}, []string{fresh, pending}},
	}
	for _, c := range cases {
		r := agent.get("/requests?" + c.query)
		r.mustStatus(t, http.StatusOK)
		for _, id := range c.want {
			if !strings.Contains(r.body, `href="/requests/`+id+`"`) {
				t.Errorf("?%s: %s missing", c.query, ref(id))
			}
		}
		for _, id := range c.dontWant {
			if strings.Contains(r.body, `href="/requests/`+id+`"`) {
				t.Errorf("?%s: %s listed", c.query, ref(id))
			}
		}
	}
	// The form shows the filters back.
	agent.get("/requests?type=erasure&due=soon").mustContain(t, `<option value="erasure" selected>`, `<option value="soon" selected>`,
		"Clear the filters")
	// The overdue request's own page says so, in words.
	op := agent.get("/requests/" + old)
	op.mustContain(t, `<span class="badge badge-overdue">Overdue</span>`)
	agent.setLang(i18n.FR)
	agent.get("/requests/"+old).mustSay(t, "En retard")

	// The dashboard counts follow.
	agent.setLang(i18n.EN)
	agent.get("/").mustContain(t, `href="/requests?due=overdue"`, `<p class="figure">3</p>`)
}

// TestQueuePaging: 50 a page, the next page continues where the first
// stopped, filters kept.
func TestQueuePaging(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	var ids []string
	for i := range requestPageSize + 3 {
		ids = append(ids, e.submit(submission(fmt.Sprintf("p%02d@example.fr", i), "FR", i18n.FR, requests.TypeAccess)))
	}
	c := e.as(operator.Viewer)
	first := c.get("/requests?type=access")
	first.mustStatus(t, http.StatusOK)
	next := regexp.MustCompile(`href="(/requests\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatal("no next page link")
	}
	href := strings.ReplaceAll(next[1], "&amp;", "&")
	if !strings.Contains(href, "type=access") {
		t.Errorf("next link %s loses the filter", href)
	}
	second := c.get(href)
	second.mustStatus(t, http.StatusOK)
	second.mustContain(t, "First page")
	second.mustNotContain(t, `rel="next"`)
	seen := map[string]int{}
	for _, id := range ids {
		for _, r := range []*response{first, second} {
			if strings.Contains(r.body, `href="/requests/`+id+`"`) {
				seen[id]++
			}
		}
	}
	if len(seen) != len(ids) || slices.ContainsFunc(ids, func(id string) bool { return seen[id] != 1 }) {
		t.Errorf("%d of %d requests shown exactly once across the pages", len(seen), len(ids))
	}
}

// TestSystemsPages: admins add, change, switch off and delete systems,
// each audited; new requests get tasks only from active systems; agents
// read the list without the forms.
func TestSystemsPages(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	admin := e.as(operator.Admin)
	agent := e.as(operator.Agent)
	ctx := context.Background()

	page := admin.get("/systems")
	page.mustSay(t, "each active system gets a task", "No system yet.", "Add a system")
	page.mustContain(t, `<input type="radio" id="system-kind-manual" name="kind" value="manual" checked`, `id="system-active" name="active" value="on" checked`)

	r := admin.post("/systems", url.Values{"name": {""}, "owner_email": {"not an email"}, "kind": {"manual"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#system-name">`)
	r = admin.post("/systems", url.Values{"name": {"Boutique"}, "owner_email": {"not an email"}, "kind": {"manual"}, "description": {"Orders since 2019."}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#system-owner">Enter the owner`, `value="Boutique"`, ">Orders since 2019.</textarea>")
	r = admin.post("/systems", url.Values{"name": {"Boutique"}, "owner_email": {"shop@example.org"}, "kind": {"robot"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#system-kind">Choose manual or automatic.</a>`)

	admin.post("/systems", url.Values{"name": {"Boutique"}, "owner_email": {"shop@example.org"}, "kind": {"manual"},
		"description": {"Orders since 2019."}, "active": {"on"}}).mustStatus(t, http.StatusSeeOther)
	page = admin.get("/systems")
	page.mustSay(t, "The system has been added.", "Boutique", "shop@example.org", "By hand", "Orders since 2019.", "Active")
	systems, err := e.svc.Systems(ctx)
	if err != nil || len(systems) != 1 {
		t.Fatalf("systems %v %v", systems, err)
	}
	sys := systems[0]
	if !contains(e.auditActions("system:"+sys.ID), "system.created") {
		t.Error("creation not audited")
	}
	// A duplicate name is refused at its field.
	r = admin.post("/systems", url.Values{"name": {"Boutique"}, "owner_email": {"x@example.org"}, "kind": {"manual"}, "active": {"on"}})
	if r.StatusCode == http.StatusSeeOther {
		t.Error("a second system with the same name was added")
	}

	edit := admin.get("/systems/" + sys.ID)
	edit.mustContain(t, `value="Boutique"`, `value="shop@example.org"`, ">Orders since 2019.</textarea>", `value="manual" checked`,
		`action="/systems/`+sys.ID+`/delete"`)
	checkNoRawIDs(t, edit)
	// Switch it off: unticked "active" is not sent at all.
	admin.post("/systems/"+sys.ID, url.Values{"name": {"Boutique FR"}, "owner_email": {"shop@example.org"}, "kind": {"manual"}}).
		mustStatus(t, http.StatusSeeOther)
	admin.get("/systems").mustSay(t, "The system has been saved.", "Boutique FR", "Inactive")
	if s, _ := e.svc.GetSystem(ctx, sys.ID); s.Active || s.Name != "Boutique FR" {
		t.Errorf("after update: %+v", s)
	}
	if !contains(e.auditActions("system:"+sys.ID), "system.updated") {
		t.Error("update not audited")
	}
	r = admin.post("/systems/"+sys.ID, url.Values{"name": {strings.Repeat("n", requests.MaxSystemNameLen+1)}, "owner_email": {"shop@example.org"}, "kind": {"manual"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#system-name">`)

	// An inactive system gets no task.
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	if tasks, _ := e.svc.Tasks(ctx, id); len(tasks) != 0 {
		t.Errorf("tasks for an inactive system: %v", tasks)
	}
	agent.get("/requests/"+id).mustSay(t, "No system was configured when this request was confirmed.")

	// Agents see the list, not the forms; they cannot post.
	al := agent.get("/systems")
	al.mustStatus(t, http.StatusOK)
	al.mustSay(t, "Boutique FR", "Only administrators can add or change systems.")
	al.mustNotContain(t, `action="/systems"`, `href="/systems/`+sys.ID+`"`)
	agent.get("/systems/"+sys.ID).mustStatus(t, http.StatusForbidden)

	admin.post("/systems/"+sys.ID+"/delete", nil).mustStatus(t, http.StatusSeeOther)
	admin.get("/systems").mustSay(t, "The system has been deleted.", "No system yet.")
	if !contains(e.auditActions("system:"+sys.ID), "system.deleted") {
		t.Error("deletion not audited")
	}
	admin.post("/systems/"+sys.ID+"/delete", nil).mustStatus(t, http.StatusNotFound)
}
