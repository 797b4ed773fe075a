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
}

type keyList struct {
	ints    []int64
	intSeen map[int64]struct{}
	other   []any
	seen    map[any]struct{}
}

func newKeySets() *keySets {
	return &keySets{fields: map[*dataset.Field]*keyList{}}
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
		return l.ints, nil
	}
	vals := make([]any, 0, len(l.ints)+len(l.other))
	for _, n := range l.ints {
		vals = append(vals, n)
	}
	return ListArg(d, append(vals, l.other...))
}

// ListArg turns values into one bind parameter: a JSON array for SQLite's
// json_each, a typed array for PostgreSQL's = ANY. One parameter whatever
// the number of values keeps clear of the engines' parameter limits.
func ListArg(d connect.Dialect, vals []any) (any, error) {
	if d == connect.SQLite {
		b, err := json.Marshal(vals)
		return string(b), err
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
