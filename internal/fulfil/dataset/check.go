package dataset

import (
	"fmt"
	"sort"
	"strings"
)

// Set is a checked group of datasets whose references resolve.
type Set struct {
	Datasets []*Dataset
	// Edges are the resolved references between fields.
	Edges []Edge
}

// Edge is a reference: values of From are looked up in To. Directed is
// false for a reference without a direction, which joins both ways.
type Edge struct {
	From, To *Field
	Directed bool
}

// Dataset returns the dataset with that fides_key, or nil.
func (s *Set) Dataset(key string) *Dataset {
	for _, d := range s.Datasets {
		if d.FidesKey == key {
			return d
		}
	}
	return nil
}

// Collections lists every collection of the set, in file order.
func (s *Set) Collections() []*Collection {
	var out []*Collection
	for _, d := range s.Datasets {
		out = append(out, d.Collections...)
	}
	return out
}

// Collection finds "dataset.collection".
func (s *Set) Collection(key string) *Collection {
	ds, name, ok := strings.Cut(key, ".")
	if !ok {
		return nil
	}
	if d := s.Dataset(ds); d != nil {
		return d.Collection(name)
	}
	return nil
}

// fieldStrategies are the Fides masking strategies a field may name.
var fieldStrategies = map[string]bool{
	"null_rewrite": true, "string_rewrite": true, "hash": true, "hmac": true,
	"random_string_rewrite": true, "preserve": true,
}

// dataTypes are the scalar Fides data types; object and arrays are nested
// documents, which SQL tables do not hold.
var dataTypes = map[string]bool{"": true, "string": true, "integer": true, "float": true, "boolean": true, "no_op": true}

// Check checks datasets together and resolves their references. Every
// problem found is returned, each with its file, line and field.
func Check(datasets []*Dataset) (*Set, error) {
	ps := &problems{}
	s := &Set{Datasets: datasets}
	seen := map[string]*Dataset{}
	for _, d := range datasets {
		switch {
		case d.FidesKey == "":
			ps.add(d.src, d.path+".fides_key", "fides_key is required")
		case !keyRe.MatchString(d.FidesKey):
			ps.add(d.src, d.path+".fides_key", "%q: a fides_key holds only letters, digits, _ and -", d.FidesKey)
		case seen[d.FidesKey] != nil:
			o := seen[d.FidesKey]
			ps.add(d.src, d.path+".fides_key", "dataset %q is already defined at %s:%d", d.FidesKey, o.src.name, o.src.line(o.path))
		default:
			seen[d.FidesKey] = d
		}
		if sc, ok := d.Meta().Namespace["schema"]; ok {
			if str, isStr := sc.(string); !isStr || !IsIdentifier(str) {
				ps.add(d.src, d.path+".fides_meta.namespace.schema", "%s", identifierProblem(fmt.Sprint(sc)))
			}
		}
		checkCategories(ps, d.src, d.path, d.DataCategories)
		checkCollections(ps, d)
	}
	for _, d := range datasets {
		for i, a := range d.Meta().After {
			if seen[a] == nil {
				ps.add(d.src, fmt.Sprintf("%s.fides_meta.after[%d]", d.path, i), "no dataset has the fides_key %q", a)
			}
		}
		for _, c := range d.Collections {
			s.Edges = append(s.Edges, resolveReferences(ps, s, c)...)
			checkOrder(ps, s, c, "after", c.Meta().After)
			checkOrder(ps, s, c, "erase_after", c.Meta().EraseAfter)
		}
	}
	if len(ps.list) == 0 {
		checkCycles(ps, s)
		checkReachable(ps, s)
	}
	if len(ps.list) > 0 {
		return nil, ps.list
	}
	return s, nil
}

func checkCategories(ps *problems, src *source, path string, cats []string) {
	for i, c := range cats {
		if !IsDataCategory(c) {
			ps.add(src, fmt.Sprintf("%s.data_categories[%d]", path, i), "%q is not a data category of the fideslang taxonomy", c)
		}
	}
}

func metaKey(legacy bool) string {
	if legacy {
		return "fidesops_meta"
	}
	return "fides_meta"
}

func checkCollections(ps *problems, d *Dataset) {
	if len(d.Collections) == 0 {
		ps.add(d.src, d.path, "dataset %q has no collections", d.FidesKey)
	}
	names := map[string]bool{}
	for _, c := range d.Collections {
		if !IsIdentifier(c.Name) {
			ps.add(d.src, c.path+".name", "%s", identifierProblem(c.Name))
		} else if names[c.Name] {
			ps.add(d.src, c.path+".name", "collection %q is defined twice in dataset %q", c.Name, d.FidesKey)
		}
		names[c.Name] = true
		checkCategories(ps, d.src, c.path, c.DataCategories)
		mk := metaKey(c.FidesMeta == nil && c.LegacyMeta != nil)
		if o := c.Meta().MaskingStrategyOverride; o != nil && o.Strategy != "delete" {
			ps.add(d.src, c.path+"."+mk+".masking_strategy_override.strategy", "a collection's masking override can only be delete (got %q)", o.Strategy)
		}
		if len(c.Fields) == 0 {
			ps.add(d.src, c.path, "collection %q has no fields", c.Name)
		}
		fields := map[string]bool{}
		for _, f := range c.Fields {
			checkField(ps, f, fields)
		}
	}
}

func checkField(ps *problems, f *Field, seen map[string]bool) {
	src := f.Collection.Dataset.src
	if !IsIdentifier(f.Name) {
		ps.add(src, f.path+".name", "%s", identifierProblem(f.Name))
	} else if seen[f.Name] {
		ps.add(src, f.path+".name", "field %q is defined twice in collection %q", f.Name, f.Collection.Name)
	}
	seen[f.Name] = true
	if len(f.Fields) > 0 {
		ps.add(src, f.path+".fields", "nested fields (documents) are not supported: describe each column of the table as its own field")
	}
	checkCategories(ps, src, f.path, f.DataCategories)
	m := f.Meta()
	mk := f.path + "." + metaKey(f.FidesMeta == nil && f.LegacyMeta != nil)
	switch {
	case strings.HasSuffix(m.DataType, "[]") || m.DataType == "object":
		ps.add(src, mk+".data_type", "%q is a nested type (object or array), which is not supported: describe scalar columns only", m.DataType)
	case !dataTypes[m.DataType]:
		ps.add(src, mk+".data_type", "unknown data_type %q (string, integer, float, boolean)", m.DataType)
	}
	if m.Identity != "" && !identityRe.MatchString(m.Identity) {
		ps.add(src, mk+".identity", "identity %q must be a lower-case name such as email, phone_number or account_id", m.Identity)
	}
	if m.CustomRequestField != "" && !identityRe.MatchString(m.CustomRequestField) {
		ps.add(src, mk+".custom_request_field", "%q must be a lower-case name", m.CustomRequestField)
	}
	if o := m.MaskingStrategyOverride; o != nil {
		if !fieldStrategies[o.Strategy] {
			ps.add(src, mk+".masking_strategy_override.strategy", "unknown masking strategy %q (null_rewrite, string_rewrite, hash, hmac, random_string_rewrite, preserve)", o.Strategy)
		}
		if m.PrimaryKey && o.Strategy != "preserve" {
			ps.add(src, mk+".masking_strategy_override", "a primary key cannot be masked")
		}
	}
}

// resolveReferences turns the references of c's fields into edges.
func resolveReferences(ps *problems, s *Set, c *Collection) []Edge {
	var edges []Edge
	for _, f := range c.Fields {
		mk := f.path + "." + metaKey(f.FidesMeta == nil && f.LegacyMeta != nil)
		for i, r := range f.Meta().References {
			path := fmt.Sprintf("%s.references[%d]", mk, i)
			dsKey := r.Dataset
			if dsKey == "" {
				dsKey = c.Dataset.FidesKey
			}
			d := s.Dataset(dsKey)
			if d == nil {
				ps.add(c.Dataset.src, path+".dataset", "no dataset has the fides_key %q", dsKey)
				continue
			}
			collName, fieldName, ok := strings.Cut(r.Field, ".")
			if !ok || strings.Contains(fieldName, ".") {
				msg := `field must be "collection.field"`
				if ok {
					msg = "nested fields (documents) are not supported: " + msg
				}
				ps.add(c.Dataset.src, path+".field", "%q: %s", r.Field, msg)
				continue
			}
			rc := d.Collection(collName)
			if rc == nil {
				ps.add(c.Dataset.src, path+".field", "dataset %q has no collection %q", dsKey, collName)
				continue
			}
			rf := rc.Field(fieldName)
			if rf == nil {
				ps.add(c.Dataset.src, path+".field", "collection %s.%s has no field %q", dsKey, collName, fieldName)
				continue
			}
			if rf == f {
				ps.add(c.Dataset.src, path+".field", "a field cannot reference itself")
				continue
			}
			switch r.Direction {
			case "from":
				edges = append(edges, Edge{From: rf, To: f, Directed: true})
			case "to":
				edges = append(edges, Edge{From: f, To: rf, Directed: true})
			case "":
				edges = append(edges, Edge{From: rf, To: f})
			default:
				ps.add(c.Dataset.src, path+".direction", "direction must be from or to, or be left out (got %q)", r.Direction)
			}
		}
	}
	return edges
}

func checkOrder(ps *problems, s *Set, c *Collection, key string, names []string) {
	mk := c.path + "." + metaKey(c.FidesMeta == nil && c.LegacyMeta != nil)
	for i, n := range names {
		if s.Collection(n) == nil {
			ps.add(c.Dataset.src, fmt.Sprintf("%s.%s[%d]", mk, key, i), "no collection %q (write dataset.collection)", n)
		}
	}
}

// orderGraph is the "must run before" graph of collections: directed
// references and after constraints.
func orderGraph(s *Set, erase bool) map[*Collection][]*Collection {
	g := map[*Collection][]*Collection{}
	if erase {
		for _, c := range s.Collections() {
			for _, n := range c.Meta().EraseAfter {
				g[s.Collection(n)] = append(g[s.Collection(n)], c)
			}
		}
		return g
	}
	for _, e := range s.Edges {
		if e.Directed && e.From.Collection != e.To.Collection {
			g[e.From.Collection] = append(g[e.From.Collection], e.To.Collection)
		}
	}
	for _, c := range s.Collections() {
		for _, n := range c.Meta().After {
			g[s.Collection(n)] = append(g[s.Collection(n)], c)
		}
	}
	return g
}

func checkCycles(ps *problems, s *Set) {
	for _, erase := range []bool{false, true} {
		g := orderGraph(s, erase)
		for _, cyc := range findCycles(s.Collections(), g) {
			names := make([]string, len(cyc))
			for i, c := range cyc {
				names[i] = c.Key()
			}
			what := "the references and after constraints form a cycle"
			if erase {
				what = "erase_after forms a cycle"
			}
			c := cyc[0]
			ps.add(c.Dataset.src, c.path, "%s: %s → %s", what, strings.Join(names, " → "), names[0])
		}
	}
	datasets := map[string][]string{}
	for _, d := range s.Datasets {
		datasets[d.FidesKey] = d.Meta().After
	}
	if cyc := datasetCycle(datasets); cyc != nil {
		d := s.Dataset(cyc[0])
		ps.add(d.src, d.path+".fides_meta.after", "dataset after constraints form a cycle: %s → %s", strings.Join(cyc, " → "), cyc[0])
	}
}

// findCycles returns one cycle per strongly connected group of collections,
// in file order, by depth-first search.
func findCycles(nodes []*Collection, g map[*Collection][]*Collection) [][]*Collection {
	const (
		white = iota
		grey
		black
	)
	color := map[*Collection]int{}
	var stack []*Collection
	var out [][]*Collection
	var visit func(c *Collection)
	visit = func(c *Collection) {
		color[c] = grey
		stack = append(stack, c)
		for _, n := range g[c] {
			switch color[n] {
			case white:
				visit(n)
			case grey:
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] == n {
						out = append(out, append([]*Collection(nil), stack[i:]...))
						break
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[c] = black
	}
	for _, c := range nodes {
		if color[c] == white {
			visit(c)
		}
	}
	return out
}

func datasetCycle(after map[string][]string) []string {
	keys := make([]string, 0, len(after))
	for k := range after {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	state := map[string]int{}
	var stack []string
	var found []string
	var visit func(k string) bool
	visit = func(k string) bool {
		state[k] = 1
		stack = append(stack, k)
		for _, n := range after[k] {
			if state[n] == 1 {
				for i, s := range stack {
					if s == n {
						found = append([]string(nil), stack[i:]...)
					}
				}
				return true
			}
			if state[n] == 0 && visit(n) {
				return true
			}
		}
		stack = stack[:len(stack)-1]
		state[k] = 2
		return false
	}
	for _, k := range keys {
		if state[k] == 0 && visit(k) {
			return found
		}
	}
	return nil
}

// IsSeed reports whether the field takes a value from the request: an
// identity or a custom request field.
func (f *Field) IsSeed() bool {
	m := f.Meta()
	return m.Identity != "" || m.CustomRequestField != ""
}

// SeedKey is the identity key (or custom request field) the field takes.
func (f *Field) SeedKey() string {
	if m := f.Meta(); m.Identity != "" {
		return m.Identity
	}
	return f.Meta().CustomRequestField
}

// Reach returns the collections reachable from the collections holding a
// seed field accepted by seed, following references (directed ones in their
// direction), with their distance in references from the nearest seed.
func (s *Set) Reach(seed func(key string) bool) map[*Collection]int {
	depth := map[*Collection]int{}
	var queue []*Collection
	for _, c := range s.Collections() {
		if c.Meta().SkipProcessing {
			continue
		}
		for _, f := range c.Fields {
			if f.IsSeed() && seed(f.SeedKey()) {
				depth[c] = 0
				queue = append(queue, c)
				break
			}
		}
	}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, e := range s.Edges {
			var next *Collection
			switch {
			case e.From.Collection == c:
				next = e.To.Collection
			case !e.Directed && e.To.Collection == c:
				next = e.From.Collection
			default:
				continue
			}
			if _, ok := depth[next]; ok || next.Meta().SkipProcessing {
				continue
			}
			depth[next] = depth[c] + 1
			queue = append(queue, next)
		}
	}
	return depth
}

func checkReachable(ps *problems, s *Set) {
	reached := s.Reach(func(string) bool { return true })
	for _, c := range s.Collections() {
		if _, ok := reached[c]; !ok && !c.Meta().SkipProcessing {
			ps.add(c.Dataset.src, c.path, "no identity reaches collection %s: give one of its fields an identity, or a reference to a collection an identity reaches (or set skip_processing)", c.Key())
		}
	}
}
