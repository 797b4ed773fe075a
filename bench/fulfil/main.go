// Command fulfil measures the fulfilment engine against hand-written SQL
// fetching the same rows, in the same run, on a synthetic shop database
// (customers, addresses, orders with lines, support tickets) in SQLite and
// in PostgreSQL (a throw-away server when its binaries are installed, or
// the database given with -postgres-url). It prints each figure, the
// reference's and their ratio. Run it from the module:
//
//	go run ./bench/fulfil -customers 1000000 -orders 10 -dir DIR -postgres-url URL
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
)

type options struct {
	customers int
	orders    int
	requests  int
	workers   int
	grow      []int
	pg        bool
	sqlite    bool
	// dir keeps the SQLite shop between runs; pgURL is a PostgreSQL
	// database to use instead of a throw-away server.
	dir   string
	pgURL string
}

type figure struct {
	name, unit string
	value, ref float64
	note       string
}

func main() {
	var o options
	var grow string
	flag.IntVar(&o.customers, "customers", 20000, "customers in the synthetic shop")
	flag.IntVar(&o.orders, "orders", 5, "orders per customer (each with 2 lines)")
	flag.IntVar(&o.requests, "requests", 1000, "access requests of the throughput figure")
	flag.IntVar(&o.workers, "workers", 4, "concurrent requests of the throughput figure")
	flag.StringVar(&grow, "grow", "10,1000,100000", "orders of the person whose memory is measured, comma-separated")
	flag.BoolVar(&o.pg, "postgres", true, "measure on PostgreSQL when its server binaries are installed")
	flag.BoolVar(&o.sqlite, "sqlite", true, "measure on SQLite")
	flag.StringVar(&o.dir, "dir", "", "build the SQLite shop in this directory and keep it for the next run of the same size (default: a temporary directory, removed)")
	flag.StringVar(&o.pgURL, "postgres-url", "", "measure on this PostgreSQL database (the shop is built there, or kept when a run of the same size built it) instead of a throw-away server")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measurements to this file")
	flag.Parse()
	for _, s := range strings.Split(grow, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "bench/fulfil: -grow is a list of positive numbers")
			os.Exit(2)
		}
		o.grow = append(o.grow, n)
	}
	if o.customers < 10 || o.orders < 1 || o.requests < 1 || o.workers < 1 {
		fmt.Fprintln(os.Stderr, "bench/fulfil: -customers at least 10, -orders, -requests and -workers at least 1")
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/fulfil:", err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench/fulfil:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	figs, err := run(context.Background(), o)
	print(o, figs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/fulfil:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) ([]figure, error) {
	tmp, err := os.MkdirTemp("", "garde-bench-fulfil-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var figs []figure
	var targets []string
	if o.sqlite {
		targets = append(targets, "sqlite")
	}
	if o.pg {
		targets = append(targets, "postgres")
	}
	for _, dialect := range targets {
		var url string
		switch {
		case dialect == "sqlite" && o.dir != "":
			dir, err := filepath.Abs(o.dir)
			if err != nil {
				return figs, err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return figs, err
			}
			url = "sqlite://" + filepath.Join(dir, "shop.db")
		case dialect == "sqlite":
			url = "sqlite://" + filepath.Join(tmp, "shop.db")
		case o.pgURL != "":
			url = o.pgURL
		default:
			u, stop, err := startPostgres()
			if err != nil {
				progress("PostgreSQL skipped: " + err.Error())
				continue
			}
			defer stop()
			url = u
		}
		f, err := measure(ctx, o, dialect, url, tmp)
		figs = append(figs, f...)
		if err != nil {
			return figs, fmt.Errorf("%s: %w", dialect, err)
		}
	}
	return figs, nil
}

func print(o options, figs []figure) {
	fmt.Printf("%s %s/%s, %d CPUs; %d customers, %d orders each (2 lines per order)\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), o.customers, o.orders)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "name\tgarde\tunit\treference\tratio")
	for _, f := range figs {
		ratio := "-"
		if f.ref > 0 {
			ratio = strconv.FormatFloat(f.value/f.ref, 'f', 2, 64)
		}
		ref := "-"
		if f.ref > 0 {
			ref = format(f.ref)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.name, format(f.value), f.unit, ref, ratio)
	}
	tw.Flush()
	fmt.Println("\nratio = garde / reference")
	for _, f := range figs {
		if f.note != "" {
			fmt.Printf("%s: %s\n", f.name, f.note)
		}
	}
}

func format(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func progress(msg string) { fmt.Fprintln(os.Stderr, "bench/fulfil:", msg) }
