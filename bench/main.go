// Command bench measures Garde against a reference in the same run: it
// builds the garde binary and a bare net/http server (bench/reference),
// starts both the same way on this machine, and prints each figure with the
// reference's and their ratio. Run it from the module: go run ./bench
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

type options struct {
	runs     int
	duration time.Duration
	warmup   time.Duration
	rounds   int
	idle     time.Duration
	conns    int
	json     bool
	// only picks one set of figures: "startup" (cold start, memory,
	// /healthz) or "submit" (the public form under load); empty runs both.
	only string
	// submitters and submitDuration shape the submission load.
	submitters     int
	submitDuration time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.runs, "runs", 10, "cold starts per server; the figure is their median")
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "length of each throughput measurement")
	flag.IntVar(&o.rounds, "rounds", 3, "throughput measurements per server, alternating; the figure is their median")
	flag.DurationVar(&o.warmup, "warmup", time.Second, "load applied before the throughput measurement starts")
	flag.DurationVar(&o.idle, "idle", 2*time.Second, "wait after ready before reading resident memory")
	flag.IntVar(&o.conns, "conns", 16, "concurrent keep-alive clients of the throughput measurement")
	flag.BoolVar(&o.json, "json", false, "print JSON instead of a table")
	flag.StringVar(&o.only, "only", "", "run one set of figures: startup or submit (default both)")
	flag.IntVar(&o.submitters, "submitters", 200, "concurrent clients posting the public request form")
	flag.DurationVar(&o.submitDuration, "submit-duration", 30*time.Second, "length of the submission load, per server")
	flag.Parse()
	if o.runs < 1 || o.rounds < 1 || o.conns < 1 || o.duration <= 0 || o.warmup < 0 || o.idle < 0 ||
		o.submitters < 1 || o.submitDuration <= 0 {
		fmt.Fprintln(os.Stderr, "bench: -runs, -rounds, -conns and -submitters must be at least 1, -duration and -submit-duration positive, -warmup and -idle not negative")
		os.Exit(2)
	}
	if o.only != "" && o.only != "startup" && o.only != "submit" {
		fmt.Fprintln(os.Stderr, "bench: -only is startup or submit")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "garde-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	progress("building garde and the reference servers")
	garde, err := build(root, tmp, "./cmd/garde", "garde")
	if err != nil {
		return err
	}
	ref, err := build(root, tmp, "./bench/reference", "reference")
	if err != nil {
		return err
	}
	refSubmit, err := build(root, tmp, "./bench/refsubmit", "refsubmit")
	if err != nil {
		return err
	}
	r, err := measure(o, gardeTarget(garde), referenceTarget(ref), refSubmitTarget(refSubmit), tmp)
	if err != nil {
		return err
	}
	if o.json {
		err = writeJSON(os.Stdout, r)
	} else {
		writeTable(os.Stdout, r)
	}
	if err == nil && r.Submit != nil && r.Submit["garde"].Errors > 0 {
		// The figures are printed, but a run where Garde failed anything
		// other than a rate limit is not a pass.
		err = fmt.Errorf("garde answered %d submissions with errors", r.Submit["garde"].Errors)
	}
	return err
}

func gardeTarget(bin string) target {
	return target{
		name:      "garde",
		bin:       bin,
		args:      func(addr, dir string) []string { return []string{"serve", "--addr", addr, "--data", dir} },
		readyPath: "/readyz",
		loadPath:  "/healthz",
	}
}

func referenceTarget(bin string) target {
	return target{
		name:      "reference",
		bin:       bin,
		args:      func(addr, _ string) []string { return []string{"-addr", addr} },
		readyPath: "/healthz",
		loadPath:  "/healthz",
	}
}

// refSubmitTarget is the reference of the submission figures.
func refSubmitTarget(bin string) target {
	return target{
		name:      "reference",
		bin:       bin,
		args:      func(addr, dir string) []string { return []string{"-addr", addr, "-data", dir} },
		readyPath: "/healthz",
		loadPath:  submitPath,
	}
}

// measure takes every figure of subject against reference, and the
// submission figures against refSubmit, as o.only says.
func measure(o options, subject, reference, refSubmit target, tmp string) (report, error) {
	r := report{
		Go:       runtime.Version(),
		OS:       runtime.GOOS + "/" + runtime.GOARCH,
		CPUs:     runtime.NumCPU(),
		Runs:     o.runs,
		Rounds:   o.rounds,
		Duration: o.duration.String(),
		Conns:    o.conns,
		Started:  time.Now().UTC().Format(time.RFC3339),
	}
	if o.only != "submit" {
		if err := measureStartup(o, subject, reference, tmp, &r); err != nil {
			return r, err
		}
	}
	if o.only != "startup" {
		if err := measureSubmit(o, subject, refSubmit, tmp, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// measureStartup takes the cold start, idle memory and /healthz figures.
func measureStartup(o options, subject, reference target, tmp string, r *report) error {
	r.Startup = true
	progress(fmt.Sprintf("cold starts: %d per server", o.runs))
	cold, err := coldStarts([]target{subject, reference}, o.runs, tmp)
	if err != nil {
		return err
	}
	f := newFigure("cold start to ready (SQLite)", "ms", median(cold[0]), median(cold[1]))
	f.Samples, f.RefSample = cold[0], cold[1]
	f.Note = "median; garde polled on /readyz, reference on /healthz"
	r.Figures = append(r.Figures, f)

	progress(fmt.Sprintf("idle memory, then /healthz throughput: %d × %s per server, %d clients", o.rounds, o.duration, o.conns))
	w, err := measureWarm([]target{subject, reference}, tmp, o)
	if err != nil {
		return err
	}
	const mib = 1 << 20
	f = newFigure("idle RSS (SQLite)", "MiB", float64(w.rss[0])/mib, float64(w.rss[1])/mib)
	f.Note = fmt.Sprintf("VmRSS %s after ready", o.idle)
	r.Figures = append(r.Figures, f)
	f = newFigure("/healthz throughput", "req/s", median(w.rps[0]), median(w.rps[1]))
	f.Samples, f.RefSample = w.rps[0], w.rps[1]
	f.Note = "median of rounds"
	if w.errors[0]+w.errors[1] > 0 {
		f.Note += fmt.Sprintf("; failed requests: garde %d, reference %d", w.errors[0], w.errors[1])
	}
	r.Figures = append(r.Figures, f)
	return nil
}

// progress tells a person at a terminal what is happening; JSON output
// stays clean on stdout since this goes to stderr.
func progress(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
}
