// Package rectify corrects a person's data: it sets the given fields of
// every row the plan finds for the person, values checked against the
// dataset's types, in one transaction per system, and says what changed
// with the values masked.
package rectify

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// Set is one correction: a field and its new value, converted to the
// field's data_type.
type Set struct {
	Field *dataset.Field
	Value any
}

// ParseSet reads FIELD=VALUE, FIELD being dataset.collection.field, or
// collection.field when the name is unambiguous.
func ParseSet(set *dataset.Set, s string) (Set, error) {
	name, val, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return Set{}, fmt.Errorf("--set %q: write collection.field=VALUE", s)
	}
	parts := strings.Split(name, ".")
	var cands []*dataset.Field
	switch len(parts) {
	case 3:
		if c := set.Collection(parts[0] + "." + parts[1]); c != nil {
			if f := c.Field(parts[2]); f != nil {
				cands = append(cands, f)
			}
		}
	case 2:
		for _, c := range set.Collections() {
			if c.Name == parts[0] {
				if f := c.Field(parts[1]); f != nil {
					cands = append(cands, f)
				}
			}
		}
	}
	switch {
	case len(cands) == 0:
		return Set{}, fmt.Errorf("--set %s: no such field in the datasets", name)
	case len(cands) > 1:
		return Set{}, fmt.Errorf("--set %s: several datasets have it; write dataset.collection.field", name)
	}
	f := cands[0]
	if f.Meta().PrimaryKey {
		return Set{}, fmt.Errorf("--set %s: a primary key cannot be rectified", name)
	}
	if f.Meta().ReadOnly {
		return Set{}, fmt.Errorf("--set %s: the field is read_only", name)
	}
	v, err := convert(f, val)
	if err != nil {
		return Set{}, fmt.Errorf("--set %s: %w", name, err)
	}
	return Set{Field: f, Value: v}, nil
}

func convert(f *dataset.Field, s string) (any, error) {
	m := f.Meta()
	switch m.DataType {
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a whole number", s)
		}
		return n, nil
	case "float":
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return x, nil
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", s)
		}
		return b, nil
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("the value is not valid UTF-8")
	}
	if m.Length > 0 && utf8.RuneCountInString(s) > m.Length {
		return nil, fmt.Errorf("the value is longer than %d characters", m.Length)
	}
	return s, nil
}

// Change is what rectification did (or would do) in one collection.
type Change struct {
	Dataset, Collection string
	PrimaryKey          []string
	Rows                [][]any
	// Fields are the names set; Before holds, per row, the masked former
	// values, After the masked new ones.
	Fields []string
	Before [][]string
	After  []string
	// Done is set once the system's transaction committed.
	Done bool

	step *plan.Step
	sets []Set
}

// Run finds the person's rows and sets the fields. Every collection
// changed must have a primary key. A system that fails rolls back.
func Run(ctx context.Context, p *plan.Plan, conns map[string]*connect.Conn, sets []Set, dryRun bool) ([]*Change, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("give at least one --set collection.field=VALUE")
	}
	bySteps := map[*dataset.Collection][]Set{}
	for _, s := range sets {
		bySteps[s.Field.Collection] = append(bySteps[s.Field.Collection], s)
	}
	for c := range bySteps {
		found := false
		for _, s := range p.Steps {
			found = found || s.Collection == c
		}
		if !found {
			return nil, fmt.Errorf("%s: the identities given do not lead to this collection", c.Key())
		}
		if len(c.PrimaryKeys()) == 0 {
			return nil, fmt.Errorf("%s: rectification needs a primary key: mark one with fides_meta primary_key: true", c.Key())
		}
	}
	col := &collector{sets: bySteps, byStep: map[*plan.Step]*Change{}}
	if _, err := access.Run(ctx, p, conns, col); err != nil {
		return nil, err
	}
	var out []*Change
	for _, s := range p.Steps {
		if ch := col.byStep[s]; ch != nil {
			out = append(out, ch)
		}
	}
	if dryRun {
		return out, nil
	}
	for _, ds := range datasets(out) {
		if err := apply(ctx, conns[ds], out, ds); err != nil {
			return out, fmt.Errorf("%s: %w (rolled back; nothing changed in this system)", ds, err)
		}
	}
	return out, nil
}

func datasets(chs []*Change) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range chs {
		if !seen[c.Dataset] {
			seen[c.Dataset] = true
			out = append(out, c.Dataset)
		}
	}
	return out
}

type collector struct {
	sets   map[*dataset.Collection][]Set
	byStep map[*plan.Step]*Change
	cur    *Change
	pkIdx  []int
	fIdx   []int
}

func (c *collector) Begin(s *plan.Step) error {
	c.cur = nil
	sets := c.sets[s.Collection]
	if len(sets) == 0 {
		return nil
	}
	ch := &Change{Dataset: s.Collection.Dataset.FidesKey, Collection: s.Collection.Name, step: s, sets: sets, Rows: [][]any{}}
	c.pkIdx, c.fIdx = nil, nil
	for _, f := range s.Collection.PrimaryKeys() {
		ch.PrimaryKey = append(ch.PrimaryKey, f.Name)
		c.pkIdx = append(c.pkIdx, index(s.Read, f))
	}
	for _, st := range sets {
		ch.Fields = append(ch.Fields, st.Field.Name)
		ch.After = append(ch.After, Mask(st.Value))
		c.fIdx = append(c.fIdx, index(s.Read, st.Field))
	}
	c.cur, c.byStep[s] = ch, ch
	return nil
}

func (c *collector) Row(_ *plan.Step, values []any) error {
	if c.cur == nil {
		return nil
	}
	pk := make([]any, len(c.pkIdx))
	for i, j := range c.pkIdx {
		pk[i] = values[j]
	}
	before := make([]string, len(c.fIdx))
	for i, j := range c.fIdx {
		before[i] = Mask(values[j])
	}
	c.cur.Rows = append(c.cur.Rows, pk)
	c.cur.Before = append(c.cur.Before, before)
	return nil
}

func (c *collector) End(*plan.Step, int64) error { return nil }

func index(fs []*dataset.Field, f *dataset.Field) int {
	for i, x := range fs {
		if x == f {
			return i
		}
	}
	return -1
}

func apply(ctx context.Context, conn *connect.Conn, chs []*Change, ds string) error {
	tx, err := conn.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var mine []*Change
	for _, ch := range chs {
		if ch.Dataset != ds || len(ch.Rows) == 0 {
			continue
		}
		mine = append(mine, ch)
		tbl := dataset.Quote(ch.Collection)
		if sc := ch.step.Collection.Dataset.Schema(); sc != "" {
			tbl = dataset.Quote(sc) + "." + tbl
		}
		n := 0
		next := func() string { n++; return conn.Placeholder(n) }
		var sets, where []string
		var vals []any
		for _, s := range ch.sets {
			sets = append(sets, dataset.Quote(s.Field.Name)+" = "+next())
			vals = append(vals, s.Value)
		}
		for _, k := range ch.PrimaryKey {
			where = append(where, dataset.Quote(k)+" = "+next())
		}
		q := "UPDATE " + tbl + " SET " + strings.Join(sets, ", ") + " WHERE " + strings.Join(where, " AND ")
		for _, pk := range ch.Rows {
			res, err := tx.ExecContext(ctx, q, append(append([]any{}, vals...), pk...)...)
			if err != nil {
				return fmt.Errorf("%s: %w", ch.Collection, err)
			}
			if n, err := res.RowsAffected(); err == nil && n != 1 {
				return fmt.Errorf("%s: row %v changed %d rows (was it changed or removed meanwhile?)", ch.Collection, pk, n)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, ch := range chs {
		if ch.Dataset == ds {
			ch.Done = true
		}
	}
	return nil
}

// Mask shows enough of a value to recognise it in a log without giving
// it: its first and last characters around its length in stars
// ("a*************m"); short values are fully hidden.
func Mask(v any) string {
	if v == nil {
		return "NULL"
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		s = fmt.Sprint(v)
	}
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
