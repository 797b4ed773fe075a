package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestTaskRectifyFormCorrectsThePersonsRows walks a rectification request
// through the pages: the task waits for the agent's corrections, the form
// offers the dataset's fields in three languages and refuses a value of
// the wrong type next to its row, then the job corrects Alice's rows in the
// shop database and nobody else's.
func TestTaskRectifyFormCorrectsThePersonsRows(t *testing.T) {
	e := newConnectorEnv(t)
	e.seed()
	ctx := context.Background()
	sys, err := e.svc.CreateSystem(ctx, requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Boutique", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	shop := shoptest.Create(t, db.SQLite)
	raw := shoptest.Open(t, shop)
	a := e.as(operator.Admin)
	a.post("/systems/"+sys.ID+"/connector", url.Values{"kind": {"database"}, "dataset": {shoptest.Dataset}, "url": {shop}}).
		mustStatus(t, http.StatusSeeOther)

	id := e.verified(submission(shoptest.Alice, "FR", i18n.FR, requests.TypeRectification))
	ts, err := e.svc.Tasks(ctx, id)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tasks %v %v", ts, err)
	}
	task := ts[0]
	form := "/requests/" + id + "/tasks/" + task.ID + "/rectify"
	ag := e.as(operator.Agent)
	r := ag.get("/requests/" + id)
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, `href="`+form+`"`, "once an agent has entered them")
	e.as(operator.Viewer).get(form).mustStatus(t, http.StatusForbidden)
	e.as(operator.Viewer).post(form, url.Values{"field_1": {"customers.last_name"}, "value_1": {"X"}}).mustStatus(t, http.StatusForbidden)

	titles := map[i18n.Lang]string{i18n.EN: "Corrections for Boutique", i18n.FR: "Corrections pour Boutique", i18n.NL: "Correcties voor Boutique"}
	for _, lang := range i18n.Langs {
		ag.setLang(lang)
		r = ag.get(form)
		r.mustStatus(t, http.StatusOK)
		e.checkPage(t, r, lang)
		r.mustContain(t, titles[lang], `<option value="customers.last_name">`, `<option value="addresses.city">`, `name="value_5"`)
		r.mustNotContain(t, `<option value="customers.id">`)
	}
	ag.setLang(i18n.NL)
	r = ag.post(form, url.Values{"field_1": {"addresses.city"}, "value_1": {"Gent"}, "field_2": {"order_lines.quantity"}, "value_2": {"twee"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	e.checkPage(t, r, i18n.NL)
	r.mustContain(t, "De nieuwe waarde van order_lines.quantity moet een geheel getal zijn.", `id="rectify-field-2-error"`,
		`<option value="order_lines.quantity" selected>`, `value="twee"`)

	ag.setLang(i18n.EN)
	r = ag.post(form, url.Values{"field_1": {"customers.last_name"}, "value_1": {"Durand"}, "field_3": {"addresses.city"}, "value_3": {"Lille"}})
	r.mustStatus(t, http.StatusSeeOther)
	for deadline := time.Now().Add(30 * time.Second); ; {
		ts, err = e.svc.Tasks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ts[0].State == requests.TaskDone || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ts[0].State != requests.TaskDone {
		t.Fatalf("task %s after 30 s: %s", ts[0].State, ts[0].Note)
	}
	want := shoptest.IDs(t, raw, false, `SELECT a.id FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ? ORDER BY a.id`, shoptest.Alice)
	if got := shoptest.IDs(t, raw, false, `SELECT id FROM addresses WHERE city = 'Lille' ORDER BY id`); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("addresses in Lille %v, want Alice's %v", got, want)
	}
	if got := shoptest.IDs(t, raw, false, `SELECT id FROM customers WHERE last_name = 'Durand' ORDER BY id`); !slices.Equal(got, []int64{2}) {
		t.Errorf("customers named Durand %v", got)
	}
	r = ag.get("/requests/" + id)
	r.mustContain(t, "Corrections applied.", "shop.addresses: ")
	r.mustNotContain(t, `href="`+form+`"`)
	// A done task takes no more corrections.
	r = ag.get(form)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Corrections can only be entered")
}

// TestTaskRectifyAccessibility runs axe in Chromium on the corrections
// form, empty and answering a refused entry, in Dutch.
func TestTaskRectifyAccessibility(t *testing.T) {
	e := newConnectorEnv(t)
	e.seed()
	ctx := context.Background()
	sys, err := e.svc.CreateSystem(ctx, requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Boutique", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	e.as(operator.Admin).post("/systems/"+sys.ID+"/connector", url.Values{"dataset": {shoptest.Dataset}, "url": {shoptest.Create(t, db.SQLite)}}).
		mustStatus(t, http.StatusSeeOther)
	id := e.verified(submission(shoptest.Alice, "FR", i18n.FR, requests.TypeRectification))
	ts, err := e.svc.Tasks(ctx, id)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tasks %v %v", ts, err)
	}
	nl := e.cat.For(i18n.NL)
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.NL)
	b.visit("/login")
	b.fill("login-email", string(operator.Agent)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)
	form := "/requests/" + id + "/tasks/" + ts[0].ID + "/rectify"
	b.visit(form)
	title := nl.T("fulfil.rectify.page_title", map[string]any{"System": "Boutique"})
	b.expect(title)
	b.check("corrections form")
	b.fill("rectify-value-1", "Gent")
	b.click(`form[action="` + form + `"] button[type="submit"]`)
	b.expect(title)
	b.hasText(nl.T("fulfil.error.change_no_field"))
	b.check("corrections form with errors")
	shot(t, b.ctx, "rectify-errors")
	b.cspClean()
}
