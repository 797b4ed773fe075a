package operator

import (
	"regexp"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

var owner = NewOperator{Email: "Owner@Example.org", Name: "Owner", Role: Viewer, Password: goodPassword, Locale: "nl"}

func TestSetupCreatesTheFirstOwnerOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		needs, err := e.s.NeedsSetup(ctx)
		if err != nil || !needs {
			t.Fatalf("NeedsSetup on an empty database = %v, %v", needs, err)
		}
		raw, err := e.s.CreateSetupToken(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(raw) {
			t.Fatalf("setup token %q is not 32 bytes of base64url", raw)
		}
		if n := e.count("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = ?", digest(raw)); n != 1 {
			t.Fatal("the token's SHA-256 is not what is stored")
		}
		if n := e.count("SELECT COUNT(*) FROM setup_tokens WHERE token_hash = ?", raw); n != 0 {
			t.Fatal("the raw token is stored")
		}
		if err := e.s.CheckSetupToken(ctx, raw); err != nil {
			t.Fatalf("CheckSetupToken on a fresh token: %v", err)
		}

		_, err = e.s.CompleteSetup(ctx, raw+"x", owner)
		wantErr(t, err, ErrSetupInvalid)
		_, err = e.s.CompleteSetup(ctx, "", owner)
		wantErr(t, err, ErrSetupInvalid)
		// Bad account details are reported as such and do not spend the token.
		bad := owner
		bad.Password = "short"
		_, err = e.s.CompleteSetup(ctx, raw, bad)
		wantErr(t, err, ErrPasswordShort)

		o, err := e.s.CompleteSetup(ctx, raw, owner)
		if err != nil {
			t.Fatal(err)
		}
		if o.Role != Owner || o.Email != "owner@example.org" || o.Locale != "nl" {
			t.Fatalf("setup created %+v; want an owner whatever the role asked", o)
		}
		if needs, _ := e.s.NeedsSetup(ctx); needs {
			t.Fatal("NeedsSetup after setup")
		}
		if _, _, err := e.s.Login(ctx, "owner@example.org", goodPassword, ClientMeta{}); err != nil {
			t.Fatalf("the new owner cannot sign in: %v", err)
		}

		// The token is spent; a fresh token is refused while an operator exists.
		second := owner
		second.Email = "other@example.org"
		_, err = e.s.CompleteSetup(ctx, raw, second)
		wantErr(t, err, ErrSetupInvalid)
		wantErr(t, e.s.CheckSetupToken(ctx, raw), ErrSetupInvalid)
		fresh, err := e.s.CreateSetupToken(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.s.CheckSetupToken(ctx, fresh), ErrSetupInvalid)
		_, err = e.s.CompleteSetup(ctx, fresh, second)
		wantErr(t, err, ErrSetupInvalid)
		if n := e.count("SELECT COUNT(*) FROM operators"); n != 1 {
			t.Fatalf("%d operators after setup, want 1", n)
		}

		done := e.entries("operator.setup_completed")
		if len(done) != 1 || done[0].Actor != "operator:"+o.ID || done[0].Target != "operator:"+o.ID {
			t.Fatalf("setup_completed entries %+v", done)
		}
		if c := e.entries("operator.created"); len(c) != 1 || c[0].Actor != "system" {
			t.Fatalf("operator.created entries %+v", c)
		}
		if n := len(e.entries("operator.setup_token_created")); n != 2 {
			t.Fatalf("%d setup_token_created entries, want 2", n)
		}
	})
}

func TestSetupTokenExpires(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		raw, err := e.s.CreateSetupToken(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour - time.Second)
		if err := e.s.CheckSetupToken(ctx, raw); err != nil {
			t.Fatalf("a token one second before expiry: %v", err)
		}
		e.clock.Add(time.Second)
		_, err = e.s.CompleteSetup(ctx, raw, owner)
		wantErr(t, err, ErrSetupInvalid)
		if needs, _ := e.s.NeedsSetup(ctx); !needs {
			t.Fatal("an expired token created an operator")
		}
		_, err = e.s.CreateSetupToken(ctx, 0)
		wantErr(t, err, ErrSetupInvalid)

		// Purging removes the dead token.
		if err := e.s.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM setup_tokens"); n != 0 {
			t.Fatalf("%d setup tokens after purge", n)
		}
	})
}
