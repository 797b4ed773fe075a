package requests

import (
	"context"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// PlanIdentities are the identities a connector run looks the person up
// by: the verified email, then each added identity the datasets declare.
// The others are left out, as plan.Build refuses a key no field takes; a
// system that knows no phone numbers is still searched by the rest.
func (s *Service) PlanIdentities(ctx context.Context, at *AutomaticTask, set *dataset.Set) ([]plan.Identity, error) {
	added, err := s.identities(ctx, s.db, at.RequestID)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for _, c := range set.Collections() {
		for _, f := range c.Fields {
			if f.IsSeed() {
				declared[f.SeedKey()] = true
			}
		}
	}
	ids := []plan.Identity{{Key: "email", Value: at.Email}}
	for _, i := range added {
		if declared[i.Key] {
			ids = append(ids, plan.Identity{Key: i.Key, Value: i.Value})
		}
	}
	return ids, nil
}
