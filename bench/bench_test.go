package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// The runner works end to end against the real garde binary: every figure
// comes out positive and finite, in the table and in JSON. The durations
// are cut short; the figures themselves are not checked here.
func TestRunnerMeasuresGarde(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts garde")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	garde, err := build(root, tmp, "./cmd/garde", "garde")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := build(root, tmp, "./bench/reference", "reference")
	if err != nil {
		t.Fatal(err)
	}
	refSubmit, err := build(root, tmp, "./bench/refsubmit", "refsubmit")
	if err != nil {
		t.Fatal(err)
	}
	o := options{runs: 2, rounds: 1, duration: 300 * time.Millisecond, warmup: 100 * time.Millisecond, idle: 100 * time.Millisecond, conns: 4,
		submitters: 8, submitDuration: time.Second}
	r, err := measure(o, gardeTarget(garde), referenceTarget(ref), refSubmitTarget(refSubmit), tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Figures) != 6 {
		t.Fatalf("%d figures, want 6", len(r.Figures))
	}
	// Only rate limits may refuse a submission, and Garde's default limit
	// (5 accepted per client address) holds: each address the load moved
	// to got at most 5 in.
	g := r.Submit["garde"]
	if g.Errors > 0 || r.Submit["reference"].Errors > 0 {
		t.Errorf("errors: garde %d %v, reference %d %v", g.Errors, g.FirstErrors, r.Submit["reference"].Errors, r.Submit["reference"].FirstErrors)
	}
	if g.Accepted > 5*g.Addresses {
		t.Errorf("garde accepted %d submissions from %d client addresses: more than 5 each", g.Accepted, g.Addresses)
	}
	var table bytes.Buffer
	writeTable(&table, r)
	for _, f := range r.Figures {
		for _, v := range []float64{f.Value, f.Reference, f.Ratio} {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("%s: value %v, reference %v, ratio %v: want positive, finite figures", f.Name, f.Value, f.Reference, f.Ratio)
			}
		}
		if !strings.Contains(table.String(), f.Name) {
			t.Errorf("table lacks %q:\n%s", f.Name, table.String())
		}
	}
	var out bytes.Buffer
	if err := writeJSON(&out, r); err != nil {
		t.Fatal(err)
	}
	var back report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Figures) != 6 {
		t.Fatalf("JSON output does not round-trip (%v):\n%s", err, out.String())
	}
	t.Logf("\n%s", table.String())
}
