package plan

import "github.com/garde-privacy/garde/internal/fulfil/dataset"

// graph holds the "runs before" arcs between reached collections: data
// arcs (values flow) and order arcs (after constraints).
type graph struct {
	next   map[*dataset.Collection][]*dataset.Collection
	inputs map[*dataset.Collection][]Input
	order  map[*dataset.Collection][]*dataset.Collection
}

func newGraph() *graph {
	return &graph{
		next:   map[*dataset.Collection][]*dataset.Collection{},
		inputs: map[*dataset.Collection][]Input{},
		order:  map[*dataset.Collection][]*dataset.Collection{},
	}
}

func (g *graph) addData(a, b *dataset.Collection, in Input) {
	g.next[a] = append(g.next[a], b)
	g.inputs[b] = append(g.inputs[b], in)
}

func (g *graph) addOrder(a, b *dataset.Collection) {
	g.next[a] = append(g.next[a], b)
	g.order[b] = append(g.order[b], a)
}

// orderOnly lists the collections c waits for only because of an after
// constraint.
func (g *graph) orderOnly(c *dataset.Collection) []*dataset.Collection {
	var out []*dataset.Collection
	for _, o := range g.order[c] {
		data := false
		for _, in := range g.inputs[c] {
			if in.From.Collection == o {
				data = true
			}
		}
		if !data {
			out = append(out, o)
		}
	}
	return out
}

// reaches reports whether b can be reached from a.
func (g *graph) reaches(a, b *dataset.Collection) bool {
	seen := map[*dataset.Collection]bool{a: true}
	stack := []*dataset.Collection{a}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == b {
			return true
		}
		for _, n := range g.next[c] {
			if !seen[n] {
				seen[n] = true
				stack = append(stack, n)
			}
		}
	}
	return false
}

// sort orders the reached collections so that each comes after everything
// with an arc to it; among the ready ones, the nearest to a seed first, then
// file order, so the plan reads the same every time.
func (g *graph) sort(depth map[*dataset.Collection]int, order map[*dataset.Collection]int) []*dataset.Collection {
	indeg := map[*dataset.Collection]int{}
	for c := range depth {
		indeg[c] += 0
		for _, n := range g.next[c] {
			indeg[n]++
		}
	}
	var out []*dataset.Collection
	for len(indeg) > 0 {
		var best *dataset.Collection
		for c, d := range indeg {
			if d != 0 {
				continue
			}
			if best == nil || depth[c] < depth[best] || (depth[c] == depth[best] && order[c] < order[best]) {
				best = c
			}
		}
		if best == nil {
			// Checked datasets have no cycle; stop rather than loop.
			break
		}
		delete(indeg, best)
		out = append(out, best)
		for _, n := range g.next[best] {
			indeg[n]--
		}
	}
	return out
}
