// Command consentload measures how many consent choices per second Garde's
// ledger acknowledges over HTTP, each durable before its answer, against
// two references measured in the same run on the same machine: a bare
// net/http handler answering 204, and the raw insert rate of the same
// database (one hand-written INSERT per event, no HTTP). It runs on SQLite
// and on PostgreSQL: two throw-away clusters, one whose commits are written
// to the operating system but not flushed (as SQLite's synchronous=NORMAL)
// and one with PostgreSQL's default flush to disk, unless -pg names a
// server.
// Run it from the module: go run ./bench/consentload
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/pgtest"
)

type options struct {
	clients    int
	duration   time.Duration
	pg         string
	profile    string
	memProfile string
	rounds     int
	// databases is sqlite, postgres or both.
	databases string
}

func main() {
	var o options
	flag.IntVar(&o.clients, "clients", 32, "concurrent keep-alive clients")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of each measurement")
	flag.StringVar(&o.pg, "pg", "", "PostgreSQL URL of an empty database (default: start a throw-away cluster)")
	flag.IntVar(&o.rounds, "rounds", 3, "measurements of each figure, alternating with the bare handler's; the figure is their median")
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&o.memProfile, "memprofile", "", "write a profile of the run's allocations to this file")
	flag.StringVar(&o.databases, "databases", "both", "which databases to measure: sqlite, postgres or both")
	flag.Parse()
	if o.clients < 1 || o.duration <= 0 || o.rounds < 1 || !slices.Contains([]string{"sqlite", "postgres", "both"}, o.databases) {
		fmt.Fprintln(os.Stderr, "consentload: -clients and -rounds must be at least 1, -duration positive, -databases sqlite, postgres or both")
		os.Exit(2)
	}
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "consentload:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "consentload:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
	if o.memProfile != "" {
		f, err := os.Create(o.memProfile)
		if err == nil {
			err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "consentload:", err)
			os.Exit(1)
		}
	}
}

// serve starts h on a loopback port and returns its address and a stop.
func serve(h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }
}

// load posts choices from o.clients clients for o.duration and returns
// the acknowledged ones per second. Any other answer is an error.
func load(o options, url string, want int) (float64, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var n atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	start := time.Now()
	for range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				body := `{"device_id":"` + deviceID() + `","granted":["analytics"],"refused":["marketing"],"method":"express","source":"banner","language":"fr"}`
				resp, err := client.Post(url, "text/plain;charset=UTF-8", strings.NewReader(body))
				if err != nil {
					failed.Store(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					failed.Store(fmt.Errorf("status %d", resp.StatusCode))
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

// deviceID makes an identifier as the banner does for a new visitor: the
// time in milliseconds plus 2^44 in hex (12 digits), then 80 random bits.
func deviceID() string {
	return fmt.Sprintf("%x%016x%04x", time.Now().UnixMilli()+1<<44, rand.Uint64(), rand.Uint32()&0xffff)
}

// rawInserts is the database's own rate for the same rows: one INSERT per
// event, committed on its own, from as many goroutines as clients.
func rawInserts(o options, d *db.DB) (float64, error) {
	var n atomic.Int64
	var failed atomic.Value
	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	start := time.Now()
	for range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				now := time.Now().UTC()
				_, err := d.Exec(context.Background(), `INSERT INTO consent_events(id, site_id, subject_id, device_id, kind,
					granted, refused, method, source, notice_version, language, gpc, actor, given_at, recorded_at)
					VALUES (?, '', '', ?, 'choice', 'analytics', 'marketing', 'express', 'banner', '1', 'fr', ?, 'public', ?, ?)`,
					uuid.Must(uuid.NewV7()).String(), deviceID(), false, now, now)
				if err != nil {
					failed.Store(err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return 0, err
	}
	return float64(n.Load()) / time.Since(start).Seconds(), nil
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// ledger measures one database: Garde's endpoint and the bare handler in
// turns (the machine's load changes; turns expose both to it alike), then
// raw inserts.
func ledger(o options, cat *i18n.Catalog, url, dir, bareURL string) (garde, bare, raw float64, err error) {
	ctx := context.Background()
	d, err := db.Open(ctx, url, dir)
	if err != nil {
		return 0, 0, 0, err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return 0, 0, 0, err
	}
	svc := consent.NewService(consent.Deps{DB: d, Audit: audit.New(d)})
	site, err := svc.CreateSite(ctx, "cli", consent.SiteInput{Name: "Bench", Origins: []string{"https://shop.example"}, NoticeVersion: "1"})
	if err != nil {
		return 0, 0, 0, err
	}
	mux := http.NewServeMux()
	consent.NewPublic(svc, consent.PublicOptions{Catalog: cat, EventsPerWindow: 1 << 30}).Register(mux)
	// Each figure's goroutines (server and clients) carry a profile label,
	// so a CPU profile can be read one figure at a time
	// (go tool pprof -tagfocus=figure=ledger).
	var base string
	var stop func()
	pprof.Do(ctx, pprof.Labels("figure", "ledger"), func(context.Context) { base, stop = serve(mux) })
	defer stop()
	var gs, bs, rs []float64
	for range o.rounds {
		var b, g, r float64
		pprof.Do(ctx, pprof.Labels("figure", "bare"), func(context.Context) { b, err = load(o, bareURL, http.StatusNoContent) })
		if err != nil {
			return 0, 0, 0, err
		}
		pprof.Do(ctx, pprof.Labels("figure", "ledger"), func(context.Context) {
			g, err = load(o, base+strings.Replace(consent.EventsPath, "{site}", site.ID, 1), http.StatusCreated)
		})
		if err != nil {
			return 0, 0, 0, err
		}
		pprof.Do(ctx, pprof.Labels("figure", "raw"), func(context.Context) { r, err = rawInserts(o, d) })
		if err != nil {
			return 0, 0, 0, err
		}
		gs, bs, rs = append(gs, g), append(bs, b), append(rs, r)
	}
	return median(gs), median(bs), median(rs), nil
}

func run(o options) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	var bareURL string
	var stop func()
	pprof.Do(context.Background(), pprof.Labels("figure", "bare"), func(context.Context) {
		bareURL, stop = serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		}))
	})
	defer stop()

	tmp, err := os.MkdirTemp("", "garde-consentload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	type row struct {
		name             string
		garde, bare, raw float64
	}
	var rows []row
	measure := func(name, url string) error {
		fmt.Fprintln(os.Stderr, name+"…")
		g, b, r, err := ledger(o, cat, url, tmp, bareURL)
		if err != nil {
			return errors.Join(errors.New(name), err)
		}
		rows = append(rows, row{name, g, b, r})
		return nil
	}
	if o.databases != "postgres" {
		if err := measure("SQLite (WAL, synchronous=NORMAL)", "sqlite://"+tmp+"/bench.db"); err != nil {
			return err
		}
	}
	if o.databases != "sqlite" {
		if o.pg != "" {
			if err := measure("PostgreSQL (the given server)", o.pg); err != nil {
				return err
			}
		} else {
			// Both clusters answer a commit only once its log is written:
			// the first as SQLite's row above (to the operating system,
			// which a kill of either server does not undo), the second
			// with PostgreSQL's defaults (flushed to disk).
			for _, c := range []struct {
				name string
				d    pgtest.Durability
			}{
				{"PostgreSQL (commit written, fsync off)", pgtest.Written},
				{"PostgreSQL (defaults: commit flushed)", pgtest.Flushed},
			} {
				fmt.Fprintln(os.Stderr, "starting a throw-away PostgreSQL…")
				cl, err := pgtest.StartWith(c.d)
				if err != nil {
					return err
				}
				err = measure(c.name, cl.URL("postgres"))
				cl.Stop()
				if err != nil {
					return err
				}
			}
		}
	}

	fmt.Printf("%d clients, %s per measurement, median of %d\n", o.clients, o.duration, o.rounds)
	fmt.Printf("%-44s %10s %10s %8s %12s %8s\n", "consent ledger over HTTP", "events/s", "bare 204/s", "× bare", "raw insert/s", "× raw")
	for _, r := range rows {
		fmt.Printf("%-44s %10.0f %10.0f %8.2f %12.0f %8.2f\n", r.name, r.garde, r.bare, r.garde/r.bare, r.raw, r.garde/r.raw)
	}
	return nil
}
