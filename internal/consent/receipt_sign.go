package consent

import (
	"context"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/garde-privacy/garde/internal/i18n"
)

// ReceiptKeysPath serves the public keys that check signed receipts, as a
// JSON Web Key Set: anyone holding a receipt can verify it without asking
// Garde.
const ReceiptKeysPath = "/consent/v1/receipt-keys"

// ReceiptSigner signs consent receipts as compact JWS (RFC 7515) with
// Ed25519 ("EdDSA", RFC 8037), the form the Kantara specification allows
// for a receipt. Its keys derive from an instance secret kept sealed in
// the database and a generation number, so every instance of one
// installation signs alike, a restart keeps the key, and a rotation needs
// to store nothing but the new number.
type ReceiptSigner struct {
	secret []byte
	mu     sync.Mutex
	keys   map[int]receiptKey // generation → key, derived once
}

type receiptKey struct {
	private ed25519.PrivateKey
	kid     string
}

// NewReceiptSigner derives the signing keys from secret (at least 16
// bytes); secret itself is never used to sign.
func NewReceiptSigner(secret []byte) (*ReceiptSigner, error) {
	if len(secret) < 16 {
		return nil, errors.New("consent: a receipt signing secret needs at least 16 bytes")
	}
	return &ReceiptSigner{secret: slices.Clone(secret), keys: map[int]receiptKey{}}, nil
}

// key derives the key of one generation. Generation 1's label is the one
// used before keys had generations, so receipts signed then still check.
func (s *ReceiptSigner) key(generation int) (receiptKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[generation]; ok {
		return k, nil
	}
	if generation < 1 {
		return receiptKey{}, fmt.Errorf("consent: receipt key generation %d", generation)
	}
	seed, err := hkdf.Key(sha256.New, s.secret, nil, fmt.Sprintf("garde/consent/receipt-signing/v%d", generation), ed25519.SeedSize)
	if err != nil {
		return receiptKey{}, err
	}
	private := ed25519.NewKeyFromSeed(seed)
	sum := sha256.Sum256(private.Public().(ed25519.PublicKey))
	k := receiptKey{private: private, kid: hex.EncodeToString(sum[:8])}
	s.keys[generation] = k
	return k, nil
}

// KeyID is the "kid" of a generation's key, as in the key set and in the
// header of the receipts it signs.
func (s *ReceiptSigner) KeyID(generation int) (string, error) {
	k, err := s.key(generation)
	return k.kid, err
}

var b64 = base64.RawURLEncoding

// Sign returns the receipt as a compact JWS whose payload is the receipt's
// JSON, signed with the key of generation.
func (s *ReceiptSigner) Sign(r *Receipt, generation int) (string, error) {
	k, err := s.key(generation)
	if err != nil {
		return "", err
	}
	header, err := json.Marshal(map[string]string{"alg": "EdDSA", "typ": "JWT", "kid": k.kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return signing + "." + b64.EncodeToString(ed25519.Sign(k.private, []byte(signing))), nil
}

// KeySet is the JSON Web Key Set of the public keys of generations, in
// the order given.
func (s *ReceiptSigner) KeySet(generations []int) ([]byte, error) {
	keys := make([]map[string]string, 0, len(generations))
	for _, g := range generations {
		k, err := s.key(g)
		if err != nil {
			return nil, err
		}
		keys = append(keys, map[string]string{"kty": "OKP", "crv": "Ed25519",
			"x": b64.EncodeToString(k.private.Public().(ed25519.PublicKey)), "kid": k.kid, "use": "sig", "alg": "EdDSA"})
	}
	return json.Marshal(map[string]any{"keys": keys})
}

// ErrReceiptSignature is a signed receipt that does not check out.
var ErrReceiptSignature = errors.New("consent: the receipt's signature does not match")

// VerifyReceipt checks a compact JWS against an Ed25519 public key and
// returns its payload.
func VerifyReceipt(token string, pub ed25519.PublicKey) ([]byte, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrReceiptSignature
	}
	var header struct {
		Alg string `json:"alg"`
	}
	h, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(h, &header) != nil || header.Alg != "EdDSA" {
		return nil, ErrReceiptSignature
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return nil, ErrReceiptSignature
	}
	return b64.DecodeString(parts[1])
}

// SignedReceipt builds the receipt of one event and signs it with the
// newest key. Without a signer (Deps.ReceiptSigner) it answers
// ErrReceiptUnsigned.
func (s *Service) SignedReceipt(ctx context.Context, id string) (string, error) {
	if s.signer == nil {
		return "", ErrReceiptUnsigned
	}
	r, err := s.Receipt(ctx, id)
	if err != nil {
		return "", err
	}
	gens, err := s.store.ReceiptKeys(ctx)
	if err != nil {
		return "", err
	}
	return s.signer.Sign(r, gens[0].Generation)
}

// ErrReceiptUnsigned: this service was built without a receipt signer.
var ErrReceiptUnsigned = i18n.NewError("consent.error.receipt_unsigned")
