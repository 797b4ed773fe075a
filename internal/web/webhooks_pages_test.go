package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// newWebhooksEnv is newEnv with the webhook service behind the pages. Its
// queue only inserts: deliveries stay as the pages and the test leave them.
func newWebhooksEnv(t *testing.T) (*env, *webhooks.Service) {
	t.Helper()
	e := newEnv(t)
	log := slog.New(e.logs)
	key := make([]byte, secrets.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(e.db, log)
	svc := webhooks.NewService(webhooks.Deps{DB: e.db, Queue: q, Box: box, Audit: e.audit, Log: log})
	if err := q.Build(jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: e.cat, DB: e.db, Operators: e.ops, Audit: e.audit, Outbox: e.outbox, Log: log, Webhooks: svc})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Close()
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	e.seed()
	return e, svc
}

// seedDeliveries gives an endpoint one delivery in every status.
func seedDeliveries(t *testing.T, e *env, svc *webhooks.Service, endpointID string) []webhooks.Delivery {
	t.Helper()
	ctx := context.Background()
	for range webhooks.Statuses {
		err := e.db.InTx(ctx, func(tx *db.Tx) error {
			return svc.Emit(ctx, tx, webhooks.EventRequestStateChanged, webhooks.RequestChange{
				ID: "0190a0b1-0000-7000-8000-000000000001", Reference: "GR-7K3F-Q9", Type: "access", From: "verified", To: "completed",
				DueDate: "2025-03-31", Law: "eu-gdpr"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ds, err := svc.Deliveries(ctx, endpointID, 10)
	if err != nil || len(ds) != len(webhooks.Statuses) {
		t.Fatalf("deliveries: %d, %v", len(ds), err)
	}
	now := time.Now().UTC()
	for i, st := range webhooks.Statuses {
		var next, delivered any
		code, lastErr := 0, ""
		switch st {
		case webhooks.StatusRetrying:
			next, code, lastErr = now.Add(time.Hour), 503, "the receiver answered 503 Service Unavailable"
		case webhooks.StatusDelivered:
			delivered, code = now, 204
		case webhooks.StatusFailed:
			code, lastErr = 0, "no answer within 10s"
		}
		if _, err := e.db.Exec(ctx, "UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ?",
			st, i, code, lastErr, next, delivered, ds[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	return ds
}

func TestWebhookPagesEveryLanguage(t *testing.T) {
	t.Parallel()
	e, svc := newWebhooksEnv(t)
	ep, _, err := svc.Create(context.Background(), "cli", webhooks.EndpointInput{URL: "https://crm.example.com/in", Description: "CRM",
		Events: []string{webhooks.EventRequestStateChanged}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	seedDeliveries(t, e, svc, ep.ID)
	clients := map[string]*client{"anon": e.client(), "owner": e.as(operator.Owner), "admin": e.as(operator.Admin),
		"agent": e.as(operator.Agent), "viewer": e.as(operator.Viewer)}
	pages := []pageCase{
		{"list", 200, getAs("admin", "/webhooks")},
		{"list as owner", 200, getAs("owner", "/webhooks")},
		{"created", 200, postAs("admin", "/webhooks", url.Values{"url": {"https://erp.example.com/hook"}, "events": {webhooks.EventRequestCreated}})},
		{"create errors", 422, postAs("admin", "/webhooks", url.Values{"url": {"http://erp.example.com/hook"}})},
		{"create without events", 422, postAs("admin", "/webhooks", url.Values{"url": {"https://erp.example.com/hook"}})},
		{"endpoint", 200, getAs("admin", "/webhooks/"+ep.ID)},
		{"endpoint errors", 422, postAs("admin", "/webhooks/"+ep.ID, url.Values{"url": {"https://erp.example.com"}, "description": {strings.Repeat("x", 300)},
			"events": {webhooks.EventRequestCreated}})},
		{"rotated", 200, postAs("admin", "/webhooks/"+ep.ID+"/rotate", url.Values{})},
		{"unknown endpoint", 404, getAs("admin", "/webhooks/0190a0b1-0000-7000-8000-00000000dead")},
		{"malformed id", 404, getAs("admin", "/webhooks/nope")},
		{"agent refused", 403, getAs("agent", "/webhooks")},
		{"viewer refused", 403, getAs("viewer", "/webhooks/"+ep.ID)},
		{"agent may not create", 403, postAs("agent", "/webhooks", url.Values{"url": {"https://erp.example.com/hook"}, "events": {webhooks.EventRequestCreated}})},
		{"sign-in required", 401, postAs("anon", "/webhooks/"+ep.ID+"/rotate", url.Values{})},
	}
	english := map[string]string{}
	for _, lang := range i18n.Langs {
		for _, c := range clients {
			c.setLang(lang)
		}
		for _, pc := range pages {
			t.Run(string(lang)+"/"+pc.name, func(t *testing.T) {
				r := pc.get(e, clients)
				r.mustStatus(t, pc.status)
				e.checkPage(t, r, lang)
				m := titleRE.FindStringSubmatch(r.body)
				if m == nil {
					t.Fatal("no title")
				}
				if lang == i18n.EN {
					english[pc.name] = m[1]
				} else if m[1] == english[pc.name] {
					t.Errorf("title %q is the same as in English", m[1])
				}
			})
		}
	}
	// Signing in is asked for, not refused, on a page.
	r := clients["anon"].get("/webhooks")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous GET: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

var webhookSecretRE = regexp.MustCompile(`whsec_[A-Za-z0-9_-]{43}`)

func TestWebhookPagesFlow(t *testing.T) {
	t.Parallel()
	e, svc := newWebhooksEnv(t)
	ctx := context.Background()
	admin, agent := e.as(operator.Admin), e.as(operator.Agent)

	// The navigation shows the section to admins only.
	admin.get("/").mustContain(t, `href="/webhooks"`)
	agent.get("/").mustNotContain(t, `href="/webhooks"`)

	// Create: the secret is shown once, and stored only sealed.
	r := admin.post("/webhooks", url.Values{"url": {"https://crm.example.com/in"}, "description": {"Our CRM"},
		"events": {webhooks.EventRequestStateChanged, webhooks.EventRequestCreated}})
	r.mustStatus(t, http.StatusOK)
	secret := webhookSecretRE.FindString(r.body)
	if secret == "" {
		t.Fatalf("no secret on the page\n%s", excerpt(r.body))
	}
	list, err := svc.List(ctx)
	if err != nil || len(list) != 1 || list[0].Description != "Our CRM" || len(list[0].Events) != 2 || !list[0].Active {
		t.Fatalf("list: %+v, %v", list, err)
	}
	ep := list[0]
	var stored string
	if err := e.db.QueryRow(ctx, "SELECT secret FROM webhook_endpoints WHERE id = ?", ep.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, strings.TrimPrefix(secret, "whsec_")) {
		t.Fatal("the secret is stored in clear")
	}
	for _, path := range []string{"/webhooks", "/webhooks/" + ep.ID} {
		admin.get(path).mustNotContain(t, secret)
	}

	// Rotation shows a new secret, once.
	r = admin.post("/webhooks/"+ep.ID+"/rotate", nil)
	r.mustStatus(t, http.StatusOK)
	rotated := webhookSecretRE.FindString(r.body)
	if rotated == "" || rotated == secret {
		t.Fatalf("rotated secret %q", rotated)
	}
	admin.get("/webhooks/"+ep.ID).mustNotContain(t, rotated)

	// Update and switch off.
	r = admin.post("/webhooks/"+ep.ID, url.Values{"url": {"https://crm.example.com/v2"}, "description": {"CRM v2"}, "events": {webhooks.EventRequestCreated}})
	r.mustStatus(t, http.StatusSeeOther)
	admin.get(r.Header.Get("Location")).mustContain(t, "crm.example.com/v2", `class="flash flash-ok"`)
	got, _ := svc.Get(ctx, ep.ID)
	if got.Active || got.URL != "https://crm.example.com/v2" || len(got.Events) != 1 {
		t.Fatalf("after update: %+v", got)
	}
	// A form with errors keeps what was typed and says what is wrong.
	r = admin.post("/webhooks/"+ep.ID, url.Values{"url": {"https://user:pw@crm.example.com/v3"}, "events": {webhooks.EventRequestCreated}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `href="#webhook-url"`, "crm.example.com/v3")

	// Send again: refused while switched off, then a new delivery.
	r = admin.post("/webhooks/"+ep.ID, url.Values{"url": {"https://crm.example.com/v2"}, "events": {webhooks.EventRequestStateChanged}, "active": {"on"}})
	r.mustStatus(t, http.StatusSeeOther)
	ds := seedDeliveries(t, e, svc, ep.ID)
	r = admin.get("/webhooks/" + ep.ID)
	r.mustContain(t, "503 Service Unavailable", "/deliveries/"+ds[0].ID+"/redeliver")
	before := len(ds)
	admin.post("/webhooks/"+ep.ID+"/deliveries/"+ds[2].ID+"/redeliver", nil).mustStatus(t, http.StatusSeeOther)
	after, _ := svc.Deliveries(ctx, ep.ID, 50)
	if len(after) != before+1 || after[0].EventID != ds[2].EventID || after[0].Status != webhooks.StatusPending {
		t.Fatalf("after redelivery: %d deliveries, newest %+v", len(after), after[0])
	}
	// A delivery named under another endpoint is not found there.
	other, _, err := svc.Create(ctx, "cli", webhooks.EndpointInput{URL: "https://b.example.com", Events: []string{webhooks.EventRequestCreated}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	admin.post("/webhooks/"+other.ID+"/deliveries/"+ds[0].ID+"/redeliver", nil).mustStatus(t, http.StatusNotFound)
	agent.post("/webhooks/"+ep.ID+"/deliveries/"+ds[0].ID+"/redeliver", nil).mustStatus(t, http.StatusForbidden)

	// Delete.
	admin.post("/webhooks/"+ep.ID+"/delete", nil).mustStatus(t, http.StatusSeeOther)
	if _, err := svc.Get(ctx, ep.ID); err != webhooks.ErrNotFound {
		t.Fatalf("after delete: %v", err)
	}
	admin.post("/webhooks/"+ep.ID+"/delete", nil).mustStatus(t, http.StatusNotFound)

	// Every change is in the audit log under the admin's name.
	entries, err := e.audit.List(ctx, audit.ListFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"webhook.created": false, "webhook.secret_rotated": false, "webhook.updated": false, "webhook.redelivered": false, "webhook.deleted": false}
	for _, en := range entries {
		if _, ok := want[en.Action]; ok && en.Actor == operator.ActorOf(e.users[operator.Admin].ID) {
			want[en.Action] = true
		}
	}
	for action, seen := range want {
		if !seen {
			t.Errorf("no %s entry by the admin", action)
		}
	}
}
