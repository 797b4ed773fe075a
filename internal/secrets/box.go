// Package secrets encrypts the secrets Garde keeps in its database
// (webhook signing secrets, connector credentials) so that a copy of the
// database alone — a backup, a dump, a stolen disk of the database server —
// does not give them away.
//
// One master key of 32 bytes, kept outside the database (the secret_key
// setting, or the file secret.key in the data directory), derives one
// AES-256-GCM key per purpose with HKDF-SHA256. A sealed value is text:
//
//	v1:<key id>:<base64url(nonce | ciphertext and tag)>
//
// The context given when sealing ("webhook.secret:<endpoint id>") is
// authenticated with the value: the part before the first colon picks the
// purpose's key, and the whole context must be given again to open it, so
// a value copied to another row or column does not open there.
//
// Rotation: the key id in each value says which master key sealed it.
// secret_key may list older keys after the current one; values they sealed
// still open, and services re-seal them with the current key (for webhooks,
// at start-up). Once that is done the old keys can be dropped.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/garde-privacy/garde/internal/config"
)

// KeySize is the length of a master key in bytes.
const KeySize = config.SecretKeySize

// version is the envelope's format and algorithm.
const version = "v1"

// Errors from Open. None carries the value or the key.
var (
	// ErrMalformed: the text is not a sealed value.
	ErrMalformed = errors.New("secrets: not a sealed value")
	// ErrUnknownKey: the value was sealed with a key this instance lacks.
	ErrUnknownKey = errors.New("secrets: sealed with a key this instance does not have")
	// ErrRefused: the key or context does not match, or the value was altered.
	ErrRefused = errors.New("secrets: the value does not open with this context (wrong context or altered value)")
)

// Box seals and opens values. It is safe for concurrent use.
type Box struct {
	current masterKey
	byID    map[string][]masterKey // a 32-bit id may collide: all are tried
	aeads   sync.Map               // keyID+"\x00"+purpose+"\x00"+index → cipher.AEAD
}

type masterKey struct {
	id       string
	material []byte
}

// New returns a box sealing with current and opening with current and old.
func New(current []byte, old ...[]byte) (*Box, error) {
	if len(current) != KeySize {
		return nil, fmt.Errorf("secrets: a key must be %d bytes, got %d", KeySize, len(current))
	}
	b := &Box{byID: map[string][]masterKey{}}
	for i, k := range append([][]byte{current}, old...) {
		if len(k) != KeySize {
			return nil, fmt.Errorf("secrets: a key must be %d bytes, got %d", KeySize, len(k))
		}
		mk := masterKey{id: keyID(k), material: append([]byte(nil), k...)}
		if i == 0 {
			b.current = mk
		}
		b.byID[mk.id] = append(b.byID[mk.id], mk)
	}
	return b, nil
}

// keyID names a key without revealing it: the start of an HMAC under it.
func keyID(k []byte) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("garde secrets key id"))
	return hex.EncodeToString(m.Sum(nil)[:4])
}

// KeyID is the id of the current key, as written in what it seals.
func (b *Box) KeyID() string { return b.current.id }

// Seal encrypts plaintext for context ("<purpose>:<row>", e.g.
// "webhook.secret:0190…"), which Open must be given again.
func (b *Box) Seal(plaintext []byte, context string) (string, error) {
	aead, err := b.aead(b.current, 0, context)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secrets: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, []byte(context))
	return version + ":" + b.current.id + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value sealed for context.
func (b *Box) Open(sealed, context string) ([]byte, error) {
	id, data, err := parse(sealed)
	if err != nil {
		return nil, err
	}
	keys := b.byID[id]
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w (key id %s; this instance has %s): give every instance the same secret_key, old keys after the current one", ErrUnknownKey, id, b.ids())
	}
	for i, k := range keys {
		aead, err := b.aead(k, i, context)
		if err != nil {
			return nil, err
		}
		if len(data) < aead.NonceSize()+aead.Overhead() {
			return nil, ErrMalformed
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(context))
		if err == nil {
			return plain, nil
		}
	}
	return nil, ErrRefused
}

// Current reports whether sealed was sealed with the current key; values
// for which it is false should be sealed again.
func (b *Box) Current(sealed string) bool {
	id, _, err := parse(sealed)
	return err == nil && id == b.current.id
}

func parse(sealed string) (id string, data []byte, err error) {
	v, rest, ok := strings.Cut(sealed, ":")
	if !ok || v != version {
		return "", nil, ErrMalformed
	}
	id, enc, ok := strings.Cut(rest, ":")
	if !ok || len(id) != 8 {
		return "", nil, ErrMalformed
	}
	data, err = base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", nil, ErrMalformed
	}
	return id, data, nil
}

// aead returns the cipher of k for the purpose of context.
func (b *Box) aead(k masterKey, index int, context string) (cipher.AEAD, error) {
	purpose, _, _ := strings.Cut(context, ":")
	if strings.TrimSpace(purpose) == "" {
		return nil, errors.New("secrets: a context naming a purpose is required")
	}
	cacheKey := fmt.Sprintf("%s\x00%s\x00%d", k.id, purpose, index)
	if a, ok := b.aeads.Load(cacheKey); ok {
		return a.(cipher.AEAD), nil
	}
	sub, err := hkdf.Key(sha256.New, k.material, nil, "garde/secrets/"+version+"/"+purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	block, err := aes.NewCipher(sub)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	b.aeads.Store(cacheKey, a)
	return a, nil
}

func (b *Box) ids() string {
	ids := make([]string, 0, len(b.byID))
	ids = append(ids, b.current.id)
	for id := range b.byID {
		if id != b.current.id {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, ", ")
}
