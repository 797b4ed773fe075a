package app

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestSuppressionListWiring: in the assembled instance, a verified
// objection refuses marketing at the consent check of the API; an
// objection from before the list existed (its entry absent) is carried
// over when the instance starts again.
func TestSuppressionListWiring(t *testing.T) {
	env := []string{"GARDE_DATA=" + t.TempDir(), "GARDE_ADDR=127.0.0.1:0"}
	cfg, err := config.Load(pflag.NewFlagSet("test", pflag.ContinueOnError), env)
	if err != nil {
		t.Fatal(err)
	}
	open := func() *App {
		t.Helper()
		a, err := Open(t.Context(), cfg, slog.New(slog.DiscardHandler), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	ctx := t.Context()
	for _, email := range []string{"old@example.fr", "new@example.fr"} {
		if _, err := a.Consent.Record(ctx, "token:t", consent.EventInput{SubjectID: email, Granted: []string{"marketing"},
			Method: "express", Source: "form"}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Requests.Submit(ctx, requests.SubmitInput{Email: email, Name: "Jo", Subject: "Stop", Type: requests.TypeObjection,
			Description: "No more offers.", Region: "FR", Language: i18n.FR},
			requests.SubmitMeta{Source: requests.SourceAPI, Actor: requests.TokenActor("t"), Verified: true}); err != nil {
			t.Fatal(err)
		}
	}
	// The old objection as a database from before the list holds it.
	if _, err := a.DB.Exec(ctx, `DELETE FROM suppression_changes WHERE suppression_id IN (SELECT s.id FROM suppressions s
		JOIN requests r ON r.id = s.request_id WHERE r.email = ?)`, "old@example.fr"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `DELETE FROM suppressions WHERE request_id IN (SELECT id FROM requests WHERE email = ?)`, "old@example.fr"); err != nil {
		t.Fatal(err)
	}
	if ok, err := a.Suppress.Suppressed(ctx, "old@example.fr", "marketing"); err != nil || ok {
		t.Fatalf("old objection before the restart: %v %v", ok, err)
	}
	a.Close()

	a = open()
	t.Cleanup(func() { a.Close() })
	raw, _, err := a.Operators.CreateToken(ctx, operator.ActorCLI, operator.NewToken{Name: "shop", Scopes: []string{operator.ScopeConsentRead},
		TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, email := range []string{"old@example.fr", "new@example.fr"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/consent/check?purpose=marketing&subject="+email, nil)
		req.Header.Set("Authorization", "Bearer "+raw)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ Allowed, Restricted bool }
		err = json.NewDecoder(resp.Body).Decode(&c)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || c.Allowed || !c.Restricted {
			t.Errorf("%s: %d %+v %v", email, resp.StatusCode, c, err)
		}
	}
}
