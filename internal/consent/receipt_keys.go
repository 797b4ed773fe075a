package consent

import (
	"context"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// ReceiptKey is one generation of the key that signs consent receipts.
// Only the newest signs; every generation stays in the published key set,
// since a receipt is proof for as long as its holder keeps it.
type ReceiptKey struct {
	Generation int
	KeyID      string // the JWK "kid", filled from the signer
	CreatedAt  time.Time
	CreatedBy  string
	Signing    bool // the newest generation
}

// ReceiptKeys lists the generations, newest first.
func (s *Service) ReceiptKeys(ctx context.Context) ([]ReceiptKey, error) {
	if s.signer == nil {
		return nil, ErrReceiptUnsigned
	}
	keys, err := s.store.ReceiptKeys(ctx)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		if keys[i].KeyID, err = s.signer.KeyID(keys[i].Generation); err != nil {
			return nil, err
		}
		keys[i].Signing = i == 0
	}
	return keys, nil
}

// ReceiptKeySet is the JSON Web Key Set of every generation, newest first.
func (s *Service) ReceiptKeySet(ctx context.Context) ([]byte, error) {
	keys, err := s.ReceiptKeys(ctx)
	if err != nil {
		return nil, err
	}
	gens := make([]int, len(keys))
	for i, k := range keys {
		gens[i] = k.Generation
	}
	return s.signer.KeySet(gens)
}

// RotateReceiptKey starts a new generation: receipts are signed with its
// key from now on, on every instance, and the keys before it stay
// published so the receipts they signed still check. Rotate when a key
// may have leaked or as the business's key policy asks.
func (s *Service) RotateReceiptKey(ctx context.Context, actor string) (*ReceiptKey, error) {
	if s.signer == nil {
		return nil, ErrReceiptUnsigned
	}
	k := &ReceiptKey{CreatedAt: s.now().UTC().Truncate(time.Microsecond), CreatedBy: actor, Signing: true}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if k.Generation, err = s.store.InsertReceiptKey(ctx, tx, k.CreatedAt, actor); err != nil {
			return err
		}
		if k.KeyID, err = s.signer.KeyID(k.Generation); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor, "consent.receipt_key_rotated", "consent_receipt_key:"+k.KeyID,
			map[string]any{"generation": k.Generation, "kid": k.KeyID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}
