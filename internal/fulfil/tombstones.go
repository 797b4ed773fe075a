package fulfil

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// TombstoneHash is the keyed hash of one identity: the key (email,
// phone_number…) and the value as the erasure looked it up. An email is
// hashed in lower case, as it is matched, so a re-import that changed
// its capitals is still caught.
func TombstoneHash(key []byte, identityKey, value string) string {
	if identityKey == "email" {
		value = strings.ToLower(strings.TrimSpace(value))
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(identityKey))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Tombstone is one identity a dataset was erased for.
type Tombstone struct {
	Hash, IdentityKey, Dataset string
	ErasedAt                   time.Time
}

// AddTombstones records that dataset was erased for the identities; an
// identity erased before keeps its first date.
func AddTombstones(ctx context.Context, d *db.DB, key []byte, dataset string, identities map[string]string, at time.Time) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		for k, v := range identities {
			if _, err := tx.Exec(ctx, `INSERT INTO fulfil_tombstones(hash, identity_key, dataset, erased_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (hash, dataset) DO NOTHING`, TombstoneHash(key, k, v), k, dataset, at.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tombstones returns the tombstones of a dataset by hash.
func Tombstones(ctx context.Context, d *db.DB, dataset string) (map[string]Tombstone, error) {
	rows, err := d.Query(ctx, `SELECT hash, identity_key, erased_at FROM fulfil_tombstones WHERE dataset = ?`, dataset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Tombstone{}
	for rows.Next() {
		t := Tombstone{Dataset: dataset}
		if err := rows.Scan(&t.Hash, &t.IdentityKey, &t.ErasedAt); err != nil {
			return nil, err
		}
		out[t.Hash] = t
	}
	return out, rows.Err()
}
