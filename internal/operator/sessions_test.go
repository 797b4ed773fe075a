package operator

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestLogin(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("alice@example.org", Admin)
		meta := ClientMeta{IP: "192.0.2.7", UserAgent: "Firefox"}

		token, got, err := e.s.Login(ctx, " ALICE@example.org ", goodPassword, meta)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(token) {
			t.Fatalf("session token %q is not 32 bytes of base64url", token)
		}
		if got.ID != o.ID || got.LastLoginAt == nil || !got.LastLoginAt.Equal(e.clock.Now()) {
			t.Fatalf("Login returned %+v", got)
		}
		if again, _ := e.s.Get(ctx, o.ID); again.LastLoginAt == nil {
			t.Fatal("last_login_at not stored")
		}
		if n := e.count("SELECT COUNT(*) FROM sessions WHERE id_hash = ? AND operator_id = ? AND ip = ? AND user_agent = ?",
			digest(token), o.ID, "192.0.2.7", "Firefox"); n != 1 {
			t.Fatal("the session is not stored under the token's SHA-256")
		}
		if n := e.count("SELECT COUNT(*) FROM sessions WHERE id_hash = ?", token); n != 0 {
			t.Fatal("the raw session token is stored")
		}
		s, err := e.s.Session(ctx, token)
		if err != nil || s.ID != o.ID || s.Role != Admin {
			t.Fatalf("Session = %+v, %v", s, err)
		}
		in := e.entries("operator.login")
		if len(in) != 1 || in[0].Actor != "operator:"+o.ID || detail(in[0], "ip") != "192.0.2.7" || detail(in[0], "user_agent") != "Firefox" {
			t.Fatalf("operator.login entries %+v", in)
		}

		cases := []struct{ email, password, reason string }{
			{"alice@example.org", "wrong password!", "wrong_password"},
			{"alice@example.org", "", "wrong_password"},
			{"nobody@example.org", goodPassword, "unknown_email"},
			{"not an address", goodPassword, "unknown_email"},
			{"", "", "unknown_email"},
		}
		for _, tc := range cases {
			tok, op, err := e.s.Login(ctx, tc.email, tc.password, ClientMeta{IP: "198.51.100.1"})
			wantErr(t, err, ErrInvalidCredentials)
			if tok != "" || op != nil {
				t.Fatalf("failed login returned %q, %+v", tok, op)
			}
		}
		// A disabled account gives the same error, even with the right password.
		e.create("bob@example.org", Agent)
		if err := e.s.Disable(ctx, "cli", "bob@example.org"); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.s.Login(ctx, "bob@example.org", goodPassword, ClientMeta{IP: "198.51.100.2"})
		wantErr(t, err, ErrInvalidCredentials)

		failed := e.entries("operator.login_failed")
		if len(failed) != len(cases)+1 {
			t.Fatalf("%d login_failed entries, want %d", len(failed), len(cases)+1)
		}
		for i, tc := range cases {
			en := failed[len(failed)-1-i]
			if en.Actor != "system" || detail(en, "reason") != tc.reason || detail(en, "email") != emailKey(tc.email) || detail(en, "ip") != "198.51.100.1" {
				t.Errorf("login_failed entry for %q: %+v", tc.email, en)
			}
		}
		if detail(failed[0], "reason") != "disabled" || !strings.HasPrefix(failed[0].Target, "operator:") {
			t.Errorf("login_failed entry for a disabled account: %+v", failed[0])
		}
		if n := e.count("SELECT COUNT(*) FROM sessions"); n != 1 {
			t.Fatalf("%d sessions; failed logins must not open any", n)
		}
	})
}

func TestLoginThrottlesPerEmail(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		e.create("alice@example.org", Admin)
		e.create("bob@example.org", Admin)
		fail := func(email, ip string) error {
			_, _, err := e.s.Login(ctx, email, "wrong password!", ClientMeta{IP: ip})
			return err
		}
		// Each failure from another IP: only the per-address limit applies.
		for i := range maxFailuresPerEmail {
			wantErr(t, fail("alice@example.org", fmt.Sprintf("203.0.113.%d", i)), ErrInvalidCredentials)
		}
		_, _, err := e.s.Login(ctx, "Alice@example.org", goodPassword, ClientMeta{IP: "203.0.113.99"})
		wantErr(t, err, ErrThrottled)
		if th := e.entries("operator.login_failed"); detail(th[0], "reason") != "throttled" {
			t.Fatalf("throttled attempt audited as %+v", th[0])
		}
		// Another account is not affected.
		if _, _, err := e.s.Login(ctx, "bob@example.org", goodPassword, ClientMeta{IP: "203.0.113.99"}); err != nil {
			t.Fatalf("another account throttled: %v", err)
		}
		// The window slides: once the failures are 15 minutes old, the right
		// password works again, and resets the count.
		e.clock.Add(failureWindow - time.Second)
		_, _, err = e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{})
		wantErr(t, err, ErrThrottled)
		e.clock.Add(time.Second)
		if _, _, err := e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{}); err != nil {
			t.Fatalf("login after the window: %v", err)
		}
		for range maxFailuresPerEmail - 1 {
			wantErr(t, fail("alice@example.org", ""), ErrInvalidCredentials)
		}
		if _, _, err := e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{}); err != nil {
			t.Fatalf("4 failures throttled: %v", err)
		}
		for range maxFailuresPerEmail - 1 {
			wantErr(t, fail("alice@example.org", ""), ErrInvalidCredentials)
		}
		wantErr(t, fail("alice@example.org", ""), ErrInvalidCredentials)
		wantErr(t, fail("alice@example.org", ""), ErrThrottled)

		// Unknown addresses are throttled the same way, so the answer never
		// tells whether an account exists.
		for range maxFailuresPerEmail {
			wantErr(t, fail("ghost@example.org", ""), ErrInvalidCredentials)
		}
		wantErr(t, fail("ghost@example.org", ""), ErrThrottled)
	})
}

func TestParallelLoginsAreThrottled(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.create("alice@example.org", Admin)
		var mu sync.Mutex
		got := map[error]int{}
		var wg sync.WaitGroup
		for range 4 * maxFailuresPerEmail {
			wg.Go(func() {
				_, _, err := e.s.Login(t.Context(), "alice@example.org", "wrong password!", ClientMeta{})
				mu.Lock()
				got[err]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if got[ErrInvalidCredentials] != maxFailuresPerEmail || got[ErrThrottled] != 3*maxFailuresPerEmail {
			t.Fatalf("results %v; want %d password checks, the rest throttled", got, maxFailuresPerEmail)
		}
	})
}

func TestLoginThrottlesPerIP(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		e.create("alice@example.org", Admin)
		// One client trying many addresses.
		for i := range maxFailuresPerIP {
			_, _, err := e.s.Login(ctx, fmt.Sprintf("user%d@example.org", i), goodPassword, ClientMeta{IP: "192.0.2.50:4242"})
			wantErr(t, err, ErrInvalidCredentials)
		}
		_, _, err := e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{IP: "192.0.2.50:5555"})
		wantErr(t, err, ErrThrottled)
		if _, _, err := e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{IP: "192.0.2.51"}); err != nil {
			t.Fatalf("another client throttled: %v", err)
		}
		// A success does not clear the IP's count.
		_, _, err = e.s.Login(ctx, "alice@example.org", goodPassword, ClientMeta{IP: "192.0.2.50"})
		wantErr(t, err, ErrThrottled)
	})
}

// An unknown address must cost a full password hash, like a wrong password:
// otherwise response times tell which addresses have accounts. The test
// counts argon2id derivations (deterministic) rather than timing logins.
func TestLoginCostDoesNotRevealAccounts(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	e.create("alice@example.org", Admin)
	e.create("bob@example.org", Viewer)
	if err := e.s.Disable(t.Context(), ActorCLI, "bob@example.org"); err != nil {
		t.Fatal(err)
	}
	var derivations int
	orig := deriveKey
	deriveKey = func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		derivations++
		return orig(password, salt, time, memory, threads, keyLen)
	}
	t.Cleanup(func() { deriveKey = orig })
	e.s.dummy() // made once per service, on first use; not part of a login's cost
	for i, email := range []string{"alice@example.org", "nobody@example.org", "bob@example.org"} {
		derivations = 0
		_, _, err := e.s.Login(t.Context(), email, "wrong password!", ClientMeta{IP: fmt.Sprint("192.0.2.", i)})
		wantErr(t, err, ErrInvalidCredentials)
		if derivations != 1 {
			t.Errorf("login as %s derived %d keys, want exactly 1 like any other failed login", email, derivations)
		}
	}
}

func TestLoginUpgradesOldHashes(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		o := e.create("alice@example.org", Admin) // hashed with fastParams
		e.s.params = hashParams{Memory: 2048, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		if _, _, err := e.s.Login(t.Context(), o.Email, goodPassword, ClientMeta{}); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := d.QueryRow(t.Context(), "SELECT password_hash FROM operators WHERE id = ?", o.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=2048,t=1,p=1$") {
			t.Fatalf("hash not upgraded: %q", hash)
		}
		if _, _, err := e.s.Login(t.Context(), o.Email, goodPassword, ClientMeta{}); err != nil {
			t.Fatalf("login with the upgraded hash: %v", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d) // session TTL: one hour
		ctx := t.Context()
		o := e.create("alice@example.org", Admin)
		token, _, err := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err != nil {
			t.Fatal(err)
		}
		expiry := func() time.Time {
			var at time.Time
			if err := d.QueryRow(ctx, "SELECT expires_at FROM sessions WHERE id_hash = ?", digest(token)).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at.UTC()
		}
		start := e.clock.Now()
		if !expiry().Equal(start.Add(time.Hour)) {
			t.Fatalf("expires_at = %v, want login + 1h", expiry())
		}
		// Within a minute of the last write: no write.
		e.clock.Add(30 * time.Second)
		if _, err := e.s.Session(ctx, token); err != nil {
			t.Fatal(err)
		}
		if !expiry().Equal(start.Add(time.Hour)) {
			t.Fatal("expiry written twice within a minute")
		}
		// Later activity slides the expiry.
		e.clock.Add(45 * time.Minute)
		if _, err := e.s.Session(ctx, token); err != nil {
			t.Fatal(err)
		}
		slid := e.clock.Now().Add(time.Hour)
		if !expiry().Equal(slid) {
			t.Fatalf("expires_at = %v, want %v", expiry(), slid)
		}
		// Past the original hour, still signed in thanks to the slide.
		e.clock.Add(59 * time.Minute)
		if _, err := e.s.Session(ctx, token); err != nil {
			t.Fatalf("active session expired: %v", err)
		}
		// An hour of inactivity ends it.
		e.clock.Add(time.Hour)
		_, err = e.s.Session(ctx, token)
		wantErr(t, err, ErrNoSession)

		other, _, err := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM sessions"); n != 1 {
			t.Fatalf("%d sessions after purge, want the live one only", n)
		}
		if _, err := e.s.Session(ctx, other); err != nil {
			t.Fatalf("purge ended a live session: %v", err)
		}

		for _, bad := range []string{"", "x", token, strings.Repeat("a", 5000), other + " "} {
			_, err := e.s.Session(ctx, bad)
			wantErr(t, err, ErrNoSession)
		}
	})
}

func TestLogout(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("alice@example.org", Admin)
		a, _, _ := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		b, _, _ := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err := e.s.Logout(ctx, a); err != nil {
			t.Fatal(err)
		}
		_, err := e.s.Session(ctx, a)
		wantErr(t, err, ErrNoSession)
		if _, err := e.s.Session(ctx, b); err != nil {
			t.Fatalf("logout ended another session: %v", err)
		}
		// Logging out twice, or with nothing, is harmless.
		for _, tok := range []string{a, "", "garbage"} {
			if err := e.s.Logout(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		out := e.entries("operator.logout")
		if len(out) != 1 || out[0].Actor != "operator:"+o.ID {
			t.Fatalf("operator.logout entries %+v", out)
		}
	})
}

func TestSessionOfDemotedOperatorShowsTheNewRole(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		e.create("owner@example.org", Owner)
		o := e.create("alice@example.org", Admin)
		token, _, _ := e.s.Login(ctx, o.Email, goodPassword, ClientMeta{})
		if err := e.s.SetRole(ctx, "cli", o.ID, Viewer); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Session(ctx, token)
		if err != nil || got.Role != Viewer {
			t.Fatalf("Session after demotion = %+v, %v", got, err)
		}
	})
}
