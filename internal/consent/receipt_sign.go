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
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
)

// ReceiptKeysPath serves the public keys that check signed receipts, as a
// JSON Web Key Set: anyone holding a receipt can verify it without asking
// Garde.
const ReceiptKeysPath = "/consent/v1/receipt-keys"

// ReceiptSigner signs consent receipts as compact JWS (RFC 7515) with
// Ed25519 ("EdDSA", RFC 8037), the form the Kantara specification allows
// for a receipt. The key derives from an instance secret kept sealed in
// the database, so every instance of one installation signs alike and a
// restart keeps the key.
type ReceiptSigner struct {
	key    ed25519.PrivateKey
	kid    string
	keySet []byte
}

// NewReceiptSigner derives the signing key from secret (at least 16
// bytes); secret itself is never used to sign.
func NewReceiptSigner(secret []byte) (*ReceiptSigner, error) {
	if len(secret) < 16 {
		return nil, errors.New("consent: a receipt signing secret needs at least 16 bytes")
	}
	seed, err := hkdf.Key(sha256.New, secret, nil, "garde/consent/receipt-signing/v1", ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	key := ed25519.NewKeyFromSeed(seed)
	pub := key.Public().(ed25519.PublicKey)
	sum := sha256.Sum256(pub)
	kid := hex.EncodeToString(sum[:8])
	set, err := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "x": b64.EncodeToString(pub), "kid": kid, "use": "sig", "alg": "EdDSA",
	}}})
	if err != nil {
		return nil, err
	}
	return &ReceiptSigner{key: key, kid: kid, keySet: set}, nil
}

var b64 = base64.RawURLEncoding

// Sign returns the receipt as a compact JWS whose payload is the receipt's
// JSON.
func (s *ReceiptSigner) Sign(r *Receipt) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "EdDSA", "typ": "JWT", "kid": s.kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return signing + "." + b64.EncodeToString(ed25519.Sign(s.key, []byte(signing))), nil
}

// KeySet is the JSON Web Key Set of the public key.
func (s *ReceiptSigner) KeySet() []byte { return s.keySet }

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

// SignedReceipt builds the receipt of one event and signs it. Without a
// signer (Deps.ReceiptSigner) it answers ErrReceiptUnsigned.
func (s *Service) SignedReceipt(ctx context.Context, id string) (string, error) {
	if s.signer == nil {
		return "", ErrReceiptUnsigned
	}
	r, err := s.Receipt(ctx, id)
	if err != nil {
		return "", err
	}
	return s.signer.Sign(r)
}

// ErrReceiptUnsigned: this service was built without a receipt signer.
var ErrReceiptUnsigned = i18n.NewError("consent.error.receipt_unsigned")
