package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// mustSay checks the words a page shows, entities decoded and tags
// removed, so a test reads like the page.
func (r *response) mustSay(t *testing.T, texts ...string) {
	t.Helper()
	shown := strings.Join(strings.Fields(html.UnescapeString(visibleText(r.body))), " ")
	for _, s := range texts {
		if !strings.Contains(shown, s) {
			t.Errorf("%s %s: page does not say %q\n%s", r.Request.Method, r.Request.URL.Path, s, excerpt(shown))
		}
	}
}

func (r *response) mustNotSay(t *testing.T, texts ...string) {
	t.Helper()
	shown := strings.Join(strings.Fields(html.UnescapeString(visibleText(r.body))), " ")
	for _, s := range texts {
		if strings.Contains(shown, s) {
			t.Errorf("%s %s: page says %q", r.Request.Method, r.Request.URL.Path, s)
		}
	}
}

// requestFixtures are a received and a verified request, and a system.
type requestFixtures struct {
	received, verified, system string
}

func (e *reqEnv) fixtures() requestFixtures {
	e.t.Helper()
	sys, err := e.svc.CreateSystem(context.Background(), requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Boutique", OwnerEmail: "shop@example.org", Kind: requests.SystemManual, Active: true,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return requestFixtures{
		received: e.submit(submission("received@example.org", "FR", i18n.FR, requests.TypeAccess)),
		verified: e.verified(submission("verified@example.org", "FR", i18n.FR, requests.TypeErasure)),
		system:   sys.ID,
	}
}

// TestRequestRoutesByRole sends every request and system route as every
// role and anonymously. The allowed requests are ones that change
// nothing (an invalid form, a refused move), so each role meets the same
// request and gets the same answer.
func TestRequestRoutesByRole(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	fx := e.fixtures()
	rq, rv := "/requests/"+fx.received, "/requests/"+fx.verified
	routes := []route{
		{"GET", "/requests", nil, operator.Viewer, 200},
		{"GET", "/requests?state=all&due=overdue&assignee=me", nil, operator.Viewer, 200},
		{"GET", rv, nil, operator.Viewer, 200},
		{"GET", rq, nil, operator.Viewer, 200},
		{"POST", rv + "/assign", url.Values{"operator": {"not-an-operator"}}, operator.Agent, 422},
		{"POST", rv + "/note", url.Values{"body": {" "}}, operator.Agent, 422},
		{"POST", rv + "/reply", url.Values{"body": {""}}, operator.Agent, 422},
		{"POST", rq + "/verify", url.Values{"reason": {""}}, operator.Agent, 422},
		{"POST", rq + "/start", nil, operator.Agent, 409},
		{"POST", rv + "/identity", url.Values{"reason": {""}}, operator.Agent, 422},
		{"POST", rv + "/identity/confirm", url.Values{"method": {"document"}}, operator.Agent, 409},
		{"POST", rv + "/extend", url.Values{"reason": {""}}, operator.Agent, 422},
		{"POST", rv + "/reject", url.Values{"reason": {""}}, operator.Agent, 422},
		{"POST", rv + "/complete", url.Values{"outcome": {"bogus"}}, operator.Agent, 422},
		{"POST", rv + "/close", url.Values{"outcome": {""}}, operator.Agent, 422},
		{"POST", rv + "/tasks/nope/done", nil, operator.Agent, 404},
		{"POST", rv + "/pause", url.Values{"question": {"Which account?"}}, operator.Agent, 422},
		{"POST", rv + "/resume", nil, operator.Agent, 422},
		{"POST", rv + "/attachments", url.Values{}, operator.Agent, 422},
		{"GET", rv + "/attachments/nope", nil, operator.Agent, 404},
		{"POST", rv + "/attachments/nope/keep", url.Values{"keep": {"1"}}, operator.Admin, 404},
		{"GET", "/systems", nil, operator.Agent, 200},
		{"POST", "/systems", url.Values{}, operator.Admin, 422},
		{"GET", "/systems/" + fx.system, nil, operator.Admin, 200},
		{"POST", "/systems/" + fx.system, url.Values{"name": {""}}, operator.Admin, 422},
		{"POST", "/systems/nope/delete", nil, operator.Admin, 404},
	}
	var scenarios []scenario
	for _, rt := range routes {
		anon := scenario{name: "anonymous " + rt.method + " " + rt.path, method: rt.method, path: rt.path, form: rt.form}
		if rt.method == "GET" {
			anon.status, anon.location = 303, "/login?next="+url.QueryEscape(rt.path)
		} else {
			anon.status, anon.contains = 401, []string{"Sign-in required"}
		}
		scenarios = append(scenarios, anon)
		for _, role := range operator.Roles {
			sc := scenario{name: string(role) + " " + rt.method + " " + rt.path, as: role, method: rt.method, path: rt.path, form: rt.form}
			if role.AtLeast(rt.min) {
				sc.status = rt.allowed
				sc.notContains = []string{"Access denied"}
			} else {
				sc.status = 403
				sc.contains = []string{"Access denied", "Your role does not give access to this page."}
			}
			scenarios = append(scenarios, sc)
		}
	}
	e.run(t, scenarios)

	// Nothing above changed the requests or the system.
	if r := e.request(fx.received); r.State != requests.StateReceived || r.AssigneeID != "" {
		t.Errorf("received request changed: %s", r.State)
	}
	if r := e.request(fx.verified); r.State != requests.StateVerified || r.AssigneeID != "" || r.Extended() {
		t.Errorf("verified request changed: %s", r.State)
	}
	if s, err := e.svc.GetSystem(context.Background(), fx.system); err != nil || s.Name != "Boutique" {
		t.Errorf("system changed: %+v %v", s, err)
	}
}

// TestRequestRefusals: what the state machine or the law refuses is shown
// on the request's page, localized, with the state names in words, and
// never as a server error.
func TestRequestRefusals(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	fx := e.fixtures()
	agent := e.as(operator.Agent)
	rq, rv := "/requests/"+fx.received, "/requests/"+fx.verified

	r := agent.post(rq+"/start", nil)
	r.mustStatus(t, http.StatusConflict)
	r.mustSay(t, "There is a problem", "A request in state “Awaiting confirmation” cannot move to “In progress”.")
	r.mustContain(t, `href="#actions-title"`, `id="actions-title"`)
	checkNoRawIDs(t, r)

	agent.setLang(i18n.FR)
	r = agent.post(rq+"/start", nil)
	r.mustStatus(t, http.StatusConflict)
	r.mustSay(t, "Une demande à l'état « En attente de confirmation » ne peut pas passer à l'état « En cours ».")
	// The extension form is not offered before confirmation: the error
	// points at the actions.
	r = agent.post(rq+"/extend", url.Values{"reason": {"Beaucoup de systèmes à interroger."}})
	r.mustStatus(t, http.StatusConflict)
	r.mustSay(t, "Cette action n'est pas possible sur cette demande (elle est terminée, ou pas encore confirmée).")
	r.mustContain(t, `href="#actions-title"`)
	r.mustNotContain(t, `action="`+rq+`/extend"`)
	// What was typed is kept for another try.
	r = agent.post(rq+"/reject", url.Values{"reason": {strings.Repeat("é", requests.MaxReasonLen+1)}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#reject-reason">`, ">"+strings.Repeat("é", requests.MaxReasonLen+1)+"</textarea>")

	agent.setLang(i18n.NL)
	r = agent.post(rv+"/identity/confirm", url.Values{"method": {"document"}})
	r.mustStatus(t, http.StatusConflict)
	r.mustSay(t, "Een verzoek met status ‘Bevestigd’ kan niet naar status ‘In behandeling’.")

	agent.setLang(i18n.EN)
	r = agent.post(rv+"/reject", url.Values{"reason": {"  "}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#reject-reason">Give the reason.</a>`, `id="reject-reason-error"`, `aria-invalid="true"`)
	r = agent.post(rv+"/complete", url.Values{"outcome": {"withdrawn"}, "note": {"Done."}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#complete-outcome">Choose how the request ended.</a>`, ">Done.</textarea>")
	r = agent.post(rv+"/assign", url.Values{"operator": {e.users[operator.Viewer].ID}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `<a href="#assign-operator">`)
	r.mustSay(t, "Requests cannot be assigned to this person")
	r = agent.post(rv+"/note", url.Values{"body": {strings.Repeat("x", requests.MaxBodyLen+1)}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustSay(t, "The message can be at most 10000 characters long.")

	// Extending twice: the second is refused (and no longer offered).
	agent.post(rv+"/extend", url.Values{"reason": {"Many systems to search."}}).mustStatus(t, http.StatusSeeOther)
	page := agent.get(rv)
	page.mustNotContain(t, `action="`+rv+`/extend"`)
	page.mustSay(t, "The deadline was already extended; the law allows it only once.")
	r = agent.post(rv+"/extend", url.Values{"reason": {"Again."}})
	r.mustStatus(t, http.StatusConflict)
	r.mustSay(t, "The deadline of this request was already extended.")

	// Unknown requests, tasks and systems are "not found", not errors.
	agent.get("/requests/nope").mustStatus(t, http.StatusNotFound)
	agent.get("/requests/018f0000-0000-7000-8000-000000000000").mustStatus(t, http.StatusNotFound)
	agent.post("/requests/nope/note", url.Values{"body": {"x"}}).mustStatus(t, http.StatusNotFound)
	agent.post("/requests/018f0000-0000-7000-8000-000000000000/start", nil).mustStatus(t, http.StatusNotFound)
	admin := e.as(operator.Admin)
	admin.get("/systems/nope").mustStatus(t, http.StatusNotFound)
	admin.post("/systems/018f0000-0000-7000-8000-000000000000", url.Values{"name": {"X"}, "owner_email": {"x@example.org"}, "kind": {"manual"}}).
		mustStatus(t, http.StatusNotFound)

	// Bad filters in the queue's address are a clear 400.
	for _, q := range []string{"state=lost", "type=everything", "due=yesterday", "law=mars", "assignee=somebody", "cursor=!!", "cursor=Zm9v"} {
		r := agent.get("/requests?" + q)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("?%s: status %d", q, r.StatusCode)
		}
	}
	agent.get("/requests?state=lost").mustSay(t, "One of the filters is not valid.")
	agent.get("/requests?cursor=Zm9v").mustSay(t, "The page position in the address is not valid.")
}
