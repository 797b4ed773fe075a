package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var quiet = slog.New(slog.DiscardHandler)

const actorTest = "operator:test"

type fixture struct {
	d     *db.DB
	q     *jobs.Queue
	s     *Service
	audit *audit.Log
}

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, secrets.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// newFixture builds the service on a real queue (two workers, 50 ms
// polling, 10 ms between tries), not started yet.
func newFixture(t *testing.T, d *db.DB, box *secrets.Box) *fixture {
	t.Helper()
	if box == nil {
		var err error
		if box, err = secrets.New(newKey(t)); err != nil {
			t.Fatal(err)
		}
	}
	q := jobs.New(d, quiet)
	aud := audit.New(d)
	s := NewService(Deps{DB: d, Queue: q, Box: box, Audit: aud, Log: quiet})
	s.retryDelay = func(int) time.Duration { return 10 * time.Millisecond }
	if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	return &fixture{d: d, q: q, s: s, audit: aud}
}

func (f *fixture) start(t *testing.T) {
	t.Helper()
	if err := f.q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		f.q.Stop(ctx)
	})
}

func (f *fixture) create(t *testing.T, url string, active bool, events ...string) (*Endpoint, string) {
	t.Helper()
	e, secret, err := f.s.Create(context.Background(), actorTest, EndpointInput{URL: url, Description: "CRM", Events: events, Active: active})
	if err != nil {
		t.Fatal(err)
	}
	return e, secret
}

// emit runs Emit in a transaction of its own.
func (f *fixture) emit(t *testing.T, event string, payload any) {
	t.Helper()
	if err := f.d.InTx(context.Background(), func(tx *db.Tx) error { return f.s.Emit(context.Background(), tx, event, payload) }); err != nil {
		t.Fatal(err)
	}
}

var change = RequestChange{ID: "0190a0b1-0000-7000-8000-000000000001", Reference: "GR-7K3F-Q9", Type: "access",
	From: "verified", To: "in_progress", DueDate: "2025-03-31", Law: "eu-gdpr"}

// waitDelivery polls the endpoint's only delivery until ok accepts it.
func (f *fixture) waitDelivery(t *testing.T, endpointID string, timeout time.Duration, ok func(Delivery) bool) Delivery {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ds, err := f.s.Deliveries(context.Background(), endpointID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) > 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		if len(ds) == 1 && ok(ds[0]) {
			return ds[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the delivery never reached the expected state; last: %+v", ds)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// received is one request a receiver got.
type received struct {
	header   http.Header
	body     string
	verified bool
}

// receiver is a webhook endpoint that checks signatures exactly as the
// package documentation tells receivers to, and answers with the status
// codes of plan (then 200).
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	secret string
	plan   []int
	got    []received
}

func newReceiver(t *testing.T, plan ...int) *receiver {
	t.Helper()
	rc := &receiver{plan: plan}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) setSecret(s string) {
	rc.mu.Lock()
	rc.secret = s
	rc.mu.Unlock()
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, received{header: r.Header.Clone(), body: string(body), verified: verify(rc.secret, r.Header, body, time.Now())})
	code := http.StatusOK
	if len(rc.plan) > 0 {
		code, rc.plan = rc.plan[0], rc.plan[1:]
	}
	w.WriteHeader(code)
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// verify is the documented recipe, written from the package comment:
// HMAC-SHA256 keyed with the secret text over "<timestamp>.<raw body>",
// hex, compared in constant time with the v1= value; timestamps more than
// five minutes off are refused.
func verify(secret string, h http.Header, body []byte, now time.Time) bool {
	ts := h.Get("Garde-Timestamp")
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(n, 0)).Abs() > 5*time.Minute {
		return false
	}
	got, ok := strings.CutPrefix(h.Get("Garde-Signature"), "v1=")
	if !ok {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(got), []byte(want))
}
