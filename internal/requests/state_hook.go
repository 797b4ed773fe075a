package requests

import (
	"context"

	"github.com/garde-privacy/garde/internal/db"
)

// StateHook hears of every state change of a request, in the transaction
// that makes it, so what it writes (a suppression list entry) commits or
// rolls back with the change itself.
type StateHook interface {
	StateChanged(ctx context.Context, tx *db.Tx, r *Request, from State, actor Actor) error
}

// SetStateHook connects a listener of state changes. Call it before the
// service is used.
func (s *Service) SetStateHook(h StateHook) { s.stateHook = h }
