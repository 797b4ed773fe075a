package run

import (
	"context"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/rectify"
	"github.com/garde-privacy/garde/internal/requests"
)

// rectify applies the agent's changes to the person's rows, in one
// transaction. Run again, it sets the same values: nothing more changes.
func (s *Service) rectify(ctx context.Context, at *requests.AutomaticTask, p *plan.Plan, conns map[string]*connect.Conn) (*requests.AutomaticResult, error) {
	changes, err := s.loadChanges(ctx, at.Task.ID)
	if err != nil {
		return nil, permanent{err}
	}
	// The dataset may have changed since the changes were entered.
	sets, err := dbSets(p, changes)
	if err != nil {
		return nil, permanent{err}
	}
	chs, err := rectify.Run(ctx, p, conns, sets, false)
	if err != nil {
		return nil, err
	}
	lz := s.catalog.For(s.lang)
	var lines []string
	cols := map[string]any{}
	for _, ch := range chs {
		if len(ch.Rows) == 0 {
			continue
		}
		k := ch.Dataset + "." + ch.Collection
		lines = append(lines, lz.T("fulfil.task.rectify_rows", map[string]any{
			"Collection": k, "Rows": len(ch.Rows), "Fields": strings.Join(ch.Fields, ", ")}))
		before := ch.Before
		if len(before) > maxKeysInNote {
			before = before[:maxKeysInNote]
		}
		cols[k] = map[string]any{"rows": len(ch.Rows), "fields": ch.Fields, "before": before, "after": ch.After}
	}
	if len(lines) == 0 {
		lines = []string{lz.T("fulfil.task.rectify_nothing")}
	} else {
		lines = append([]string{lz.T("fulfil.task.rectify_done")}, lines...)
	}
	return &requests.AutomaticResult{
		Note:    strings.Join(lines, "\n"),
		Action:  "fulfil.rectified",
		Details: map[string]any{"identity_keys": []string{"email"}, "collections": cols},
	}, nil
}
