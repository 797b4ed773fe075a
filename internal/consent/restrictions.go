package consent

import (
	"context"
	"slices"

	"github.com/garde-privacy/garde/internal/requests"
)

// Restrictions answers whether a person, by a data subject request, asked
// the business to stop using their data for a purpose: the suppression
// list the consent check honours whatever the ledger says.
type Restrictions interface {
	Restricted(ctx context.Context, email string, p Purpose) (bool, error)
}

// RequestRestrictions reads the suppression list from the requests: a
// restriction stops every purpose but the necessary, an objection stops
// marketing, an opt-out of sale stops sale, sharing and marketing, a
// "limit sensitive" request stops the sensitive purpose. A request counts
// once the person confirmed it was theirs, and until it is closed.
type RequestRestrictions struct {
	Requests *requests.Service
}

// restricts lists, per request type, the purposes it stops; nil: all.
var restricts = map[requests.Type][]Purpose{
	requests.TypeRestriction:    nil,
	requests.TypeObjection:      {Marketing, Newsletter},
	requests.TypeOptOutSale:     {SaleSharing, Marketing},
	requests.TypeLimitSensitive: {Sensitive},
}

var restrictingStates = []requests.State{requests.StateVerified, requests.StateInProgress, requests.StateIdentityCheck,
	requests.StateCompleted}

// Restricted implements Restrictions.
func (rr RequestRestrictions) Restricted(ctx context.Context, email string, p Purpose) (bool, error) {
	if p == Necessary {
		return false, nil
	}
	page, err := rr.Requests.List(ctx, requests.Filter{Search: email, Limit: requests.MaxPageSize})
	if err != nil {
		return false, err
	}
	for _, r := range page.Requests {
		ps, ok := restricts[r.Type]
		if !ok || !slices.Contains(restrictingStates, r.State) {
			continue
		}
		if ps == nil || slices.Contains(ps, p) {
			return true, nil
		}
	}
	return false, nil
}
