package operator

import (
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// Bytes PostgreSQL cannot store as text (invalid UTF-8, NUL) arrive from
// forms, headers and URLs. They must give the service's own errors, never a
// database error (a 500 page).
func TestInvalidBytesGiveCleanErrors(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("alice@example.org", Owner)
		const bad = "\xff\xfe\x00"

		_, err := e.s.Create(ctx, ActorCLI, NewOperator{Email: "x" + bad + "@example.org", Role: Admin, Password: goodPassword})
		wantErr(t, err, ErrEmailInvalid)
		_, err = e.s.Create(ctx, ActorCLI, NewOperator{Email: "x@example.org", Name: "A" + bad, Role: Admin, Password: goodPassword})
		wantErr(t, err, ErrNameInvalid)
		_, err = e.s.Create(ctx, ActorCLI, NewOperator{Email: "x@example.org", Name: "tab\there", Role: Admin, Password: goodPassword})
		wantErr(t, err, ErrNameInvalid)

		_, _, err = e.s.Login(ctx, "alice"+bad+"@example.org", goodPassword, ClientMeta{IP: bad, UserAgent: bad})
		wantErr(t, err, ErrInvalidCredentials)
		tok, _, err := e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{IP: "192.0.2.1" + bad, UserAgent: "Agent" + bad + strings.Repeat("é", 600)})
		if err != nil {
			t.Fatalf("login with odd client details: %v", err)
		}
		var ua string
		if err := d.QueryRow(ctx, "SELECT user_agent FROM sessions WHERE id_hash = ?", digest(tok)).Scan(&ua); err != nil {
			t.Fatal(err)
		}
		if len(ua) > maxUserAgentLen || strings.ContainsRune(ua, 0) || !strings.HasPrefix(ua, "Agent\uFFFD") {
			t.Fatalf("stored user agent %q", ua)
		}

		_, err = e.s.Get(ctx, bad)
		wantErr(t, err, ErrNotFound)
		_, err = e.s.GetByEmail(ctx, bad)
		wantErr(t, err, ErrNotFound)
		wantErr(t, e.s.Disable(ctx, "cli", bad), ErrNotFound)
		wantErr(t, e.s.Enable(ctx, "cli", bad), ErrNotFound)
		wantErr(t, e.s.SetRole(ctx, "cli", bad, Agent), ErrNotFound)
		wantErr(t, e.s.SetLocale(ctx, bad, "fr"), ErrNotFound)
		wantErr(t, e.s.ChangePassword(ctx, bad, goodPassword, "another good password", ""), ErrNotFound)
		_, err = e.s.Session(ctx, bad)
		wantErr(t, err, ErrNoSession)
		wantErr(t, e.s.Logout(ctx, bad), nil)

		_, _, err = e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "t" + bad, Scopes: []string{ScopeAdmin}})
		wantErr(t, err, ErrNameInvalid)
		_, _, err = e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "t", Scopes: []string{bad}})
		wantErr(t, err, ErrScopeUnknown)
		_, _, err = e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "t", Scopes: []string{ScopeAdmin}, OperatorID: bad})
		wantErr(t, err, ErrNotFound)
		_, err = e.s.AuthenticateToken(ctx, bad)
		wantErr(t, err, ErrInvalidToken)
		_, err = e.s.GetToken(ctx, bad)
		wantErr(t, err, ErrTokenNotFound)
		wantErr(t, e.s.RevokeToken(ctx, "cli", bad), ErrTokenNotFound)

		wantErr(t, e.s.CheckSetupToken(ctx, bad), ErrSetupInvalid)
		_, err = e.s.CompleteSetup(ctx, bad, owner)
		wantErr(t, err, ErrSetupInvalid)

		// IDs in another accepted spelling still find their row.
		if got, err := e.s.Get(ctx, strings.ToUpper(o.ID)); err != nil || got.ID != o.ID {
			t.Fatalf("Get(upper-case ID) = %+v, %v", got, err)
		}
	})
}
