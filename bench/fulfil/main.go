// Command fulfil measures the fulfilment engine against hand-written SQL
// fetching the same rows, in the same run, on a synthetic shop database
// (customers, addresses, orders with lines, support tickets) in SQLite and,
// when its server binaries are installed, PostgreSQL. It prints each
// figure, the reference's and their ratio. Run it from the module:
//
//	go run ./bench/fulfil -customers 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
		if dialect == "sqlite" {
			url = "sqlite://" + filepath.Join(tmp, "shop.db")
		} else {
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
