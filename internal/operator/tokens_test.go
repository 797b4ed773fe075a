package operator

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

var rawTokenFormat = regexp.MustCompile(`^garde_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$`)

func TestTokenLifecycle(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		o := e.create("alice@example.org", Owner)

		raw, tok, err := e.s.CreateToken(ctx, ActorOf(o.ID), NewToken{
			Name: " CI export ", Scopes: []string{ScopeMailRead, ScopeAuditRead, ScopeMailRead}, OperatorID: o.ID,
		})
		if err != nil {
			t.Fatal(err)
		}
		if !rawTokenFormat.MatchString(raw) || !strings.Contains(raw, strings.ReplaceAll(tok.ID, "-", "")) {
			t.Fatalf("raw token %q for ID %s", raw, tok.ID)
		}
		if tok.Name != "CI export" || strings.Join(tok.Scopes, " ") != "audit:read mail:read" || tok.OperatorID != o.ID || tok.ExpiresAt != nil {
			t.Fatalf("created %+v", tok)
		}
		secret := raw[len(raw)-tokenSecretLen:]
		if n := e.count("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = ?", digest(secret)); n != 1 {
			t.Fatal("the secret's SHA-256 is not what is stored")
		}
		if n := e.count("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = ? OR secret_hash = ?", secret, raw); n != 0 {
			t.Fatal("the raw secret is stored")
		}

		got, err := e.s.AuthenticateToken(ctx, raw)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tok.ID || !got.Allows(ScopeAuditRead) || got.Allows(ScopeOperatorsRead) || got.Allows(ScopeAdmin) {
			t.Fatalf("authenticated %+v", got)
		}
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(e.clock.Now()) {
			t.Fatalf("last use not recorded: %+v", got.LastUsedAt)
		}
		first := *got.LastUsedAt
		e.clock.Add(30 * time.Second)
		if got, _ := e.s.AuthenticateToken(ctx, raw); !got.LastUsedAt.Equal(first) {
			t.Fatal("last use written twice within a minute")
		}
		e.clock.Add(31 * time.Second)
		e.s.AuthenticateToken(ctx, raw)
		if got, _ := e.s.GetToken(ctx, tok.ID); got.LastUsedAt == nil || !got.LastUsedAt.Equal(e.clock.Now()) {
			t.Fatalf("last use not updated after a minute: %+v", got)
		}

		admin, _, err := e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "root", Scopes: []string{ScopeAdmin}})
		if err != nil {
			t.Fatal(err)
		}
		if a, err := e.s.AuthenticateToken(ctx, admin); err != nil || !a.Allows(ScopeOperatorsRead) || a.OperatorID != "" {
			t.Fatalf("admin token = %+v, %v", a, err)
		}

		list, err := e.s.ListTokens(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "root" || list[1].Name != "CI export" {
			t.Fatalf("ListTokens = %+v, %v", list, err)
		}

		if err := e.s.RevokeToken(ctx, ActorOf(o.ID), tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.s.AuthenticateToken(ctx, raw)
		wantErr(t, err, ErrInvalidToken)
		if err := e.s.RevokeToken(ctx, "cli", tok.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		wantErr(t, e.s.RevokeToken(ctx, "cli", "no-such-token"), ErrTokenNotFound)
		if got, _ := e.s.GetToken(ctx, tok.ID); got.RevokedAt == nil {
			t.Fatal("revocation not listed")
		}
		if _, err := e.s.AuthenticateToken(ctx, admin); err != nil {
			t.Fatalf("revoking one token broke another: %v", err)
		}

		created := e.entries("token.created")
		if len(created) != 2 || created[1].Actor != "operator:"+o.ID || created[1].Target != "token:"+tok.ID || detail(created[1], "name") != "CI export" {
			t.Fatalf("token.created entries %+v", created)
		}
		for _, en := range created {
			for k := range en.Details {
				if strings.Contains(detail(en, k), secret) {
					t.Fatal("a token secret reached the audit log")
				}
			}
		}
		revoked := e.entries("token.revoked")
		if len(revoked) != 1 || revoked[0].Target != "token:"+tok.ID {
			t.Fatalf("token.revoked entries %+v", revoked)
		}
	})
}

func TestTokenExpiry(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		raw, tok, err := e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "short", Scopes: []string{ScopeAuditRead}, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(e.clock.Now().Add(time.Hour)) {
			t.Fatalf("expires at %v", tok.ExpiresAt)
		}
		e.clock.Add(time.Hour - time.Second)
		if _, err := e.s.AuthenticateToken(ctx, raw); err != nil {
			t.Fatalf("a token one second before expiry: %v", err)
		}
		e.clock.Add(time.Second)
		_, err = e.s.AuthenticateToken(ctx, raw)
		wantErr(t, err, ErrInvalidToken)
	})
}

func TestCreateTokenRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		in   NewToken
		want error
	}{
		{"no name", NewToken{Name: "  ", Scopes: []string{ScopeAdmin}}, ErrTokenNameRequired},
		{"long name", NewToken{Name: strings.Repeat("n", 101), Scopes: []string{ScopeAdmin}}, ErrTokenNameLong},
		{"no scope", NewToken{Name: "x"}, ErrScopeRequired},
		{"unknown scope", NewToken{Name: "x", Scopes: []string{ScopeAuditRead, "audit:write"}}, ErrScopeUnknown},
		{"empty scope", NewToken{Name: "x", Scopes: []string{""}}, ErrScopeUnknown},
		{"negative lifetime", NewToken{Name: "x", Scopes: []string{ScopeAdmin}, TTL: -time.Second}, ErrTokenTTLInvalid},
		{"unknown operator", NewToken{Name: "x", Scopes: []string{ScopeAdmin}, OperatorID: "no-such-operator"}, ErrNotFound},
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				raw, tok, err := e.s.CreateToken(t.Context(), ActorCLI, tc.in)
				wantErr(t, err, tc.want)
				if raw != "" || tok != nil {
					t.Fatalf("returned %q, %+v with an error", raw, tok)
				}
			})
		}
		if n := e.count("SELECT COUNT(*) FROM api_tokens"); n != 0 {
			t.Fatalf("%d tokens stored from bad input", n)
		}
	})
}

func TestMalformedTokensAreRefused(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := t.Context()
		raw, _, err := e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "a", Scopes: []string{ScopeAdmin}})
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := e.s.CreateToken(ctx, ActorCLI, NewToken{Name: "b", Scopes: []string{ScopeAdmin}})
		if err != nil {
			t.Fatal(err)
		}
		idPart := raw[:len(TokenPrefix)+tokenIDLen+1]
		secret := raw[len(idPart):]
		flip := func(s string, i int) string {
			c := byte('A')
			if s[i] == 'A' {
				c = 'B'
			}
			return s[:i] + string(c) + s[i+1:]
		}
		for name, bad := range map[string]string{
			"empty":               "",
			"prefix only":         TokenPrefix,
			"wrong prefix":        "gardx_" + raw[len(TokenPrefix):],
			"upper-case ID":       TokenPrefix + strings.ToUpper(raw[len(TokenPrefix):len(TokenPrefix)+tokenIDLen]) + raw[len(TokenPrefix)+tokenIDLen:],
			"no separator":        strings.Replace(idPart, "_", "", 2) + "x_" + secret,
			"secret changed":      flip(raw, len(raw)-1),
			"secret truncated":    raw[:len(raw)-1],
			"secret extended":     raw + "A",
			"another's secret":    other[:len(idPart)] + secret,
			"unknown ID":          TokenPrefix + "0123456789abcdef0123456789abcdef" + raw[len(TokenPrefix)+tokenIDLen:],
			"bearer word left in": "Bearer " + raw,
			"spaces":              " " + raw + " ",
			"non-ASCII":           raw[:len(raw)-2] + "é",
		} {
			if _, err := e.s.AuthenticateToken(ctx, bad); err != ErrInvalidToken {
				t.Errorf("%s: %q gave %v, want ErrInvalidToken", name, bad, err)
			}
		}
		if _, err := e.s.AuthenticateToken(ctx, raw); err != nil {
			t.Fatalf("the genuine token: %v", err)
		}
	})
}
