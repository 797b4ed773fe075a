package erase

import (
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// order sorts the steps for erasure: a collection named in erase_after
// goes first, and rows referencing a collection whose rows are deleted go
// before it, so no foreign key is left pointing at a deleted row. Otherwise
// the plan's order is kept.
func order(p *plan.Plan) []*plan.Step {
	idx := map[*dataset.Collection]*plan.Step{}
	for _, s := range p.Steps {
		idx[s.Collection] = s
	}
	before := map[*plan.Step][]*plan.Step{} // before[s]: steps that must run before s
	for _, s := range p.Steps {
		for _, n := range s.Collection.Meta().EraseAfter {
			if o := idx[p.Set.Collection(n)]; o != nil && o != s {
				before[s] = append(before[s], o)
			}
		}
	}
	for _, e := range p.Set.Edges {
		parent, child := idx[e.From.Collection], idx[e.To.Collection]
		if parent != nil && child != nil && parent != child && parent.DeleteRows {
			before[parent] = append(before[parent], child)
		}
	}
	var out []*plan.Step
	state := map[*plan.Step]int{}
	var visit func(s *plan.Step)
	visit = func(s *plan.Step) {
		if state[s] != 0 {
			// Done, or a loop between a deletion and erase_after, which
			// the checks cannot rule out: the plan's order decides.
			return
		}
		state[s] = 1
		for _, b := range before[s] {
			visit(b)
		}
		state[s] = 2
		out = append(out, s)
	}
	for _, s := range p.Steps {
		visit(s)
	}
	return out
}
