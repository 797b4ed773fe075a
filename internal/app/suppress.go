package app

import (
	"context"
	"fmt"

	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/secrets"
)

// openSuppress builds the suppression list on the requests and carries
// over the requests honoured before the list existed (once each).
func (a *App) openSuppress(ctx context.Context, box *secrets.Box) error {
	// Without its key the list cannot be read, and a consent check that
	// ignored it would let stopped purposes through: refuse to start.
	key, err := fulfil.ErasureKey(ctx, a.DB, box)
	if err != nil {
		return fmt.Errorf("suppression list: %w (is secret_key the one the database was created with?)", err)
	}
	a.Suppress, err = suppress.New(suppress.Deps{DB: a.DB, Audit: a.Audit, Requests: a.Requests, Key: key, Log: a.Log})
	if err != nil {
		return err
	}
	n, err := a.Suppress.CarryOver(ctx)
	if err != nil {
		return fmt.Errorf("suppression list: carrying over earlier requests: %w", err)
	}
	if n > 0 {
		a.Log.Info("suppression list: requests carried over", "count", n)
	}
	return nil
}
