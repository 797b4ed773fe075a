package app

import (
	"context"
	"fmt"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
)

// openSuppress builds the suppression list on the requests and carries
// over the requests honoured before the list existed (once each).
func (a *App) openSuppress(ctx context.Context, key []byte) error {
	var err error
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
