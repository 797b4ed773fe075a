package requests

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
)

// referenceAlphabet has no 0/O, 1/I/L or U: a reference read over the
// phone or copied by hand cannot be mistaken.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// newReference returns a reference such as GR-7K3F-Q9 (30⁶ ≈ 7·10⁸ values).
func newReference() (string, error) {
	b := make([]byte, 6)
	max := big.NewInt(int64(len(referenceAlphabet)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b[i] = referenceAlphabet[n.Int64()]
	}
	return "GR-" + string(b[:4]) + "-" + string(b[4:]), nil
}

// ParseReference reads a reference as people type it ("gr 7k3f q9",
// "7K3FQ9") and returns its canonical form.
func ParseReference(s string) (string, bool) {
	var b strings.Builder
	for _, c := range strings.ToUpper(s) {
		switch {
		case c == ' ' || c == '-' || c == '\t':
			continue
		case c > 127:
			return "", false
		}
		b.WriteRune(c)
	}
	code := b.String()
	if len(code) == 8 && strings.HasPrefix(code, "GR") {
		code = code[2:]
	}
	if len(code) != 6 {
		return "", false
	}
	for i := 0; i < len(code); i++ {
		if strings.IndexByte(referenceAlphabet, code[i]) < 0 {
			return "", false
		}
	}
	return "GR-" + code[:4] + "-" + code[4:], true
}

// randomToken returns 32 random bytes in unpadded base64url (43 characters).
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// digest is the hex SHA-256 of a 256-bit random secret: the only form such
// secrets are stored in (they cannot be guessed, so no salt or KDF).
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newCode returns a 6-digit code.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// normalizeCode keeps the digits of what the person typed ("123 456").
func normalizeCode(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else if c != ' ' && c != '-' {
			return ""
		}
	}
	return b.String()
}

// masterKeyName is the secret_keys row of the instance's HMAC key.
const masterKeyName = "status_key"

// keys are the purpose-bound keys derived from the instance's master key,
// so a status signature can never be replayed as a code hash.
type keys struct {
	status  []byte
	code    []byte
	subject []byte
}

func deriveKeys(master []byte) *keys {
	d := func(purpose string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte("garde/requests/" + purpose))
		return m.Sum(nil)
	}
	return &keys{status: d("status"), code: d("code"), subject: d("subject")}
}

// keys loads (or creates on first start) the master key. It must be called
// outside a transaction: on SQLite the writer is the only connection.
func (s *Service) keys(ctx context.Context) (*keys, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.derived != nil {
		return s.derived, nil
	}
	v, err := s.store.Key(ctx, masterKeyName, func() (string, error) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	})
	if err != nil {
		return nil, err
	}
	master, err := hex.DecodeString(v)
	if err != nil || len(master) < 32 {
		return nil, fmt.Errorf("requests: the stored %s is not a 32-byte hex key", masterKeyName)
	}
	s.derived = deriveKeys(master)
	return s.derived, nil
}

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// codeHash binds a code to its request: a stolen table of hashes cannot be
// reversed by trying the million codes without the key.
func (k *keys) codeHash(requestID, code string) string {
	return hex.EncodeToString(mac(k.code, requestID, code))
}

// subjectActor is the pseudonymous audit actor of the person with email:
// stable, so their actions link up, but not their address.
func (k *keys) subjectActor(email string) Actor {
	return Actor{Kind: ActorSubject, ID: hex.EncodeToString(mac(k.subject, email))[:24]}
}

// StatusTTL is how long a status link works; every email carries a fresh one.
const StatusTTL = 90 * 24 * time.Hour

// statusToken signs a request ID and an expiry: 16 bytes of UUID, 8 of
// Unix time, 32 of HMAC-SHA256, in base64url (75 characters).
func (k *keys) statusToken(requestID string, expires time.Time) string {
	u := uuid.MustParse(requestID)
	buf := make([]byte, 0, 56)
	buf = append(buf, u[:]...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(expires.Unix()))
	buf = append(buf, mac(k.status, string(buf))...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// openStatusToken returns the request ID of a genuine, unexpired token.
func (k *keys) openStatusToken(token string, now time.Time) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || len(raw) != 56 {
		return "", false
	}
	body, sig := raw[:24], raw[24:]
	if subtle.ConstantTimeCompare(sig, mac(k.status, string(body))) != 1 {
		return "", false
	}
	exp := int64(binary.BigEndian.Uint64(body[16:24]))
	if now.Unix() >= exp {
		return "", false
	}
	u, err := uuid.FromBytes(body[:16])
	if err != nil {
		return "", false
	}
	return u.String(), true
}
