package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

var connectorSecretRE = regexp.MustCompile(regexp.QuoteMeta(httpconn.SecretPrefix) + `[A-Za-z0-9_-]{20,}`)

// TestSystemConnectorHTTPShowsTheSecretOnceAndAnswersThroughTheEndpoint
// saves an HTTP connector through the page: the secret Garde makes is shown
// once, the business's endpoint verifies the calls with it, and a verified
// access request ends with the task done and the package on the request.
func TestSystemConnectorHTTPShowsTheSecretOnceAndAnswersThroughTheEndpoint(t *testing.T) {
	e := newConnectorEnv(t)
	e.seed()
	ctx := context.Background()
	sys, err := e.svc.CreateSystem(ctx, requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Loyalty", OwnerEmail: "it@example.org", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var secret []byte
	var calls []httpconn.Call
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := httpconn.Verify(secret, r.Header, body, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var c httpconn.Call
		_ = json.Unmarshal(body, &c)
		calls = append(calls, c)
		io.WriteString(w, `{"status":"done","records":{"members":[{"id":7,"email":"`+c.Identities["email"]+`","points":120}]}}`)
	}))
	t.Cleanup(srv.Close)

	page := "/systems/" + sys.ID + "/connector"
	a := e.as(operator.Admin)
	for _, lang := range i18n.Langs {
		a.setLang(lang)
		r := a.get(page)
		r.mustStatus(t, http.StatusOK)
		e.checkPage(t, r, lang)
		r.mustContain(t, `name="kind" value="http"`, `id="connector-endpoint"`)
	}
	a.setLang(i18n.FR)
	r := a.post(page, url.Values{"kind": {"http"}, "endpoint": {"http://loyalty.example.com/garde"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, "doit utiliser https://", `value="http://loyalty.example.com/garde"`, `id="connector-kind-http" name="kind" value="http" aria-describedby="connector-kind-http-hint" checked`)
	r = a.post(page, url.Values{"kind": {"http"}, "endpoint": {srv.URL}, "secret": {"short"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "entre 24 et 256 caractères")
	r.mustNotContain(t, `value="short"`)

	a.setLang(i18n.EN)
	r = a.post(page, url.Values{"kind": {"http"}, "endpoint": {srv.URL}})
	r.mustStatus(t, http.StatusOK)
	e.checkPage(t, r, i18n.EN)
	shown := connectorSecretRE.FindString(r.body)
	if shown == "" {
		t.Fatalf("no secret on the page\n%s", excerpt(r.body))
	}
	r.mustContain(t, "Copy it now", "Connected: HTTP endpoint "+srv.URL)
	mu.Lock()
	secret = []byte(shown)
	mu.Unlock()
	r = a.get(page)
	r.mustNotContain(t, shown)
	r.mustContain(t, "Connected: HTTP endpoint", "A secret is saved and never shown again", `name="new_secret"`)
	var stored string
	if err := e.db.QueryRow(ctx, "SELECT secret_sealed FROM fulfil_connectors WHERE system_id = ?", sys.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, strings.TrimPrefix(shown, httpconn.SecretPrefix)) {
		t.Fatal("the secret is stored in clear")
	}

	id := e.verified(submission("alice@example.com", "FR", i18n.FR, requests.TypeAccess))
	var task requests.Task
	for deadline := time.Now().Add(30 * time.Second); ; {
		ts, err := e.svc.Tasks(ctx, id)
		if err != nil || len(ts) != 1 {
			t.Fatalf("tasks %v %v", ts, err)
		}
		task = ts[0]
		if task.State == requests.TaskDone || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if task.State != requests.TaskDone {
		t.Fatalf("task %s after 30 s: %s", task.State, task.Note)
	}
	mu.Lock()
	if len(calls) != 1 || calls[0].Action != httpconn.Access || calls[0].Identities["email"] != "alice@example.com" {
		t.Errorf("calls %+v", calls)
	}
	mu.Unlock()
	ag := e.as(operator.Agent)
	r = ag.get("/requests/" + id)
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "loyalty.members: 1", ".zip")
}
