// Package plan turns checked datasets and the identities of a request into
// the order in which collections are read or changed: which fields find the
// person's rows, which fields are read, and which an erasure changes.
package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// Identity is one value the request gives to find the person: an email, a
// phone number, an account id or a custom key.
type Identity struct {
	Key, Value string
}

// aliases are the short identity names people type for Fides' keys.
var aliases = map[string]string{"phone": "phone_number", "account": "account_id"}

// ParseIdentity reads KEY=VALUE.
func ParseIdentity(s string) (Identity, error) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.ToLower(strings.TrimSpace(k))
	v = strings.TrimSpace(v)
	if !ok || k == "" || v == "" {
		return Identity{}, fmt.Errorf("identity %q: write KEY=VALUE, such as email=ada@example.com", s)
	}
	if a, ok := aliases[k]; ok {
		k = a
	}
	return Identity{Key: k, Value: v}, nil
}

// Plan is the traversal for one request.
type Plan struct {
	Set        *dataset.Set
	Identities []Identity
	// Steps are in the order they run: every step comes after the steps it
	// takes values from and the collections named in its after constraints.
	Steps []*Step
	// Unreached are the collections none of the given identities leads to.
	Unreached []*dataset.Collection
}

// Step reads (or changes) one collection.
type Step struct {
	Collection *dataset.Collection
	// Seeds are fields compared with an identity of the request.
	Seeds []Seed
	// Inputs are fields compared with the values an earlier step found.
	Inputs []Input
	// Read lists the fields an access returns.
	Read []*dataset.Field
	// Changes lists what an erasure does to the person's rows.
	Changes []Change
	// DeleteRows is set when the collection's rows are deleted outright.
	DeleteRows bool
	// After names the collections that must be done first only because of
	// an after constraint.
	After []*dataset.Collection
}

// Seed compares a field with an identity value.
type Seed struct {
	Field    *dataset.Field
	Identity Identity
}

// Input compares a field with the values of a field of an earlier step.
type Input struct {
	Field, From *dataset.Field
}

// Needed reports the fields of step s whose values a later step takes.
func (p *Plan) Needed(s *Step) []*dataset.Field {
	var out []*dataset.Field
	seen := map[*dataset.Field]bool{}
	for _, t := range p.Steps {
		for _, in := range t.Inputs {
			if in.From.Collection == s.Collection && !seen[in.From] {
				seen[in.From] = true
				out = append(out, in.From)
			}
		}
	}
	return out
}

// Build plans the traversal of set for the identities given. An identity no
// dataset field declares is an error, so a typo does not pass for "no data".
func Build(set *dataset.Set, ids []Identity) (*Plan, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("give at least one identity, such as email=ada@example.com")
	}
	given := map[string]Identity{}
	for _, id := range ids {
		if _, dup := given[id.Key]; dup {
			return nil, fmt.Errorf("identity %s is given twice", id.Key)
		}
		given[id.Key] = id
	}
	declared := map[string]bool{}
	for _, c := range set.Collections() {
		for _, f := range c.Fields {
			if f.IsSeed() {
				declared[f.SeedKey()] = true
			}
		}
	}
	for _, id := range ids {
		if !declared[id.Key] {
			return nil, fmt.Errorf("no field of the datasets takes the identity %q (they take: %s)", id.Key, strings.Join(sortedKeys(declared), ", "))
		}
	}
	depth := set.Reach(func(k string) bool { _, ok := given[k]; return ok })
	p := &Plan{Set: set, Identities: ids}
	order := map[*dataset.Collection]int{}
	for i, c := range set.Collections() {
		order[c] = i
	}
	g := newGraph()
	for _, e := range set.Edges {
		a, b := e.From.Collection, e.To.Collection
		_, ra := depth[a]
		_, rb := depth[b]
		if a == b || !ra || !rb || !e.Directed {
			continue
		}
		g.addData(a, b, Input{Field: e.To, From: e.From})
	}
	// A reference without a direction carries values away from the seeds
	// (between collections as near to a seed, from the one written first);
	// one that would close a loop adds nothing the loop does not give.
	for _, e := range set.Edges {
		a, b := e.From.Collection, e.To.Collection
		da, ra := depth[a]
		db, rb := depth[b]
		if a == b || !ra || !rb || e.Directed {
			continue
		}
		in := Input{Field: e.To, From: e.From}
		if da > db || (da == db && order[a] > order[b]) {
			a, b, in = b, a, Input{Field: e.From, From: e.To}
		}
		if !g.reaches(b, a) {
			g.addData(a, b, in)
		}
	}
	for c := range depth {
		for _, n := range c.Meta().After {
			if o := set.Collection(n); o != nil {
				if _, ok := depth[o]; ok {
					g.addOrder(o, c)
				}
			}
		}
		for _, dk := range c.Dataset.Meta().After {
			for _, o := range set.Dataset(dk).Collections {
				if _, ok := depth[o]; ok {
					g.addOrder(o, c)
				}
			}
		}
	}
	sorted := g.sort(depth, order)
	for _, c := range sorted {
		st := &Step{Collection: c, Inputs: g.inputs[c], Read: c.Fields}
		for _, f := range c.Fields {
			if id, ok := given[f.SeedKey()]; ok && f.IsSeed() {
				st.Seeds = append(st.Seeds, Seed{Field: f, Identity: id})
			}
		}
		for _, o := range g.orderOnly(c) {
			st.After = append(st.After, o)
		}
		if len(st.Seeds) == 0 && len(st.Inputs) == 0 {
			p.Unreached = append(p.Unreached, c)
			continue
		}
		st.Changes, st.DeleteRows = erasure(set, c)
		p.Steps = append(p.Steps, st)
	}
	for _, c := range set.Collections() {
		if _, ok := depth[c]; !ok && !c.Meta().SkipProcessing {
			p.Unreached = append(p.Unreached, c)
		}
	}
	if len(p.Steps) == 0 {
		return nil, fmt.Errorf("none of the identities given leads to a collection")
	}
	return p, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
