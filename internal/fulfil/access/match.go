package access

import (
	"context"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
)

// cond is one way of finding the person's rows in a collection: SQL with
// "?" placeholders and their values in order.
type cond struct {
	sql  string
	args []any
}

// seedCond compares a seed field with its identity. Email addresses are
// compared without regard to case, as people type them either way: an
// address is one mailbox whatever its case in practice, and a package or
// an erasure that misses a row because of a capital letter fails the
// person.
func seedCond(ctx context.Context, conn *connect.Conn, sd plan.Seed) (cond, error) {
	v, err := identityValue(sd)
	if err != nil {
		return cond{}, err
	}
	col := dataset.Quote(sd.Field.Name)
	s, isText := v.(string)
	if !isText || !caseless(sd.Identity.Key) {
		return cond{col + " = ?", []any{v}}, nil
	}
	c := sd.Field.Collection
	fold, err := conn.Folding(ctx, c.Dataset.Schema(), c.Name, sd.Field.Name)
	if err != nil {
		return cond{}, err
	}
	switch fold {
	case connect.FoldLower:
		// The database lowers both sides, so its own case rules apply to
		// the column and the value alike, and the index on lower() serves.
		return cond{"lower(" + col + ") = lower(?)", []any{s}}, nil
	case connect.FoldColumn:
		if conn.Dialect == connect.SQLite {
			return cond{col + " = ? COLLATE NOCASE", []any{s}}, nil
		}
		return cond{col + " = ?", []any{s}}, nil
	}
	sp := Spellings(s)
	if sp[0] == sp[1] && sp[0] == sp[2] {
		return cond{col + " = ?", []any{s}}, nil
	}
	return cond{col + " IN (?, ?, ?)", []any{sp[0], sp[1], sp[2]}}, nil
}

// caseless reports whether values of an identity are compared without
// regard to case.
func caseless(key string) bool { return key == "email" }

// Spellings are the forms of an email address looked up where no index
// compares without case: as given, in lower case, and with only the domain
// in lower case (systems that normalise the domain keep the local part as
// typed). There are always three, repeated when they coincide, so that two
// statement texts serve every address: "= ?" when all three are the same,
// "IN (?, ?, ?)" otherwise.
func Spellings(email string) [3]string {
	out := [3]string{email, strings.ToLower(email), email}
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		out[2] = email[:at] + strings.ToLower(email[at:])
	}
	return out
}

// inlineMax is the most values an input lists as separate parameters.
// PostgreSQL plans "IN ($1, …, $n)" once per prepared statement, while it
// plans an array parameter "= ANY($1)" again at every run (a generic plan
// is costed for an array of unknown length, so the custom plan keeps
// winning); SQLite skips parsing a JSON array. Past it, one array or JSON
// parameter keeps clear of the engines' parameter limits, and planning is
// a small part of reading that many rows.
const inlineMax = 64

// shortList compares an input field with the few values found for it, as
// "= ?" or "IN (?, …)" with a power-of-two number of parameters (the last
// value repeated), so that a handful of statement texts serve every
// person. ok is false for long lists and for values other than whole
// numbers and text, which go through one list parameter.
func shortList(in plan.Input, found *keySets) (cond, bool) {
	n := found.count(in.From)
	if n == 0 || n > inlineMax {
		return cond{}, false
	}
	for _, v := range found.fields[in.From].other {
		if _, ok := v.(string); !ok {
			return cond{}, false
		}
	}
	size := 1
	for size < n {
		size *= 2
	}
	col := dataset.Quote(in.Field.Name)
	if size == 1 {
		return cond{col + " = ?", found.padded(in.From, 1)}, true
	}
	return cond{col + " IN (?" + strings.Repeat(", ?", size-1) + ")", found.padded(in.From, size)}, true
}

// subquery selects by the rows of the collection an input takes its values
// from, when that collection is in the same database: "IN (SELECT field
// FROM source WHERE …)", the source's conditions themselves written in SQL
// back to the identities. The read uses it when many values were found:
// the database then joins as hand-written SQL would, where a long list of
// values costs a plan per element (PostgreSQL estimates each one) and the
// exact values tell the planner that one person has a great many rows,
// which tips it into reading whole tables. ok is false for a source in
// another database.
func subquery(s *plan.Step, in plan.Input, found *keySets) (c cond, ok bool) {
	src := in.From.Collection
	conds, ok := found.inSQL[src]
	if !ok || src.Dataset != s.Collection.Dataset {
		return cond{}, false
	}
	var branches []string
	var args []any
	for _, c := range conds {
		branches = append(branches, "SELECT "+dataset.Quote(in.From.Name)+" FROM "+table(src)+" WHERE "+c.sql)
		args = append(args, c.args...)
	}
	return cond{dataset.Quote(in.Field.Name) + " IN (" + strings.Join(branches, " UNION ALL ") + ")", args}, true
}
