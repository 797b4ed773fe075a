package operator

import (
	"strings"
	"sync"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestCreateListGet(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o, err := e.s.Create(ctx, ActorCLI, NewOperator{
			Email: "  Alice@Example.ORG ", Name: "  Alice Martin ", Role: Owner, Password: goodPassword, Locale: "fr",
		})
		if err != nil {
			t.Fatal(err)
		}
		if o.Email != "alice@example.org" || o.Name != "Alice Martin" || o.Role != Owner || o.Locale != "fr" || o.ID == "" {
			t.Fatalf("created %+v", o)
		}
		if !o.CreatedAt.Equal(e.clock.Now()) || o.Disabled() || o.LastLoginAt != nil {
			t.Fatalf("created %+v", o)
		}
		e.clock.Add(1)
		e.create("bob@example.org", Agent)

		list, err := e.s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Email != "alice@example.org" || list[1].Email != "bob@example.org" {
			t.Fatalf("list = %+v", list)
		}
		got, err := e.s.Get(ctx, o.ID)
		if err != nil || got.Email != o.Email || !got.CreatedAt.Equal(o.CreatedAt) || got.Locale != "fr" {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		got, err = e.s.GetByEmail(ctx, " ALICE@example.org")
		if err != nil || got.ID != o.ID {
			t.Fatalf("GetByEmail = %+v, %v", got, err)
		}
		_, err = e.s.Get(ctx, "no-such-id")
		wantErr(t, err, ErrNotFound)
		_, err = e.s.GetByEmail(ctx, "nobody@example.org")
		wantErr(t, err, ErrNotFound)
		_, err = e.s.GetByEmail(ctx, "not an address")
		wantErr(t, err, ErrNotFound)

		// Only the argon2id hash is stored.
		var hash string
		if err := d.QueryRow(ctx, "SELECT password_hash FROM operators WHERE id = ?", o.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$") || strings.Contains(hash, goodPassword) {
			t.Fatalf("stored hash %q", hash)
		}

		// Same address in another case: taken.
		_, err = e.s.Create(ctx, ActorCLI, NewOperator{Email: "ALICE@example.org", Role: Admin, Password: goodPassword})
		wantErr(t, err, ErrEmailTaken)

		created := e.entries("operator.created")
		if len(created) != 2 {
			t.Fatalf("%d operator.created entries, want 2", len(created))
		}
		first := created[1]
		if first.Actor != "cli" || first.Target != "operator:"+o.ID || first.Details["email"] != "alice@example.org" || first.Details["role"] != "owner" {
			t.Fatalf("audit entry %+v", first)
		}
		for _, v := range first.Details {
			if s, ok := v.(string); ok && strings.Contains(s, "argon2") {
				t.Fatal("password hash written to the audit log")
			}
		}
	})
}

func TestCreateRejectsBadInput(t *testing.T) {
	long := strings.Repeat("n", 201)
	cases := []struct {
		name string
		in   NewOperator
		want error
	}{
		{"empty email", NewOperator{Email: "", Role: Admin, Password: goodPassword}, ErrEmailInvalid},
		{"no at sign", NewOperator{Email: "alice.example.org", Role: Admin, Password: goodPassword}, ErrEmailInvalid},
		{"display name", NewOperator{Email: "Alice <alice@example.org>", Role: Admin, Password: goodPassword}, ErrEmailInvalid},
		{"name too long", NewOperator{Email: "a@example.org", Name: long, Role: Admin, Password: goodPassword}, ErrNameLong},
		{"no role", NewOperator{Email: "a@example.org", Password: goodPassword}, ErrRoleInvalid},
		{"unknown role", NewOperator{Email: "a@example.org", Role: "root", Password: goodPassword}, ErrRoleInvalid},
		{"unknown locale", NewOperator{Email: "a@example.org", Role: Admin, Password: goodPassword, Locale: "de"}, ErrLocaleInvalid},
		{"short password", NewOperator{Email: "a@example.org", Role: Admin, Password: "12345678901"}, ErrPasswordShort},
		{"empty password", NewOperator{Email: "a@example.org", Role: Admin}, ErrPasswordShort},
		{"long password", NewOperator{Email: "a@example.org", Role: Admin, Password: strings.Repeat("p", 257)}, ErrPasswordLong},
		{"password is email", NewOperator{Email: "alice.martin@example.org", Role: Admin, Password: "Alice.Martin@example.org"}, ErrPasswordIsEmail},
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o, err := e.s.Create(t.Context(), ActorCLI, tc.in)
				wantErr(t, err, tc.want)
				if o != nil {
					t.Fatalf("returned %+v with an error", o)
				}
			})
		}
		if n := e.count("SELECT COUNT(*) FROM operators"); n != 0 {
			t.Fatalf("%d operators stored from bad input", n)
		}
		if n := len(e.entries("operator.created")); n != 0 {
			t.Fatalf("%d audit entries for refused creations", n)
		}
	})
}

func TestErrorsAreTranslated(t *testing.T) {
	cat := i18n.MustLoad()
	for _, err := range []*i18n.Error{
		ErrEmailInvalid, ErrEmailTaken, ErrNameLong, ErrNameInvalid, ErrRoleInvalid, ErrLocaleInvalid, ErrPasswordShort,
		ErrPasswordLong, ErrPasswordIsEmail, ErrPasswordWrong, ErrNotFound, ErrLastOwner, ErrSetupInvalid,
		ErrInvalidCredentials, ErrThrottled, ErrNoSession, ErrTokenNameRequired, ErrTokenNameLong,
		ErrScopeRequired, ErrScopeUnknown, ErrTokenTTLInvalid, ErrTokenNotFound, ErrInvalidToken,
	} {
		for _, l := range i18n.Langs {
			if !cat.Has(l, err.ID) {
				t.Errorf("%s missing in %s", err.ID, l)
			}
			if msg := err.Localize(cat.For(l)); strings.Contains(msg, "{{") || strings.Contains(msg, "<no value>") {
				t.Errorf("%s in %s renders %q", err.ID, l, msg)
			}
		}
	}
	if got := ErrPasswordShort.Localize(cat.For(i18n.FR)); !strings.Contains(got, "12") {
		t.Errorf("French password_short = %q, want the minimum in it", got)
	}
	for _, r := range Roles {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "operator.role."+string(r)) {
				t.Errorf("role %s has no name in %s", r, l)
			}
		}
	}
	for _, sc := range Scopes {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "scope."+sc.Name) {
				t.Errorf("scope %s has no description in %s", sc.Name, l)
			}
		}
	}
}

func TestDisableEnable(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		e.create("owner@example.org", Owner)
		agent := e.create("agent@example.org", Agent)
		token, _, err := e.s.Login(ctx, "agent@example.org", goodPassword, ClientMeta{IP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}

		if err := e.s.Disable(ctx, "operator:x", " Agent@Example.org"); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Get(ctx, agent.ID)
		if !got.Disabled() || !got.DisabledAt.Equal(e.clock.Now()) {
			t.Fatalf("after Disable: %+v", got)
		}
		_, err = e.s.Session(ctx, token)
		wantErr(t, err, ErrNoSession)
		if n := e.count("SELECT COUNT(*) FROM sessions WHERE operator_id = ?", agent.ID); n != 0 {
			t.Fatalf("%d sessions left after Disable", n)
		}
		_, _, err = e.s.Login(ctx, "agent@example.org", goodPassword, ClientMeta{})
		wantErr(t, err, ErrInvalidCredentials)

		// Disabling twice changes nothing and records nothing more.
		if err := e.s.Disable(ctx, "cli", "agent@example.org"); err != nil {
			t.Fatal(err)
		}
		dis := e.entries("operator.disabled")
		if len(dis) != 1 || dis[0].Actor != "operator:x" || dis[0].Target != "operator:"+agent.ID || detail(dis[0], "sessions_ended") != "1" {
			t.Fatalf("operator.disabled entries %+v", dis)
		}
		wantErr(t, e.s.Disable(ctx, "cli", "nobody@example.org"), ErrNotFound)
		wantErr(t, e.s.Disable(ctx, "cli", "garbage"), ErrNotFound)

		if err := e.s.Enable(ctx, "cli", "agent@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Enable(ctx, "cli", "agent@example.org"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.entries("operator.enabled")); n != 1 {
			t.Fatalf("%d operator.enabled entries, want 1", n)
		}
		if _, _, err := e.s.Login(ctx, "agent@example.org", goodPassword, ClientMeta{}); err != nil {
			t.Fatalf("login after Enable: %v", err)
		}
		wantErr(t, e.s.Enable(ctx, "cli", "nobody@example.org"), ErrNotFound)
	})
}

func TestLastOwnerGuards(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		a := e.create("a@example.org", Owner)
		admin := e.create("admin@example.org", Admin)

		wantErr(t, e.s.Disable(ctx, "cli", "a@example.org"), ErrLastOwner)
		wantErr(t, e.s.SetRole(ctx, "cli", a.ID, Admin), ErrLastOwner)
		if got, _ := e.s.Get(ctx, a.ID); got.Disabled() || got.Role != Owner {
			t.Fatalf("refused change applied: %+v", got)
		}
		// Setting the role it already has is not a demotion.
		if err := e.s.SetRole(ctx, "cli", a.ID, Owner); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.s.SetRole(ctx, "cli", admin.ID, "superuser"), ErrRoleInvalid)
		wantErr(t, e.s.SetRole(ctx, "cli", "no-such-id", Agent), ErrNotFound)

		// A second owner lets the first go.
		if err := e.s.SetRole(ctx, "operator:"+a.ID, admin.ID, Owner); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetRole(ctx, "cli", a.ID, Viewer); err != nil {
			t.Fatal(err)
		}
		// Now admin@ is the only owner; a disabled owner would not count.
		wantErr(t, e.s.Disable(ctx, "cli", "admin@example.org"), ErrLastOwner)
		if err := e.s.SetRole(ctx, "cli", a.ID, Owner); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Disable(ctx, "cli", "a@example.org"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.s.SetRole(ctx, "cli", admin.ID, Agent), ErrLastOwner)
		// Changing a disabled owner's role never leaves the owners short.
		if err := e.s.SetRole(ctx, "cli", a.ID, Viewer); err != nil {
			t.Fatal(err)
		}

		changes := e.entries("operator.role_changed")
		if len(changes) != 4 {
			t.Fatalf("%d operator.role_changed entries, want 4", len(changes))
		}
		first := changes[len(changes)-1]
		if first.Actor != "operator:"+a.ID || first.Target != "operator:"+admin.ID || first.Details["from"] != "admin" || first.Details["to"] != "owner" {
			t.Fatalf("first role change %+v", first)
		}
	})
}

// Two owners disabling each other at the same moment must not leave the
// installation without an owner, on either engine.
func TestLastOwnerGuardUnderConcurrency(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for round := range 5 {
			a := e.create("a"+string(rune('0'+round))+"@example.org", Owner)
			b := e.create("b"+string(rune('0'+round))+"@example.org", Owner)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, o := range []*Operator{a, b} {
				wg.Go(func() { errs[i] = e.s.Disable(t.Context(), "cli", o.Email) })
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: errors %v and %v; exactly one disable must win", round, errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && err != ErrLastOwner {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if n := e.count("SELECT COUNT(*) FROM operators WHERE role = 'owner' AND disabled_at IS NULL"); n != 1 {
				t.Fatalf("round %d: %d active owners", round, n)
			}
			// Leave no owner standing for the next round's pair.
			left := a
			if errs[0] == nil {
				left = b
			}
			if _, err := d.Exec(t.Context(), "UPDATE operators SET role = 'viewer' WHERE id = ?", left.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestSetLocale(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("a@example.org", Owner)
		if err := e.s.SetLocale(ctx, o.ID, i18n.NL); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Get(ctx, o.ID); got.Locale != "nl" {
			t.Fatalf("locale = %q", got.Locale)
		}
		if err := e.s.SetLocale(ctx, o.ID, i18n.NL); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SetLocale(ctx, o.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.s.Get(ctx, o.ID); got.Locale != "" {
			t.Fatalf("locale = %q after clearing", got.Locale)
		}
		wantErr(t, e.s.SetLocale(ctx, o.ID, "de"), ErrLocaleInvalid)
		wantErr(t, e.s.SetLocale(ctx, "no-such-id", i18n.FR), ErrNotFound)
		ch := e.entries("operator.locale_changed")
		if len(ch) != 2 || ch[1].Actor != "operator:"+o.ID || ch[1].Details["to"] != "nl" || ch[0].Details["from"] != "nl" {
			t.Fatalf("locale entries %+v", ch)
		}
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("a@example.org", Owner)
		keep, _, err := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err != nil {
			t.Fatal(err)
		}
		const next = "a much better passphrase"

		wantErr(t, e.s.ChangePassword(ctx, o.ID, "not the password", next, keep), ErrPasswordWrong)
		wantErr(t, e.s.ChangePassword(ctx, o.ID, goodPassword, "short", keep), ErrPasswordShort)
		wantErr(t, e.s.ChangePassword(ctx, o.ID, goodPassword, "A@example.org", keep), ErrPasswordIsEmail)
		wantErr(t, e.s.ChangePassword(ctx, o.ID, goodPassword, " a@example.org ", keep), ErrPasswordIsEmail)
		wantErr(t, e.s.ChangePassword(ctx, "no-such-id", goodPassword, next, keep), ErrNotFound)
		if n := len(e.entries("operator.password_changed")); n != 0 {
			t.Fatalf("refused changes audited: %d", n)
		}

		if err := e.s.ChangePassword(ctx, o.ID, goodPassword, next, keep); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Session(ctx, keep); err != nil {
			t.Fatalf("the session that changed the password was ended: %v", err)
		}
		_, err = e.s.Session(ctx, other)
		wantErr(t, err, ErrNoSession)
		_, _, err = e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		wantErr(t, err, ErrInvalidCredentials)
		if _, _, err := e.s.Login(ctx, o.Email, next, ClientMeta{}); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		ch := e.entries("operator.password_changed")
		if len(ch) != 1 || ch[0].Actor != "operator:"+o.ID || detail(ch[0], "sessions_ended") != "1" {
			t.Fatalf("password_changed entries %+v", ch)
		}
	})
}

func TestChangePasswordRefusesTheEmail(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		o := e.create("alice.martin@example.org", Owner)
		wantErr(t, e.s.ChangePassword(t.Context(), o.ID, goodPassword, "Alice.Martin@example.org", ""), ErrPasswordIsEmail)
	})
}
