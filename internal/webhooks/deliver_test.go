package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestDeliveredOn200WithAVerifiableSignature(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		rc := newReceiver(t)
		e, secret := f.create(t, rc.srv.URL+"/hooks", true, EventRequestStateChanged)
		rc.setSecret(secret)
		f.emit(t, EventRequestStateChanged, change)
		f.start(t)

		del := f.waitDelivery(t, e.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusDelivered })
		if del.Attempts != 1 || del.LastStatusCode != 200 || del.DeliveredAt == nil || del.LastError != "" || del.NextAttemptAt != nil {
			t.Fatalf("delivered row: %+v", del)
		}
		got := rc.requests()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests", len(got))
		}
		r := got[0]
		if !r.verified {
			t.Fatal("the documented recipe does not verify the signature")
		}
		if r.header.Get("Garde-Event") != EventRequestStateChanged || r.header.Get("Garde-Delivery") != del.ID ||
			r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("headers: %v", r.header)
		}
		var b struct {
			ID, Event string
			CreatedAt time.Time `json:"created_at"`
			Data      map[string]any
		}
		if err := json.Unmarshal([]byte(r.body), &b); err != nil {
			t.Fatal(err)
		}
		if b.ID != del.EventID || b.Event != EventRequestStateChanged || b.CreatedAt.IsZero() || b.Data["reference"] != "GR-7K3F-Q9" ||
			b.Data["from"] != "verified" || b.Data["to"] != "in_progress" || b.Data["due_date"] != "2025-03-31" || b.Data["law"] != "eu-gdpr" {
			t.Fatalf("body: %s", r.body)
		}
		for k := range b.Data {
			if k == "email" || k == "name" || k == "phone" {
				t.Fatalf("personal data %q in the body", k)
			}
		}
		// A signature with another secret, or over another body, fails.
		if verify("whsec_other", r.header, []byte(r.body), time.Now()) || verify(secret, r.header, []byte(r.body+" "), time.Now()) {
			t.Fatal("the check accepts what it should refuse")
		}

		// Running the job again (a retry after a crash) sends nothing.
		if err := f.s.deliver(context.Background(), del.ID, 2, false); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(rc.requests()); n != 1 {
			t.Fatalf("a delivered delivery was sent again (%d requests)", n)
		}
	})
}

func TestRetriedThenDelivered(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		rc := newReceiver(t, 500, 503)
		e, secret := f.create(t, rc.srv.URL, true, EventRequestStateChanged)
		rc.setSecret(secret)
		f.emit(t, EventRequestStateChanged, change)

		// The first failure is recorded as a retry with its reason.
		f.s.retryDelay = func(int) time.Duration { return 400 * time.Millisecond }
		f.start(t)
		del := f.waitDelivery(t, e.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusRetrying })
		if del.LastStatusCode != 500 || !strings.Contains(del.LastError, "500") || del.NextAttemptAt == nil {
			t.Fatalf("retrying row: %+v", del)
		}
		del = f.waitDelivery(t, e.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusDelivered })
		if del.Attempts != 3 || del.LastStatusCode != 200 || del.LastError != "" {
			t.Fatalf("delivered row: %+v", del)
		}
		got := rc.requests()
		if len(got) != 3 {
			t.Fatalf("receiver got %d requests, want 3", len(got))
		}
		for i, r := range got {
			if !r.verified || r.header.Get("Garde-Delivery") != del.ID || r.body != got[0].body {
				t.Fatalf("attempt %d: verified=%v delivery=%s", i+1, r.verified, r.header.Get("Garde-Delivery"))
			}
		}
	})
}

func TestFailedAfterTheLastAttempt(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		plan := make([]int, 100)
		for i := range plan {
			plan[i] = http.StatusInternalServerError
		}
		rc := newReceiver(t, plan...)
		e, secret := f.create(t, rc.srv.URL, true, EventRequestStateChanged)
		rc.setSecret(secret)
		f.emit(t, EventRequestStateChanged, change)
		f.start(t)
		del := f.waitDelivery(t, e.ID, 30*time.Second, func(d Delivery) bool { return d.Status == StatusFailed })
		if del.Attempts != MaxAttempts || del.LastStatusCode != 500 || del.NextAttemptAt != nil || del.DeliveredAt != nil {
			t.Fatalf("failed row: %+v", del)
		}
		time.Sleep(200 * time.Millisecond)
		if n := len(rc.requests()); n != MaxAttempts {
			t.Fatalf("receiver got %d requests, want %d", n, MaxAttempts)
		}
	})
}

func TestRolledBackEmitStoresAndSendsNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		rc := newReceiver(t)
		_, secret := f.create(t, rc.srv.URL, true, EventRequestStateChanged)
		rc.setSecret(secret)
		f.start(t)
		boom := errors.New("the state change failed")
		err := d.InTx(context.Background(), func(tx *db.Tx) error {
			if err := f.s.Emit(context.Background(), tx, EventRequestStateChanged, change); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		if n := f.count(t, "SELECT COUNT(*) FROM webhook_deliveries"); n != 0 {
			t.Fatalf("%d deliveries stored", n)
		}
		jobs, err := f.q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(DeliverArgs{}.Kind()))
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs.Jobs) != 0 {
			t.Fatalf("%d jobs stored", len(jobs.Jobs))
		}
		if n := len(rc.requests()); n != 0 {
			t.Fatalf("receiver got %d requests", n)
		}
	})
}

func TestOnlyActiveSubscribedEndpointsReceive(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		rc := newReceiver(t)
		off, _ := f.create(t, rc.srv.URL+"/off", false, EventRequestStateChanged, EventRequestCreated)
		created, secret := f.create(t, rc.srv.URL+"/created", true, EventRequestCreated)
		rc.setSecret(secret)
		f.start(t)

		f.emit(t, EventRequestStateChanged, change)
		time.Sleep(300 * time.Millisecond)
		if n := f.count(t, "SELECT COUNT(*) FROM webhook_deliveries"); n != 0 {
			t.Fatalf("%d deliveries for an event nobody active subscribed to", n)
		}

		f.emit(t, EventRequestCreated, RequestChange{ID: change.ID, Reference: change.Reference, Type: "erasure", To: "received", DueDate: "2025-04-01", Law: "uk-gdpr"})
		f.waitDelivery(t, created.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusDelivered })
		if ds, _ := f.s.Deliveries(context.Background(), off.ID, 10); len(ds) != 0 {
			t.Fatalf("the inactive endpoint got %d deliveries", len(ds))
		}
		got := rc.requests()
		if len(got) != 1 || got[0].header.Get("Garde-Event") != EventRequestCreated || !got[0].verified || strings.Contains(got[0].body, `"from"`) {
			t.Fatalf("requests: %+v", got)
		}

		if err := d.InTx(context.Background(), func(tx *db.Tx) error { return f.s.Emit(context.Background(), tx, "nobody.knows", nil) }); err == nil {
			t.Fatal("an unregistered event was emitted")
		}
	})
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		var followed atomic.Int32
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
		t.Cleanup(elsewhere.Close)
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/catch", http.StatusTemporaryRedirect)
		}))
		t.Cleanup(redirector.Close)
		e, _ := f.create(t, redirector.URL, true, EventRequestStateChanged)
		f.s.retryDelay = func(int) time.Duration { return time.Hour }
		f.emit(t, EventRequestStateChanged, change)
		f.start(t)
		del := f.waitDelivery(t, e.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusRetrying })
		if del.LastStatusCode != http.StatusTemporaryRedirect || !strings.Contains(del.LastError, "redirects are not followed") ||
			!strings.Contains(del.LastError, elsewhere.URL) {
			t.Fatalf("row: %+v", del)
		}
		if followed.Load() != 0 {
			t.Fatal("the redirect was followed")
		}
	})
}

func TestSwitchedOffOrDeletedBeforeSending(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		rc := newReceiver(t)
		off, _ := f.create(t, rc.srv.URL+"/a", true, EventRequestStateChanged)
		gone, _ := f.create(t, rc.srv.URL+"/b", true, EventRequestStateChanged)
		f.emit(t, EventRequestStateChanged, change)
		if _, err := f.s.Update(ctx, actorTest, off.ID, EndpointInput{URL: off.URL, Events: off.Events, Active: false}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Delete(ctx, actorTest, gone.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?", gone.ID); n != 0 {
			t.Fatalf("a deleted endpoint kept %d deliveries", n)
		}
		f.start(t)
		del := f.waitDelivery(t, off.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusFailed })
		if del.Attempts != 0 || !strings.Contains(del.LastError, "switched off") {
			t.Fatalf("row: %+v", del)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(rc.requests()); n != 0 {
			t.Fatalf("receiver got %d requests", n)
		}
		if _, err := f.s.Redeliver(ctx, actorTest, del.ID); !errors.Is(err, ErrInactive) {
			t.Fatalf("redelivery to a switched-off endpoint: %v", err)
		}
	})
}

func TestRedeliverSendsTheSameEventAgain(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		rc := newReceiver(t)
		e, secret := f.create(t, rc.srv.URL, true, EventRequestStateChanged)
		rc.setSecret(secret)
		f.emit(t, EventRequestStateChanged, change)
		f.start(t)
		first := f.waitDelivery(t, e.ID, 10*time.Second, func(d Delivery) bool { return d.Status == StatusDelivered })

		// After a rotation, the new secret signs.
		fresh, err := f.s.RotateSecret(ctx, actorTest, e.ID)
		if err != nil || fresh == secret || !strings.HasPrefix(fresh, "whsec_") {
			t.Fatalf("rotate: %q, %v", fresh, err)
		}
		rc.setSecret(fresh)
		again, err := f.s.Redeliver(ctx, actorTest, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID == first.ID || again.EventID != first.EventID || again.Payload != first.Payload {
			t.Fatalf("redelivery %+v of %+v", again, first)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			d2, err := f.s.Delivery(ctx, again.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d2.Status == StatusDelivered {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("redelivery: %+v", d2)
			}
			time.Sleep(20 * time.Millisecond)
		}
		got := rc.requests()
		if len(got) != 2 || !got[1].verified || got[1].body != got[0].body || got[1].header.Get("Garde-Delivery") != again.ID {
			t.Fatalf("receiver got %d requests; second verified=%v", len(got), len(got) > 1 && got[1].verified)
		}
		if _, err := f.s.Redeliver(ctx, actorTest, "not-an-id"); !errors.Is(err, ErrDeliveryNotFound) {
			t.Fatalf("unknown delivery: %v", err)
		}
	})
}
