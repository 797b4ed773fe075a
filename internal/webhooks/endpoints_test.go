package webhooks

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestEndpointInputIsChecked(t *testing.T) {
	ev := []string{EventRequestCreated}
	cases := []struct {
		in   EndpointInput
		want error
	}{
		{EndpointInput{URL: "", Events: ev}, ErrURLRequired},
		{EndpointInput{URL: "   ", Events: ev}, ErrURLRequired},
		{EndpointInput{URL: "http://crm.example.com/hook", Events: ev}, ErrURLNotHTTPS},
		{EndpointInput{URL: "http://10.0.0.5/hook", Events: ev}, ErrURLNotHTTPS},
		{EndpointInput{URL: "ftp://crm.example.com/hook", Events: ev}, ErrURLInvalid},
		{EndpointInput{URL: "crm.example.com/hook", Events: ev}, ErrURLInvalid},
		{EndpointInput{URL: "https://", Events: ev}, ErrURLInvalid},
		{EndpointInput{URL: "https://crm.example.com/a b", Events: ev}, ErrURLInvalid},
		{EndpointInput{URL: "https://crm.example.com/\x00", Events: ev}, ErrURLInvalid},
		{EndpointInput{URL: "https://user:pw@crm.example.com/hook", Events: ev}, ErrURLCredentials},
		{EndpointInput{URL: "https://crm.example.com/" + strings.Repeat("a", MaxURLLen), Events: ev}, ErrURLTooLong},
		{EndpointInput{URL: "https://crm.example.com/hook", Description: strings.Repeat("é", MaxDescriptionLen+1), Events: ev}, ErrDescriptionTooLong},
		{EndpointInput{URL: "https://crm.example.com/hook"}, ErrEventsRequired},
		{EndpointInput{URL: "https://crm.example.com/hook", Events: []string{"request.deleted"}}, ErrEventUnknown},
	}
	for _, tc := range cases {
		if _, err := check(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("check(%.60q): %v, want %v", tc.in.URL, err, tc.want)
		}
	}
	for _, ok := range []string{"https://crm.example.com/hook?x=1", "http://localhost:8081/hook", "http://127.0.0.1/h", "http://[::1]:9000/h", "https://crm.example.com/h#frag"} {
		c, err := check(EndpointInput{URL: ok, Description: strings.Repeat("é", MaxDescriptionLen), Events: []string{EventRequestStateChanged, EventRequestCreated, EventRequestCreated}})
		if err != nil {
			t.Errorf("check(%q): %v", ok, err)
			continue
		}
		if strings.Contains(c.url.String(), "#") || len(c.events) != 2 || c.events[0] != EventRequestCreated {
			t.Errorf("check(%q) = %s %v", ok, c.url, c.events)
		}
	}
}

func TestEndpointsCRUDAndAudit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, nil)
		e, secret, err := f.s.Create(ctx, actorTest, EndpointInput{URL: " https://crm.example.com/hooks/garde?token=abc ", Description: " CRM ",
			Events: []string{EventRequestStateChanged, EventRequestCreated}, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < 40 {
			t.Fatalf("secret %q", secret)
		}
		got, err := f.s.Get(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.URL != "https://crm.example.com/hooks/garde?token=abc" || got.Description != "CRM" || !got.Active ||
			len(got.Events) != 2 || got.Events[0] != EventRequestCreated || got.SecretRotatedAt != nil {
			t.Fatalf("endpoint: %+v", got)
		}

		// The secret is stored sealed: neither it nor its random part is
		// in the row, and it opens only for this endpoint.
		var stored string
		if err := d.QueryRow(ctx, "SELECT secret FROM webhook_endpoints WHERE id = ?", e.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, secret) || strings.Contains(stored, strings.TrimPrefix(secret, "whsec_")) || !strings.HasPrefix(stored, "v1:") {
			t.Fatalf("stored secret %q", stored)
		}
		if plain, err := f.s.box.Open(stored, secretContext(e.ID)); err != nil || string(plain) != secret {
			t.Fatalf("the stored secret does not open: %v", err)
		}
		if _, err := f.s.box.Open(stored, secretContext("another")); err == nil {
			t.Fatal("the sealed secret opens for another endpoint")
		}

		upd, err := f.s.Update(ctx, actorTest, e.ID, EndpointInput{URL: "https://erp.example.com/in", Events: []string{EventRequestCreated}, Active: false})
		if err != nil {
			t.Fatal(err)
		}
		if upd.URL != "https://erp.example.com/in" || upd.Active || len(upd.Events) != 1 || upd.Description != "" {
			t.Fatalf("updated: %+v", upd)
		}
		if _, err := f.s.Update(ctx, actorTest, e.ID, EndpointInput{URL: "http://erp.example.com/in", Events: []string{EventRequestCreated}}); !errors.Is(err, ErrURLNotHTTPS) {
			t.Fatalf("update to http: %v", err)
		}
		if _, err := f.s.RotateSecret(ctx, actorTest, e.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.Get(ctx, e.ID); got.SecretRotatedAt == nil {
			t.Fatal("rotation time not kept")
		}
		second, _ := f.create(t, "https://b.example.com", true, EventRequestCreated)
		list, err := f.s.List(ctx)
		if err != nil || len(list) != 2 || list[0].ID != e.ID || list[1].ID != second.ID || len(list[1].Events) != 1 {
			t.Fatalf("list: %+v, %v", list, err)
		}
		if err := f.s.Delete(ctx, actorTest, e.ID); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{
			f.s.Delete(ctx, actorTest, e.ID),
			func() error { _, err := f.s.Get(ctx, e.ID); return err }(),
			func() error { _, err := f.s.Get(ctx, "../etc"); return err }(),
			func() error { _, err := f.s.RotateSecret(ctx, actorTest, e.ID); return err }(),
			func() error {
				_, err := f.s.Update(ctx, actorTest, e.ID, EndpointInput{URL: "https://x.example", Events: []string{EventRequestCreated}})
				return err
			}(),
			func() error { _, err := f.s.Deliveries(ctx, "nope", 5); return err }(),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("on a deleted or unknown endpoint: %v", err)
			}
		}

		entries, err := f.audit.List(ctx, audit.ListFilter{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
			if en.Actor != actorTest || en.Target == "" {
				t.Errorf("entry %+v", en)
			}
			for _, v := range en.Details {
				if s, ok := v.(string); ok && strings.Contains(s, "token=abc") {
					t.Errorf("the audit log holds the URL with its query: %v", en.Details)
				}
			}
		}
		want := "webhook.deleted webhook.created webhook.secret_rotated webhook.updated webhook.created"
		if strings.Join(actions, " ") != want {
			t.Fatalf("audit actions %v, want %s", actions, want)
		}
	})
}

func TestResealMovesSecretsToTheCurrentKey(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		oldKey, newKey := newKey(t), newKey(t)
		oldBox, _ := secrets.New(oldKey)
		f := newFixture(t, d, oldBox)
		e, secret := f.create(t, "https://crm.example.com", true, EventRequestCreated)

		rotated, _ := secrets.New(newKey, oldKey)
		f2 := newFixture(t, d, rotated)
		n, err := f2.s.Reseal(ctx)
		if err != nil || n != 1 {
			t.Fatalf("reseal: %d, %v", n, err)
		}
		if n, err := f2.s.Reseal(ctx); err != nil || n != 0 {
			t.Fatalf("second reseal: %d, %v", n, err)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT secret FROM webhook_endpoints WHERE id = ?", e.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		onlyNew, _ := secrets.New(newKey)
		if plain, err := onlyNew.Open(stored, secretContext(e.ID)); err != nil || string(plain) != secret {
			t.Fatalf("after reseal the new key alone does not open the secret: %v", err)
		}
	})
}
