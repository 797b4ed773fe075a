package consent

import (
	"context"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
)

// Restrictions answers whether a person, by a data subject request or an
// agent's decision, asked the business to stop using their data for a
// purpose: the suppression list the consent check honours whatever the
// ledger says.
type Restrictions interface {
	Restricted(ctx context.Context, email string, p Purpose) (bool, error)
}

// ListRestrictions reads the suppression list (package fulfil/suppress):
// verified restriction, objection, opt-out of sale and "limit sensitive"
// requests put their person on it with the purposes they stop, agents
// adjust them and lift entries.
type ListRestrictions struct {
	List *suppress.Service
}

// Restricted implements Restrictions.
func (l ListRestrictions) Restricted(ctx context.Context, email string, p Purpose) (bool, error) {
	if p == Necessary {
		return false, nil
	}
	return l.List.Suppressed(ctx, email, string(p))
}
