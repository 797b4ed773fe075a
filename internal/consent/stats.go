package consent

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Tally counts the answers for one purpose.
type Tally struct {
	Granted, Refused int
}

// Rate is the share of answers that granted, 0 to 1.
func (t Tally) Rate() float64 {
	if t.Granted+t.Refused == 0 {
		return 0
	}
	return float64(t.Granted) / float64(t.Granted+t.Refused)
}

// Stats sums the choices of a period: by month and purpose, and by
// language and purpose. Withdrawals count as refusals.
type Stats struct {
	Months    []string // "2026-03", oldest first
	Purposes  []Purpose
	Languages []string
	ByMonth   map[string]map[Purpose]Tally
	ByLang    map[string]map[Purpose]Tally
	Events    int
}

// Stats sums the events recorded in [from, to).
func (s *Service) Stats(ctx context.Context, from, to time.Time) (*Stats, error) {
	st := &Stats{ByMonth: map[string]map[Purpose]Tally{}, ByLang: map[string]map[Purpose]Tally{}}
	add := func(m map[string]map[Purpose]Tally, key string, p Purpose, granted bool) {
		if m[key] == nil {
			m[key] = map[Purpose]Tally{}
		}
		t := m[key][p]
		if granted {
			t.Granted++
		} else {
			t.Refused++
		}
		m[key][p] = t
	}
	err := s.store.Export(ctx, from, to, func(e *Event) error {
		st.Events++
		month := e.GivenAt.Format("2006-01")
		lang, _, _ := strings.Cut(strings.ToLower(e.Language), "-")
		if lang == "" {
			lang = "?"
		}
		for _, set := range []struct {
			ps      []Purpose
			granted bool
		}{{e.Granted, true}, {e.Refused, false}} {
			for _, p := range set.ps {
				add(st.ByMonth, month, p, set.granted)
				add(st.ByLang, lang, p, set.granted)
				if !slices.Contains(st.Purposes, p) {
					st.Purposes = append(st.Purposes, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for m := range st.ByMonth {
		st.Months = append(st.Months, m)
	}
	for l := range st.ByLang {
		st.Languages = append(st.Languages, l)
	}
	slices.Sort(st.Months)
	slices.Sort(st.Languages)
	// Purposes in the usual order, the site-defined ones after.
	slices.SortStableFunc(st.Purposes, func(a, b Purpose) int { return order(a) - order(b) })
	return st, nil
}

func order(p Purpose) int {
	if i := slices.Index(DefaultPurposes, p); i >= 0 {
		return i
	}
	return len(DefaultPurposes)
}
