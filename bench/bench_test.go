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
	o := options{runs: 2, rounds: 1, duration: 300 * time.Millisecond, warmup: 100 * time.Millisecond, idle: 100 * time.Millisecond, conns: 4}
	r, err := measure(o, gardeTarget(garde), referenceTarget(ref), tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Figures) != 3 {
		t.Fatalf("%d figures, want 3", len(r.Figures))
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
	if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Figures) != 3 {
		t.Fatalf("JSON output does not round-trip (%v):\n%s", err, out.String())
	}
	t.Logf("\n%s", table.String())
}
