// Package access reads a person's rows from the systems a plan names, one
// collection after the other, and streams them to a sink: rows are never
// gathered in memory, only the key values later collections are looked up
// by.
package access

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// Sink receives the rows of each step. values is reused between calls: a
// sink copies what it keeps.
type Sink interface {
	Begin(s *plan.Step) error
	Row(s *plan.Step, values []any) error
	End(s *plan.Step, rows int64) error
}

// Result counts the rows found per collection key (dataset.collection).
type Result struct {
	Rows map[string]int64
}

// Run executes the access steps of p against the connections, named by
// dataset fides_key.
func Run(ctx context.Context, p *plan.Plan, conns map[string]*connect.Conn, sink Sink) (*Result, error) {
	if err := CheckConnections(p, conns); err != nil {
		return nil, err
	}
	found := newKeySets()
	res := &Result{Rows: map[string]int64{}}
	for _, s := range p.Steps {
		n, err := runStep(ctx, p, s, conns[s.Collection.Dataset.FidesKey], found, sink)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Collection.Key(), err)
		}
		res.Rows[s.Collection.Key()] = n
	}
	return res, nil
}

// CheckConnections makes sure every dataset the plan reads has a
// connection, before anything runs.
func CheckConnections(p *plan.Plan, conns map[string]*connect.Conn) error {
	var missing []string
	seen := map[string]bool{}
	for _, s := range p.Steps {
		k := s.Collection.Dataset.FidesKey
		if conns[k] == nil && !seen[k] {
			seen[k] = true
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no connection for the dataset(s) %s: give --connect %s=URL", strings.Join(missing, ", "), missing[0])
	}
	return nil
}

func runStep(ctx context.Context, p *plan.Plan, s *plan.Step, conn *connect.Conn, found *keySets, sink Sink) (int64, error) {
	q, args, ok, err := selectQuery(ctx, conn, s, found)
	if err != nil {
		return 0, err
	}
	if err := sink.Begin(s); err != nil {
		return 0, err
	}
	var n int64
	if ok {
		needed := p.Needed(s)
		idx := make([]int, len(needed))
		for i, f := range needed {
			idx[i] = fieldIndex(s.Read, f)
		}
		rows, err := conn.Query(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("reading: %w", err)
		}
		defer rows.Close()
		values := make([]any, len(s.Read))
		ptrs := make([]any, len(s.Read))
		for i := range values {
			ptrs[i] = &values[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return 0, fmt.Errorf("reading: %w", err)
			}
			for i, f := range needed {
				found.add(f, values[idx[i]])
			}
			if err := sink.Row(s, values); err != nil {
				return 0, err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("reading: %w", err)
		}
	}
	return n, sink.End(s, n)
}

func fieldIndex(fs []*dataset.Field, f *dataset.Field) int {
	for i, x := range fs {
		if x == f {
			return i
		}
	}
	return -1
}

// table is the quoted, schema-qualified name of a collection.
func table(c *dataset.Collection) string {
	if sc := c.Dataset.Schema(); sc != "" {
		return dataset.Quote(sc) + "." + dataset.Quote(c.Name)
	}
	return dataset.Quote(c.Name)
}

// selectQuery writes the query of a step: the person's rows are those whose
// seed fields equal an identity or whose input fields hold a value an
// earlier step found. ok is false when there is nothing to look for.
//
// Several conditions are not joined by OR: a prepared statement's generic
// plan for "a = $1 OR b = ANY($2)" may scan the table. Each condition gets
// its own branch of a UNION ALL, which uses that condition's index, and
// leaves out the rows an earlier branch returned ("IS NOT TRUE" keeps rows
// where an earlier condition is NULL), so no row comes twice.
func selectQuery(ctx context.Context, conn *connect.Conn, s *plan.Step, found *keySets) (q string, args []any, ok bool, err error) {
	// conds read the rows; inSQL are the same conditions with the values
	// of collections of the same database replaced by subqueries, for later
	// collections to select by (see subquery).
	var conds, inSQL []cond
	for _, sd := range s.Seeds {
		c, err := seedCond(ctx, conn, sd)
		if err != nil {
			return "", nil, false, err
		}
		conds = append(conds, c)
		inSQL = append(inSQL, c)
	}
	for _, in := range s.Inputs {
		if found.count(in.From) == 0 {
			continue
		}
		sub, same := subquery(s, in, found)
		if c, ok := shortList(in, found); ok {
			conds = append(conds, c)
			if same {
				c = sub
			}
			inSQL = append(inSQL, c)
			continue
		}
		if same {
			conds = append(conds, sub)
			inSQL = append(inSQL, sub)
			continue
		}
		arg, err := found.arg(conn.Dialect, in.From)
		if err != nil {
			return "", nil, false, err
		}
		if arg == nil {
			continue
		}
		if conn.Dialect == connect.Postgres {
			conds = append(conds, cond{dataset.Quote(in.Field.Name) + " = ANY(?)", []any{arg}})
		} else if l, ok := arg.(connect.MySQLList); ok {
			conds = append(conds, cond{l.In(dataset.Quote(in.Field.Name)), []any{arg}})
		} else {
			conds = append(conds, cond{dataset.Quote(in.Field.Name) + " IN (SELECT value FROM json_each(?))", []any{arg}})
		}
		inSQL = append(inSQL, conds[len(conds)-1])
	}
	if len(conds) == 0 {
		return "", nil, false, nil
	}
	found.inSQL[s.Collection] = inSQL
	cols := make([]string, len(s.Read))
	for i, f := range s.Read {
		cols[i] = dataset.Quote(f.Name)
	}
	head := "SELECT " + strings.Join(cols, ", ") + " FROM " + table(s.Collection) + " WHERE "
	var branches []string
	for i, c := range conds {
		b := head + c.sql
		args = append(args, c.args...)
		if i > 0 {
			var prev []string
			for _, p := range conds[:i] {
				prev = append(prev, p.sql)
				args = append(args, p.args...)
			}
			b += " AND (" + strings.Join(prev, " OR ") + ") IS NOT TRUE"
		}
		branches = append(branches, b)
	}
	q = strings.Join(branches, " UNION ALL ")
	if conn.Dialect == connect.Postgres {
		q = numbered(q)
	}
	return q, args, true, nil
}

// numbered turns "?" into PostgreSQL's $1, $2… Only quoted identifiers
// checked by dataset.IsIdentifier surround them, so no "?" is data.
func numbered(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// identityValue converts an identity to the type of the field it is
// compared with, so that "42" finds the integer account 42.
func identityValue(sd plan.Seed) (any, error) {
	v := sd.Identity.Value
	switch sd.Field.Meta().DataType {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("identity %s must be a whole number to be compared with %s", sd.Identity.Key, sd.Field.Name)
		}
		return n, nil
	case "float":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("identity %s must be a number to be compared with %s", sd.Identity.Key, sd.Field.Name)
		}
		return f, nil
	}
	return v, nil
}

// Counter is the sink of a dry run: it only lets the rows be counted.
type Counter struct{}

func (Counter) Begin(*plan.Step) error      { return nil }
func (Counter) Row(*plan.Step, []any) error { return nil }
func (Counter) End(*plan.Step, int64) error { return nil }
