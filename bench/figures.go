package main

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// figure is one line of the report: Garde's value, the reference's value
// measured in the same run, and their ratio (garde / reference).
type figure struct {
	Name      string    `json:"name"`
	Value     float64   `json:"value"`
	Unit      string    `json:"unit"`
	Reference float64   `json:"reference"`
	Ratio     float64   `json:"ratio"`
	Samples   []float64 `json:"samples,omitempty"`
	RefSample []float64 `json:"reference_samples,omitempty"`
	Note      string    `json:"note,omitempty"`
}

func newFigure(name, unit string, value, reference float64) figure {
	return figure{Name: name, Unit: unit, Value: value, Reference: reference, Ratio: value / reference}
}

// coldStarts starts each target runs times on a fresh data directory,
// alternating between them so drift on the machine hits both alike, and
// returns the times to ready in milliseconds.
// A first, untimed start of each loads its binary into the page cache, so
// the figures compare programs, not disk reads.
func coldStarts(targets []target, runs int, tmp string) ([][]float64, error) {
	out := make([][]float64, len(targets))
	for i := -1; i < runs; i++ {
		for j, t := range targets {
			dir, err := os.MkdirTemp(tmp, t.name+"-cold-")
			if err != nil {
				return nil, err
			}
			began := time.Now()
			s, err := start(t, dir)
			if err != nil {
				return nil, err
			}
			d, err := s.waitReady(began, t.readyPath, 60*time.Second)
			s.stop()
			if err != nil {
				return nil, fmt.Errorf("%s cold start %d: %w", t.name, i+1, err)
			}
			if i >= 0 {
				out[j] = append(out[j], float64(d.Microseconds())/1000)
			}
		}
	}
	return out, nil
}

// warm is what long-running instances of the targets measured: resident
// memory once idle, then throughput samples in requests per second.
type warm struct {
	rss    []int64
	rps    [][]float64
	errors []int64
}

// measureWarm starts one instance of each target, reads their memory after
// idle, then loads them in turn, rounds times each: alternating spreads
// the machine's drift over both, and the median drops outliers.
func measureWarm(targets []target, tmp string, o options) (warm, error) {
	w := warm{rss: make([]int64, len(targets)), rps: make([][]float64, len(targets)), errors: make([]int64, len(targets))}
	servers := make([]*server, len(targets))
	for i, t := range targets {
		dir, err := os.MkdirTemp(tmp, t.name+"-warm-")
		if err != nil {
			return w, err
		}
		began := time.Now()
		s, err := start(t, dir)
		if err != nil {
			return w, err
		}
		defer s.stop()
		if _, err := s.waitReady(began, t.readyPath, 60*time.Second); err != nil {
			return w, fmt.Errorf("%s: %w", t.name, err)
		}
		servers[i] = s
	}
	time.Sleep(o.idle)
	for i, s := range servers {
		var err error
		if w.rss[i], err = s.rssBytes(); err != nil {
			return w, err
		}
	}
	for range o.rounds {
		for i, s := range servers {
			res, err := load(s.base+targets[i].loadPath, o.conns, o.warmup, o.duration)
			if err != nil {
				return w, fmt.Errorf("%s: %w", targets[i].name, err)
			}
			w.rps[i] = append(w.rps[i], res.perSecond())
			w.errors[i] += res.Errors
		}
	}
	return w, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
