package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// report is the whole result of one run.
type report struct {
	Go       string   `json:"go"`
	OS       string   `json:"os"`
	CPUs     int      `json:"cpus"`
	Runs     int      `json:"runs"`
	Rounds   int      `json:"rounds"`
	Duration string   `json:"duration"`
	Conns    int      `json:"conns"`
	Started  string   `json:"started"`
	Figures  []figure `json:"figures"`
	// Startup says the cold start, memory and /healthz figures were taken.
	Startup bool `json:"-"`
	// Submitters and SubmitDuration shaped the submission load; Submit
	// has its counts by server (garde, reference).
	Submitters     int                     `json:"submitters,omitempty"`
	SubmitDuration string                  `json:"submit_duration,omitempty"`
	Submit         map[string]submitResult `json:"submit,omitempty"`
}

func writeJSON(w io.Writer, r report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func writeTable(w io.Writer, r report) {
	fmt.Fprintf(w, "%s %s, %d CPUs", r.Go, r.OS, r.CPUs)
	if r.Startup {
		fmt.Fprintf(w, "; %d cold starts, %d × %s of load from %d clients per server", r.Runs, r.Rounds, r.Duration, r.Conns)
	}
	if r.Submit != nil {
		fmt.Fprintf(w, "; %d submitters for %s per server", r.Submitters, r.SubmitDuration)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tfigure\tunit\treference\tratio")
	for _, f := range r.Figures {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\n", f.Name, format(f.Value), f.Unit, format(f.Reference), f.Ratio)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nratio = garde / reference")
	for _, f := range r.Figures {
		if f.Note != "" {
			fmt.Fprintf(w, "%s: %s\n", f.Name, f.Note)
		}
	}
}

// format prints large figures without decimals and small ones with one.
func format(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
