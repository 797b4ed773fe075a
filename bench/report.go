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
}

func writeJSON(w io.Writer, r report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func writeTable(w io.Writer, r report) {
	fmt.Fprintf(w, "%s %s, %d CPUs; %d cold starts, %d × %s of load from %d clients per server\n\n", r.Go, r.OS, r.CPUs, r.Runs, r.Rounds, r.Duration, r.Conns)
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
