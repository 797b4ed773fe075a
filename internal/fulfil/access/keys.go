package access

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
)

// keySets holds, per field, the distinct values found, in the order found.
// Whole-number keys, the usual case, are kept unboxed: a person with 100,000
// orders costs their ids, not 100,000 interface values.
type keySets struct {
	fields map[*dataset.Field]*keyList
	// inSQL holds, per collection read, the conditions that select its
	// rows by the identities and by the other collections of the same
	// database in SQL (see subquery).
	inSQL map[*dataset.Collection][]cond
}

type keyList struct {
	ints    []int64
	intSeen map[int64]struct{}
	other   []any
	seen    map[any]struct{}
}

func newKeySets() *keySets {
	return &keySets{fields: map[*dataset.Field]*keyList{}, inSQL: map[*dataset.Collection][]cond{}}
}

func (k *keySets) add(f *dataset.Field, v any) {
	if v == nil {
		return
	}
	l := k.fields[f]
	if l == nil {
		l = &keyList{intSeen: map[int64]struct{}{}, seen: map[any]struct{}{}}
		k.fields[f] = l
	}
	switch x := v.(type) {
	case int64:
		if _, ok := l.intSeen[x]; !ok {
			l.intSeen[x] = struct{}{}
			l.ints = append(l.ints, x)
		}
		return
	case []byte:
		v = string(x)
	case time.Time:
		v = x.UTC()
	}
	if _, ok := l.seen[v]; !ok {
		l.seen[v] = struct{}{}
		l.other = append(l.other, v)
	}
}

// arg returns the values found for f as one bind parameter (see
// ListArg), or nil when there are none.
func (k *keySets) arg(d connect.Dialect, f *dataset.Field) (any, error) {
	l := k.fields[f]
	if l == nil || len(l.ints)+len(l.other) == 0 {
		return nil, nil
	}
	if len(l.other) == 0 {
		if d == connect.SQLite {
			b, err := json.Marshal(l.ints)
			return string(b), err
		}
		if d == connect.MySQL {
			return connect.MySQLInts(l.ints)
		}
		return l.ints, nil
	}
	vals := make([]any, 0, len(l.ints)+len(l.other))
	for _, n := range l.ints {
		vals = append(vals, n)
	}
	return ListArg(d, append(vals, l.other...))
}

// ListArg turns values into one bind parameter: a JSON array for SQLite's
// json_each and for MySQL's JSON_TABLE (a connect.MySQLList), a typed
// array for PostgreSQL's = ANY. One parameter whatever
// the number of values keeps clear of the engines' parameter limits.
func ListArg(d connect.Dialect, vals []any) (any, error) {
	if d == connect.SQLite {
		b, err := json.Marshal(vals)
		return string(b), err
	}
	if d == connect.MySQL {
		return connect.NewMySQLList(vals)
	}
	switch vals[0].(type) {
	case int64:
		out := make([]int64, len(vals))
		for i, v := range vals {
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("key values of mixed types")
			}
			out[i] = n
		}
		return out, nil
	case float64:
		out := make([]float64, len(vals))
		for i, v := range vals {
			n, ok := v.(float64)
			if !ok {
				return nil, fmt.Errorf("key values of mixed types")
			}
			out[i] = n
		}
		return out, nil
	case time.Time:
		out := make([]time.Time, len(vals))
		for i, v := range vals {
			n, ok := v.(time.Time)
			if !ok {
				return nil, fmt.Errorf("key values of mixed types")
			}
			out[i] = n
		}
		return out, nil
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = fmt.Sprint(v)
	}
	return out, nil
}

// count is the number of distinct values found for f.
func (k *keySets) count(f *dataset.Field) int {
	l := k.fields[f]
	if l == nil {
		return 0
	}
	return len(l.ints) + len(l.other)
}

// padded returns the values found for f, repeated at the end up to n: a
// short list goes into "IN (?, ?, …)" of a fixed size, so that a handful of
// statement texts serve every person.
func (k *keySets) padded(f *dataset.Field, n int) []any {
	l := k.fields[f]
	out := make([]any, 0, n)
	for _, v := range l.ints {
		out = append(out, v)
	}
	out = append(out, l.other...)
	for len(out) < n {
		out = append(out, out[len(out)-1])
	}
	return out
}
