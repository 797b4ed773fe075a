package main

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// measureSubmit starts Garde on SQLite in a fresh data directory, as it
// ships (the rate limits at their defaults), puts the submission load on
// it, then does the same to the reference, and adds the latency and
// throughput figures to r.
func measureSubmit(o options, subject, reference target, tmp string, r *report) error {
	r.Submitters, r.SubmitDuration = o.submitters, o.submitDuration.String()
	r.Submit = map[string]submitResult{}
	var results [2]submitResult
	for i, t := range []target{subject, reference} {
		progress(fmt.Sprintf("submissions: %d clients for %s against %s", o.submitters, o.submitDuration, t.name))
		dir, err := os.MkdirTemp(tmp, t.name+"-submit-")
		if err != nil {
			return err
		}
		began := time.Now()
		s, err := start(t, dir)
		if err != nil {
			return err
		}
		if _, err := s.waitReady(began, t.readyPath, 60*time.Second); err != nil {
			s.stop()
			return fmt.Errorf("%s: %w", t.name, err)
		}
		res, err := submitLoad(s.base, o.submitters, o.submitDuration)
		s.stop()
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		results[i] = res
		r.Submit[t.name] = res
	}
	g, ref := results[0], results[1]
	p50 := newFigure("submit p50 latency (SQLite)", "ms", percentile(g.AcceptedMs, 50), percentile(ref.AcceptedMs, 50))
	p50.Note = "accepted submissions only; " + describe("garde", g) + "; " + describe("reference", ref)
	p99 := newFigure("submit p99 latency (SQLite)", "ms", percentile(g.AcceptedMs, 99), percentile(ref.AcceptedMs, 99))
	rate := newFigure("accepted submissions (SQLite)", "req/s", g.acceptedPerSecond(), ref.acceptedPerSecond())
	rate.Note = "accepted submissions over the whole run, the last answers included"
	r.Figures = append(r.Figures, p50, p99, rate)
	return nil
}

// describe sums up a submission run in a line: the counts, the slowest
// accepted answer and how fast the rate limit answers.
func describe(name string, s submitResult) string {
	out := fmt.Sprintf("%s: %d accepted, %d rate-limited (429), %d errors, max %s ms, %d client addresses",
		name, s.Accepted, s.RateLimited, s.Errors, format(slices.Max(s.AcceptedMs)), s.Addresses)
	if len(s.LimitedMs) > 0 {
		out += fmt.Sprintf(", 429 answers p50 %s ms", format(percentile(s.LimitedMs, 50)))
	}
	for _, e := range s.FirstErrors {
		out += "\n  error: " + e
	}
	return out
}
