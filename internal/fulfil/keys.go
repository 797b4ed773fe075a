// Package fulfil holds what the fulfilment engine keeps in Garde's own
// database; the engine itself is in the sub-packages (dataset, plan,
// connect, access, erase).
package fulfil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/secrets"
)

// erasureKeyName is the secret_keys row of the keyed-hash secret.
const erasureKeyName = "fulfil_erasure_key"

// sealContext binds the sealed key to its use.
const sealContext = "secret_keys:" + erasureKeyName

// ErasureKey returns the instance's keyed-hash secret for erasures, created
// on first use. It is stored sealed with the instance's secret key: the
// database alone does not give it, so erased values cannot be tested
// against guesses by whoever reads a backup.
func ErasureKey(ctx context.Context, d *db.DB, box *secrets.Box) ([]byte, error) {
	read := func() (string, error) {
		var v string
		err := d.Write.QueryRowContext(ctx, d.Rebind("SELECT value FROM secret_keys WHERE name = ?"), erasureKeyName).Scan(&v)
		return v, err
	}
	sealed, err := read()
	if errors.Is(err, sql.ErrNoRows) {
		k := make([]byte, 32)
		if _, err := rand.Read(k); err != nil {
			return nil, err
		}
		fresh, serr := box.Seal(k, sealContext)
		if serr != nil {
			return nil, serr
		}
		// Two processes at once: the first insert wins, both read it.
		if _, ierr := d.Exec(ctx, `INSERT INTO secret_keys(name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			erasureKeyName, fresh, time.Now().UTC()); ierr != nil {
			return nil, fmt.Errorf("erasure key: %w", ierr)
		}
		sealed, err = read()
	}
	if err != nil {
		return nil, fmt.Errorf("erasure key: %w", err)
	}
	k, err := box.Open(sealed, sealContext)
	if err != nil {
		return nil, fmt.Errorf("erasure key: %w", err)
	}
	return k, nil
}
