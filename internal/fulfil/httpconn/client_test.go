package httpconn_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
)

// endpoint is a business's endpoint: it refuses calls whose signature does
// not verify with its secret, keeps the calls it accepted, and answers
// with the reply given.
type endpoint struct {
	t      *testing.T
	secret []byte
	mu     sync.Mutex
	calls  []httpconn.Call
	heads  []http.Header
	reply  func(w http.ResponseWriter)
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		e.t.Error(err)
		return
	}
	if err := httpconn.Verify(e.secret, r.Header, body, time.Now()); err != nil {
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
	e.heads = append(e.heads, r.Header.Clone())
	e.mu.Unlock()
	e.reply(w)
}

func answer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func serve(t *testing.T, reply func(w http.ResponseWriter)) (*endpoint, string) {
	t.Helper()
	e := &endpoint{t: t, secret: []byte("gfsec_test-secret-0123456789abcdef"), reply: reply}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL
}

var aliceCall = httpconn.Call{
	ID: "task-1", Action: httpconn.Access,
	Request:    httpconn.RequestRef{ID: "req-1", Reference: "GR-AAAA-BB", Type: "access", Language: "fr"},
	Identities: map[string]string{"email": "alice@example.com"},
}

func TestSignedAccessCallGetsRecordsInTheEndpointsOrder(t *testing.T) {
	e, url := serve(t, answer(200, `{"status": "done", "message": "2 places",
		"records": {"orders": [{"id": 7, "total": 12.5, "paid": true, "note": null, "lines": [{"sku": "A"}]}],
		            "customers": [{"name": "Alice", "id": 2}]}}`))
	c := &httpconn.Client{}
	a, err := c.Do(context.Background(), url, e.secret, aliceCall)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.calls) != 1 {
		t.Fatalf("%d calls verified by the endpoint", len(e.calls))
	}
	got := e.calls[0]
	if got.ID != "task-1" || got.Action != httpconn.Access || got.Identities["email"] != "alice@example.com" || got.Request.Reference != "GR-AAAA-BB" {
		t.Errorf("the endpoint got %+v", got)
	}
	if h := e.heads[0]; h.Get("Garde-Event") != "fulfil.access" || h.Get("Garde-Delivery") != "task-1" || !strings.HasPrefix(h.Get("Garde-Signature"), "v1=") {
		t.Errorf("headers %v", h)
	}
	if a.Status != httpconn.Done || a.Message != "2 places" || a.Rows() != 2 {
		t.Fatalf("answer %+v", a)
	}
	if a.Records[0].Name != "orders" || a.Records[1].Name != "customers" {
		t.Errorf("collections out of the endpoint's order: %+v", a.Records)
	}
	row := a.Records[0].Rows[0]
	var names []string
	for _, v := range row {
		names = append(names, v.Name)
	}
	if strings.Join(names, ",") != "id,total,paid,note,lines" {
		t.Errorf("fields %v", names)
	}
	if row[0].Value != json.Number("7") || row[2].Value != true || row[3].Value != nil || row[4].Value != `[{"sku":"A"}]` {
		t.Errorf("values %#v", row)
	}
}

func TestAWrongSecretIsRefusedByTheEndpointAndTheRefusalIsFinal(t *testing.T) {
	_, url := serve(t, answer(200, `{"status": "done", "records": {}}`))
	_, err := (&httpconn.Client{}).Do(context.Background(), url, []byte("another secret"), aliceCall)
	var he *httpconn.Error
	if !errors.As(err, &he) || !he.Permanent || he.Status != 401 || !strings.Contains(he.Msg, "bad Garde-Signature") {
		t.Fatalf("%#v", err)
	}
}

func TestVerifyRefusesOldTimestampsAndChangedBodies(t *testing.T) {
	secret := []byte("s")
	body := []byte(`{"id":"x"}`)
	now := time.Now()
	h := http.Header{}
	h.Set("Garde-Timestamp", itoa(now.Unix()))
	h.Set("Garde-Signature", httpconn.Sign(secret, now.Unix(), body))
	if err := httpconn.Verify(secret, h, body, now); err != nil {
		t.Fatal(err)
	}
	if err := httpconn.Verify(secret, h, []byte(`{"id":"y"}`), now); err == nil {
		t.Error("a changed body verified")
	}
	if err := httpconn.Verify(secret, h, body, now.Add(httpconn.Tolerance+time.Second)); err == nil {
		t.Error("a replay after the tolerance verified")
	}
}

func TestFailuresAreRetryableOrFinalByTheirCause(t *testing.T) {
	cases := []struct {
		name      string
		action    httpconn.Action
		reply     func(w http.ResponseWriter)
		permanent bool
		want      string
	}{
		{"server error", httpconn.Erase, answer(503, "maintenance"), false, "503"},
		{"too many", httpconn.Erase, answer(429, ""), false, "429"},
		{"not found route", httpconn.Erase, answer(404, "no such route"), true, "no such route"},
		{"bad request", httpconn.Rectify, answer(422, `{"error":"unknown field"}`), true, "unknown field"},
		{"redirect", httpconn.Erase, func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://elsewhere.example/")
			w.WriteHeader(302)
		}, true, "redirects are not followed"},
		{"not json", httpconn.Erase, answer(200, "<html>ok</html>"), false, "not the expected JSON"},
		{"unknown status", httpconn.Erase, answer(200, `{"status":"ok"}`), false, `"ok"`},
		{"access accepted", httpconn.Access, answer(200, `{"status":"accepted"}`), false, "must be answered with its records"},
		{"access without records", httpconn.Access, answer(200, `{"status":"done"}`), false, "needs \"records\""},
		{"bad collection name", httpconn.Access, answer(200, `{"status":"done","records":{"../etc":[]}}`), false, "not a usable collection name"},
		{"records not lists", httpconn.Access, answer(200, `{"status":"done","records":{"c":{"a":1}}}`), false, "must be a list"},
		{"too large", httpconn.Access, answer(200, `{"status":"done","records":{"c":[{"a":"`+strings.Repeat("x", 2048)+`"}]}}`), false, "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, url := serve(t, c.reply)
			call := aliceCall
			call.Action = c.action
			_, err := (&httpconn.Client{MaxAnswer: 1024}).Do(context.Background(), url, e.secret, call)
			var he *httpconn.Error
			if !errors.As(err, &he) {
				t.Fatalf("%v", err)
			}
			if he.Permanent != c.permanent || !strings.Contains(he.Msg, c.want) {
				t.Errorf("permanent=%v %q, want permanent=%v and %q", he.Permanent, he.Msg, c.permanent, c.want)
			}
		})
	}
}

func TestNoAnswerInTimeAndNoServerAreRetryable(t *testing.T) {
	release := make(chan struct{})
	e, url := serve(t, func(w http.ResponseWriter) { <-release })
	defer close(release)
	_, err := (&httpconn.Client{Timeout: 200 * time.Millisecond}).Do(context.Background(), url, e.secret, aliceCall)
	var he *httpconn.Error
	if !errors.As(err, &he) || he.Permanent || !strings.Contains(he.Msg, "no answer within 200ms") {
		t.Fatalf("slow endpoint: %#v", err)
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	down := srv.URL
	srv.Close()
	_, err = (&httpconn.Client{}).Do(context.Background(), down, e.secret, aliceCall)
	if !errors.As(err, &he) || he.Permanent || he.Status != 0 || strings.Contains(he.Msg, "Post \"") {
		t.Fatalf("endpoint down: %#v", err)
	}
}

func TestOtherActionsCarryChangesOrPurposes(t *testing.T) {
	e, url := serve(t, answer(200, `{"status":"accepted","message":"queued"}`))
	call := aliceCall
	call.Action = httpconn.Restrict
	call.Purposes = []string{"marketing", "newsletter"}
	a, err := (&httpconn.Client{}).Do(context.Background(), url, e.secret, call)
	if err != nil || a.Status != httpconn.Accepted || a.Message != "queued" {
		t.Fatalf("%+v %v", a, err)
	}
	call.Action = httpconn.Rectify
	call.Purposes = nil
	call.Changes = []httpconn.Change{{Field: "customers.last_name", Value: "Durand"}}
	if _, err := (&httpconn.Client{}).Do(context.Background(), url, e.secret, call); err != nil {
		t.Fatal(err)
	}
	if got := e.calls[0].Purposes; strings.Join(got, ",") != "marketing,newsletter" || e.calls[0].Changes != nil {
		t.Errorf("restrict call %+v", e.calls[0])
	}
	if got := e.calls[1].Changes; len(got) != 1 || got[0].Field != "customers.last_name" || got[0].Value != "Durand" {
		t.Errorf("rectify call %+v", e.calls[1])
	}
	if e.heads[1].Get("Garde-Event") != "fulfil.rectify" {
		t.Errorf("event %q", e.heads[1].Get("Garde-Event"))
	}
}

func TestNewSecretsDiffer(t *testing.T) {
	a, err := httpconn.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := httpconn.NewSecret()
	if a == b || !strings.HasPrefix(a, httpconn.SecretPrefix) || len(a) < 40 {
		t.Errorf("secrets %q %q", a, b)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
