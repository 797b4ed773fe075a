package operator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password policy. Long passphrases are welcome; the upper bound only keeps
// a single login from costing unbounded work.
const (
	minPasswordLen = 12
	maxPasswordLen = 256
)

// hashParams are argon2id's cost parameters. They are written into every
// stored hash, so raising them later leaves old hashes verifiable (and a
// successful login re-hashes with the new ones).
type hashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  int
}

// defaultHashParams follow the argon2 RFC's second recommended option,
// with two lanes for small servers: about 64 MiB and tens of milliseconds.
var defaultHashParams = hashParams{Memory: 64 * 1024, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}

var errBadHash = errors.New("operator: malformed password hash")

// checkPassword applies the password policy. email is the account's
// normalised address: a password equal to it is refused.
func checkPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minPasswordLen:
		return ErrPasswordShort
	case n > maxPasswordLen:
		return ErrPasswordLong
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return ErrPasswordIsEmail
	}
	return nil
}

// hashPassword returns the PHC string of password:
// $argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash> (unpadded standard base64).
func hashPassword(password string, p hashParams) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// parseHash reads a PHC string written by hashPassword.
func parseHash(encoded string) (p hashParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadHash
	}
	// Bounds keep a damaged or tampered row from making a login allocate
	// gigabytes or spin for minutes.
	if p.Memory < 8 || p.Memory > 1<<22 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, errBadHash
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	return p, salt, key, nil
}

// verifyPassword reports whether password matches the PHC string, in
// constant time with respect to the key, using the parameters stored in it.
// deriveKey is argon2id; a variable so a test can count derivations (the
// work that makes a login slow) instead of timing them.
var deriveKey = argon2.IDKey

func verifyPassword(password, encoded string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := deriveKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// needsRehash reports whether a stored hash was made with other parameters
// than the current ones.
func needsRehash(encoded string, current hashParams) bool {
	p, _, _, err := parseHash(encoded)
	return err != nil || p != current
}
