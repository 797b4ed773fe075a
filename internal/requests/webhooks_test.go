package requests

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// New requests and state changes reach the webhook endpoints, in the
// transaction of the change, with identifiers only.
func TestWebhooksOnChanges(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		var hooks *webhooks.Service
		f := newFixture(t, d, func(deps *Deps) {
			key := make([]byte, secrets.KeySize)
			if _, err := rand.Read(key); err != nil {
				t.Fatal(err)
			}
			box, err := secrets.New(key)
			if err != nil {
				t.Fatal(err)
			}
			hooks = webhooks.NewService(webhooks.Deps{DB: d, Queue: deps.Queue, Box: box, Audit: deps.Audit.(*audit.Log), Log: quiet})
			deps.Webhooks = hooks
		})
		if _, _, err := hooks.Create(f.ctx, "operator:test", webhooks.EndpointInput{URL: "https://hooks.acme.example/garde",
			Events: []string{webhooks.EventRequestCreated, webhooks.EventRequestStateChanged}, Active: true}); err != nil {
			t.Fatal(err)
		}
		r := f.reach(StateInProgress)
		// A refused move sends nothing.
		if err := f.svc.ConfirmIdentity(f.ctx, f.as(f.agent), r.ID, IdentityDocument, ""); err == nil {
			t.Fatal("confirmed an identity never checked")
		}
		rows, err := d.Query(f.ctx, "SELECT event, payload FROM webhook_deliveries ORDER BY created_at, id")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var event, payload string
			if err := rows.Scan(&event, &payload); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(payload, "example.fr") || strings.Contains(payload, "Martin") {
				t.Fatalf("personal data in a webhook: %s", payload)
			}
			var b struct {
				Data webhooks.RequestChange `json:"data"`
			}
			if err := json.Unmarshal([]byte(payload), &b); err != nil {
				t.Fatal(err)
			}
			if b.Data.ID != r.ID || b.Data.Reference != r.Reference || b.Data.Law != "gdpr" || b.Data.DueDate != "2026-03-02" {
				t.Fatalf("payload %s", payload)
			}
			got = append(got, event+":"+b.Data.From+">"+b.Data.To)
		}
		want := "request.created:>received request.state_changed:received>verified request.state_changed:verified>in_progress"
		if strings.Join(got, " ") != want {
			t.Fatalf("deliveries %v", got)
		}
	})
}
