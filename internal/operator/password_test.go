package operator

import (
	"regexp"
	"strings"
	"testing"
)

func TestDefaultHashFormat(t *testing.T) {
	h, err := hashPassword(goodPassword, defaultHashParams)
	if err != nil {
		t.Fatal(err)
	}
	// 16-byte salt and 32-byte key in unpadded standard base64.
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q is not the expected PHC string", h)
	}
	if ok, err := verifyPassword(goodPassword, h); err != nil || !ok {
		t.Fatalf("verify own password: %v %v", ok, err)
	}
	if ok, _ := verifyPassword(goodPassword+"!", h); ok {
		t.Fatal("a different password verified")
	}
	if needsRehash(h, defaultHashParams) {
		t.Fatal("a fresh default hash asks to be rehashed")
	}
	if !needsRehash(h, fastParams) {
		t.Fatal("a hash with other parameters does not ask to be rehashed")
	}
}

func TestHashesAreSaltedAndCarryTheirParameters(t *testing.T) {
	a, _ := hashPassword(goodPassword, fastParams)
	b, _ := hashPassword(goodPassword, fastParams)
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("parameters not written: %q", a)
	}
	// Verification reads the parameters from the string, not from the
	// current defaults: old hashes keep working when the defaults change.
	other := hashParams{Memory: 2048, Time: 3, Threads: 1, SaltLen: 8, KeyLen: 16}
	c, _ := hashPassword(goodPassword, other)
	if ok, err := verifyPassword(goodPassword, c); err != nil || !ok {
		t.Fatalf("hash with other parameters: %v %v", ok, err)
	}
}

func TestMalformedHashes(t *testing.T) {
	good, _ := hashPassword(goodPassword, fastParams)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=1024,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key, // would allocate ~100 GB
		"$argon2id$v=19$m=1024,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$!!!$" + key,
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "==",
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "$extra",
	} {
		if ok, err := verifyPassword(goodPassword, h); ok || err == nil {
			t.Errorf("verifyPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := []struct {
		password, email string
		want            error
	}{
		{"short", "a@example.org", ErrPasswordShort},
		{"elevenchars", "a@example.org", ErrPasswordShort},
		{"twelve chars", "a@example.org", nil},
		{"éééééééééééé", "a@example.org", nil}, // 12 characters, 24 bytes
		{strings.Repeat("x", 256), "a@example.org", nil},
		{strings.Repeat("x", 257), "a@example.org", ErrPasswordLong},
		{"Alice.Long@Example.org", "alice.long@example.org", ErrPasswordIsEmail},
		{" alice.long@example.org ", "alice.long@example.org", ErrPasswordIsEmail},
	}
	for _, tc := range cases {
		if got := checkPassword(tc.password, tc.email); got != tc.want {
			t.Errorf("checkPassword(%q) = %v, want %v", tc.password, got, tc.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"  Alice@Example.ORG ", "alice@example.org"},
		{"bob+garde@mail.example.be", "bob+garde@mail.example.be"},
		{"admin@localhost", "admin@localhost"},
		{"", ""},
		{"   ", ""},
		{"alice", ""},
		{"alice@", ""},
		{"@example.org", ""},
		{"Alice <alice@example.org>", ""},
		{"alice@example.org (work)", ""},
		{"a b@example.org", ""},
		{"alice@@example.org", ""},
		{strings.Repeat("a", 250) + "@example.org", ""},
	}
	for _, tc := range cases {
		got, err := normalizeEmail(tc.in)
		if tc.want == "" {
			if err != ErrEmailInvalid {
				t.Errorf("normalizeEmail(%q) = %q, %v; want ErrEmailInvalid", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("normalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
