package run_test

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// shopEndpoint is the business's own endpoint: it checks every call's
// signature with the secret Garde showed the admin, keeps the calls it
// verified, and answers what reply says.
type shopEndpoint struct {
	t      *testing.T
	url    string
	mu     sync.Mutex
	secret []byte
	calls  []httpconn.Call
	events []string
	reply  func(c httpconn.Call) (int, string)
}

func newEndpoint(t *testing.T, reply func(c httpconn.Call) (int, string)) *shopEndpoint {
	e := &shopEndpoint{t: t, reply: reply}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	e.url = srv.URL + "/privacy/garde"
	return e
}

func (e *shopEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	secret := e.secret
	e.mu.Unlock()
	if r.URL.Path != "/privacy/garde" || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if err := httpconn.Verify(secret, r.Header, body, time.Now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var c httpconn.Call
	if err := json.Unmarshal(body, &c); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	e.calls = append(e.calls, c)
	e.events = append(e.events, r.Header.Get("Garde-Event"))
	e.mu.Unlock()
	code, out := e.reply(c)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	io.WriteString(w, out)
}

func (e *shopEndpoint) got() []httpconn.Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

// httpSystem adds an automatic system connected to the endpoint, with
// the secret Garde makes; the endpoint is given it as an admin would.
func (f *fixture) httpSystem(e *shopEndpoint) *requests.System {
	f.t.Helper()
	sys, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
		Name: "Loyalty app", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Kind: run.KindHTTP, Endpoint: e.url})
	if err != nil {
		f.t.Fatal(err)
	}
	if !strings.HasPrefix(c.Secret, httpconn.SecretPrefix) {
		f.t.Fatalf("no secret shown: %+v", c)
	}
	e.mu.Lock()
	e.secret = []byte(c.Secret)
	e.mu.Unlock()
	return sys
}

const aliceRecords = `{"status": "done", "message": "from the loyalty database",
	"records": {
		"members": [{"id": 41, "email": "alice@example.com", "name": "Alice Dupont", "points": 1200, "vip": true}],
		"visits": [{"member_id": 41, "shop": "Lyon", "at": "2025-03-01T10:00:00Z"}, {"member_id": 41, "shop": "=SUM(A1)", "note": null}],
		"vouchers": []}}`

func TestHTTPAccessRequestPackagesWhatTheEndpointAnswered(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		e := newEndpoint(t, func(c httpconn.Call) (int, string) { return 200, aliceRecords })
		f.httpSystem(e)
		id := f.verified(requests.TypeAccess)
		// An identity the agent checked goes to the endpoint too.
		if _, err := f.reqs.AddIdentity(f.ctx, f.agent, id, requests.IdentityInput{
			Key: requests.IdentityCustomerID, Value: "41", Method: requests.IdentityDocument}); err != nil {
			t.Fatal(err)
		}
		task := f.task(id)
		if got := f.jobTasks(); !slices.Equal(got, []string{task.ID}) {
			t.Fatalf("jobs %v", got)
		}
		if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		calls := e.got()
		if len(calls) != 1 {
			t.Fatalf("%d signed calls reached the endpoint", len(calls))
		}
		r, err := f.reqs.Get(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c := calls[0]
		if c.ID != task.ID || c.Action != httpconn.Access || len(c.Identities) != 2 || c.Identities["email"] != shoptest.Alice || c.Identities["customer_id"] != "41" ||
			c.Request.ID != id || c.Request.Reference != r.Reference || c.Request.Type != "access" || c.Request.Language != "fr" {
			t.Errorf("call %+v", c)
		}
		if e.events[0] != "fulfil.access" {
			t.Errorf("event %q", e.events[0])
		}
		task = f.task(id)
		if task.State != requests.TaskDone {
			t.Fatalf("task %s: %s", task.State, task.Note)
		}
		for _, s := range []string{"loyalty_app.members: 1", "loyalty_app.visits: 2", "loyalty_app.vouchers: 0", "from the loyalty database"} {
			if !strings.Contains(task.Note, s) {
				t.Errorf("note lacks %q:\n%s", s, task.Note)
			}
		}
		files, err := f.reqs.Attachments(f.ctx, id)
		if err != nil || len(files) != 1 || files[0].ContentType != "application/zip" {
			t.Fatalf("attachments %+v %v", files, err)
		}
		_, content, err := f.reqs.OpenAttachment(f.ctx, f.agent, id, files[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		zf := unzip(t, content)
		var doc map[string][]map[string]any
		if err := json.Unmarshal(zf["data.json"], &doc); err != nil {
			t.Fatalf("data.json: %v\n%s", err, zf["data.json"])
		}
		var want struct {
			Records map[string][]map[string]any `json:"records"`
		}
		if err := json.Unmarshal([]byte(aliceRecords), &want); err != nil {
			t.Fatal(err)
		}
		for coll, rows := range want.Records {
			got := doc["loyalty_app:"+coll]
			if len(got) != len(rows) {
				t.Errorf("%s: %d records, want %d", coll, len(got), len(rows))
				continue
			}
			for i, row := range rows {
				for k, v := range row {
					if got[i][k] != v {
						t.Errorf("%s[%d].%s = %#v, want %#v", coll, i, k, got[i][k], v)
					}
				}
			}
		}
		visits, err := csv.NewReader(strings.NewReader(string(zf["loyalty_app.visits.csv"]))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// Columns are every name the records use; a formula is defused.
		if len(visits) != 3 || strings.Join(visits[0], ",") != "member_id,shop,at,note" || visits[2][1] != "'=SUM(A1)" {
			t.Errorf("visits.csv %q", visits)
		}
		if !strings.Contains(string(zf["summary.html"]), `<html lang="fr">`) || !strings.Contains(string(zf["summary.html"]), "Lyon") {
			t.Errorf("summary.html:\n%s", zf["summary.html"])
		}
		// A job run again after the task is done calls nobody.
		if err := f.run.Work(f.ctx, task.ID, 2, run.MaxAttempts); err != nil {
			t.Fatal(err)
		}
		if n := len(e.got()); n != 1 {
			t.Errorf("%d calls after a second run", n)
		}
		if n := f.count("fulfil.access"); n != 1 {
			t.Errorf("%d fulfil.access audit entries", n)
		}
	})
}

func TestHTTPErasureRestrictionAndObjectionCallTheEndpoint(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		e := newEndpoint(t, func(c httpconn.Call) (int, string) {
			switch c.Action {
			case httpconn.Erase:
				return 200, `{"status":"done","message":"account anonymised"}`
			case httpconn.Restrict:
				return 200, `{"status":"accepted"}`
			case httpconn.Object:
				return 200, `{"status":"not_found"}`
			}
			return 400, `{"error":"unexpected action"}`
		})
		f.httpSystem(e)
		cases := []struct {
			typ      requests.Type
			action   httpconn.Action
			purposes []string
			note     string
			audit    string
		}{
			{requests.TypeErasure, httpconn.Erase, nil, "confirmed it erased the person's data.\nMessage from the system: account anonymised", "fulfil.erased"},
			{requests.TypeRestriction, httpconn.Restrict, run.RestrictPurposes, "will carry it out on its side later", "fulfil.restricted"},
			{requests.TypeObjection, httpconn.Object, run.ObjectPurposes, "holds nothing about this person", "fulfil.objected"},
		}
		for i, c := range cases {
			id := f.verified(c.typ)
			task := f.task(id)
			if err := f.run.Work(f.ctx, task.ID, 1, run.MaxAttempts); err != nil {
				t.Fatalf("%s: %v", c.typ, err)
			}
			calls := e.got()
			if len(calls) != i+1 {
				t.Fatalf("%s: %d calls", c.typ, len(calls))
			}
			got := calls[i]
			if got.Action != c.action || !slices.Equal(got.Purposes, c.purposes) || got.Changes != nil || got.Identities["email"] != shoptest.Alice {
				t.Errorf("%s: call %+v", c.typ, got)
			}
			task = f.task(id)
			if task.State != requests.TaskDone || !strings.Contains(task.Note, c.note) {
				t.Errorf("%s: task %s %q", c.typ, task.State, task.Note)
			}
			if n := f.count(c.audit); n != 1 {
				t.Errorf("%s: %d %s audit entries", c.typ, n, c.audit)
			}
		}
	})
}

func TestHTTPEndpointDownFailsTheTaskWithItsReasonAfterTheLastAttempt(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		e := newEndpoint(t, func(c httpconn.Call) (int, string) { return 503, "maintenance until noon" })
		f.httpSystem(e)
		id := f.verified(requests.TypeErasure)
		task := f.task(id)
		for attempt := 1; attempt < run.MaxAttempts; attempt++ {
			err := f.run.Work(f.ctx, task.ID, attempt, run.MaxAttempts)
			var cancel *river.JobCancelError
			if err == nil || errors.As(err, &cancel) {
				t.Fatalf("attempt %d: %v, want an error River retries", attempt, err)
			}
			got := f.task(id)
			if got.State != requests.TaskFailed || !strings.Contains(got.Note, "Attempt "+itoa(attempt)) || !strings.Contains(got.Note, "503") {
				t.Fatalf("after attempt %d: %s %q", attempt, got.State, got.Note)
			}
		}
		err := f.run.Work(f.ctx, task.ID, run.MaxAttempts, run.MaxAttempts)
		var cancel *river.JobCancelError
		if !errors.As(err, &cancel) {
			t.Fatalf("last attempt: %v", err)
		}
		got := f.task(id)
		if got.State != requests.TaskFailed || !strings.Contains(got.Note, "no further attempt") || !strings.Contains(got.Note, "maintenance until noon") {
			t.Fatalf("after the last attempt: %s %q", got.State, got.Note)
		}
		if n := len(e.got()); n != run.MaxAttempts {
			t.Errorf("%d calls for %d attempts", n, run.MaxAttempts)
		}

		// A refusal (4xx) is final at once: here the endpoint holds
		// another secret than Garde's.
		e.mu.Lock()
		e.secret = []byte("a secret Garde does not know about at all")
		e.mu.Unlock()
		id2 := f.verified(requests.TypeAccess)
		t2 := f.task(id2)
		if err := f.run.Work(f.ctx, t2.ID, 1, run.MaxAttempts); !errors.As(err, &cancel) {
			t.Fatalf("refused call: %v, want the job cancelled", err)
		}
		if got := f.task(id2); got.State != requests.TaskFailed || !strings.Contains(got.Note, "401") || !strings.Contains(got.Note, "no further attempt") {
			t.Fatalf("refused call: %s %q", got.State, got.Note)
		}
		if files, _ := f.reqs.Attachments(f.ctx, id2); len(files) != 0 {
			t.Errorf("a refused access attached %d files", len(files))
		}
	})
}

func TestHTTPConnectorIsCheckedAndItsSecretSealed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sys, err := f.reqs.CreateSystem(f.ctx, f.admin, requests.SystemInput{
			Name: "CRM", OwnerEmail: "it@acme.example", Kind: requests.SystemAutomatic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		const good = "https://crm.example.com/garde"
		cases := []struct {
			name string
			in   run.ConnectorInput
			want error
		}{
			{"unknown kind", run.ConnectorInput{Kind: "ftp", Endpoint: good}, run.ErrKind},
			{"no endpoint", run.ConnectorInput{Kind: run.KindHTTP}, run.ErrEndpointRequired},
			{"not a URL", run.ConnectorInput{Kind: run.KindHTTP, Endpoint: "crm.example.com"}, run.ErrEndpointInvalid},
			{"plain http", run.ConnectorInput{Kind: run.KindHTTP, Endpoint: "http://crm.example.com/garde"}, run.ErrEndpointHTTPS},
			{"credentials", run.ConnectorInput{Kind: run.KindHTTP, Endpoint: "https://u:p@crm.example.com/"}, run.ErrEndpointCredentials},
			{"short secret", run.ConnectorInput{Kind: run.KindHTTP, Endpoint: good, Secret: "short"}, run.ErrSecretLength},
			{"secret with spaces", run.ConnectorInput{Kind: run.KindHTTP, Endpoint: good, Secret: "a secret with spaces in it, long"}, run.ErrSecretChars},
		}
		for _, c := range cases {
			if _, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, c.in); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		if _, err := f.run.SetConnector(f.ctx, f.agent, sys.ID, run.ConnectorInput{Kind: run.KindHTTP, Endpoint: good}); !errors.Is(err, requests.ErrForbidden) {
			t.Errorf("agent: %v", err)
		}
		sealed := func() string {
			var s string
			if err := d.QueryRow(f.ctx, "SELECT secret_sealed FROM fulfil_connectors WHERE system_id = ?", sys.ID).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		c, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Kind: run.KindHTTP, Endpoint: good})
		if err != nil {
			t.Fatal(err)
		}
		first := sealed()
		if c.Secret == "" || first == "" || strings.Contains(first, strings.TrimPrefix(c.Secret, httpconn.SecretPrefix)) {
			t.Fatalf("secret %q sealed as %q", c.Secret, first)
		}
		if c.Kind != run.KindHTTP || c.URLHint != good || c.DatasetKey != "crm" {
			t.Errorf("connector %+v", c)
		}
		// Saved again without a secret: kept, and not shown.
		c2, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Kind: run.KindHTTP})
		if err != nil || c2.Secret != "" || sealed() != first || c2.URLHint != good {
			t.Fatalf("save without changes: %+v %v", c2, err)
		}
		// A new one on demand; an entered one as given.
		c3, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Kind: run.KindHTTP, NewSecret: true})
		if err != nil || c3.Secret == "" || c3.Secret == c.Secret || sealed() == first {
			t.Fatalf("new secret: %+v %v", c3, err)
		}
		const mine = "the-shops-own-secret-0123456789"
		if c4, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Kind: run.KindHTTP, Secret: mine}); err != nil || c4.Secret != "" {
			t.Fatalf("entered secret: %+v %v", c4, err)
		}
		// Back to a database: the URL is required again and the secret goes.
		if _, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset}); !errors.Is(err, run.ErrURLRequired) {
			t.Errorf("database without URL after HTTP: %v", err)
		}
		if _, err := f.run.SetConnector(f.ctx, f.admin, sys.ID, run.ConnectorInput{Dataset: shoptest.Dataset, URL: "sqlite:///var/lib/shop.db"}); err != nil {
			t.Fatal(err)
		}
		if s := sealed(); s != "" {
			t.Errorf("a database connector keeps a secret %q", s)
		}
		if n := f.count("fulfil.connector_set"); n != 5 {
			t.Errorf("%d fulfil.connector_set audit entries, want 5", n)
		}
		es, err := f.audit.List(f.ctx, audit.ListFilter{Limit: 50, Action: "fulfil.connector_set"})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range es {
			b, _ := json.Marshal(en)
			if strings.Contains(string(b), mine) || strings.Contains(string(b), strings.TrimPrefix(c.Secret, httpconn.SecretPrefix)) {
				t.Errorf("a secret is in the audit log: %s", b)
			}
		}
	})
}
