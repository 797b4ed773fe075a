package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/garde-privacy/garde/internal/fulfil/access"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/erase"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/fulfil/shoptest"
	"github.com/garde-privacy/garde/internal/i18n"
)

// reference is the hand-written SQL fetching the same rows as the engine
// for one email: one query per table, joins written out, the tickets found
// two ways joined by UNION so that each way uses its index.
var reference = []string{
	`SELECT id, email, first_name, last_name, phone, created_at FROM customers WHERE email = ?`,
	`SELECT id, customer_id, email, subject, body FROM tickets WHERE email = ?
	 UNION SELECT t.id, t.customer_id, t.email, t.subject, t.body FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE c.email = ?`,
	`SELECT a.id, a.customer_id, a.street, a.city, a.postal_code FROM addresses a JOIN customers c ON c.id = a.customer_id WHERE c.email = ?`,
	`SELECT o.id, o.customer_id, o.placed_at, o.total_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ?`,
	`SELECT l.id, l.order_id, l.product, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN customers c ON c.id = o.customer_id WHERE c.email = ?`,
}

// floorMiB is the smallest memory reference: the heap is only measured
// when the collector runs, which small requests may not trigger.
const floorMiB = 1.0

type bench struct {
	dialect string
	pg      bool
	raw     *sql.DB
	conn    *connect.Conn
	set     *dataset.Set
	queries []*sql.Stmt
	tmp     string
}

func measure(ctx context.Context, o options, dialect, url, tmp string) ([]figure, error) {
	b := &bench{dialect: dialect, pg: dialect == "postgres", tmp: tmp}
	driver, dsn := "pgx", url
	if !b.pg {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(url, "sqlite://")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	b.raw = raw
	progress(fmt.Sprintf("%s: building the shop (%d customers)", dialect, o.customers))
	start := time.Now()
	if err := fill(ctx, raw, b.pg, o.customers, o.orders); err != nil {
		return nil, err
	}
	progress(fmt.Sprintf("%s: built in %s", dialect, time.Since(start).Round(time.Millisecond)))
	heavy := map[int][2]string{}
	for j, k := range o.grow {
		var pair [2]string
		for h := 0; h < 2; h++ {
			email, err := addHeavy(ctx, raw, b.pg, int64(j*2+h+1)*1_000_000_000, k, h)
			if err != nil {
				return nil, err
			}
			pair[h] = email
		}
		// Two people with the same rows: one for the engine, one for the
		// reference's erasure.
		heavy[k] = pair
	}
	if b.pg {
		raw.ExecContext(ctx, "ANALYZE")
	}
	raw.SetMaxOpenConns(o.workers)
	for _, q := range reference {
		if b.pg {
			q = rebindDollar(q)
		}
		st, err := raw.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer st.Close()
		b.queries = append(b.queries, st)
	}
	if b.conn, err = connect.Open(ctx, url, true); err != nil {
		return nil, err
	}
	defer b.conn.Close()
	ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
	if err != nil {
		return nil, err
	}
	if b.set, err = dataset.Check(ds); err != nil {
		return nil, err
	}

	var figs []figure
	// The same rows: both find the same number for a sample of people.
	for i := 0; i < 20; i++ {
		email := fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)
		got, err := b.engine(ctx, email)
		if err != nil {
			return figs, err
		}
		want, err := b.reference(ctx, email)
		if err != nil {
			return figs, err
		}
		if got != want {
			return figs, fmt.Errorf("%s: the engine found %d rows, the hand-written SQL %d", email, got, want)
		}
	}
	// One request: each side reads its own people, turn about, so that
	// neither finds the pages the other just read and both see the cache
	// warm up alike.
	const samples = 300
	var engSum, refSum time.Duration
	for i := 0; i < samples; i++ {
		t0 := time.Now()
		if _, err := b.engine(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		t1 := time.Now()
		if _, err := b.reference(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		engSum += t1.Sub(t0)
		refSum += time.Since(t1)
	}
	engOne, refOne := ms(engSum)/samples, ms(refSum)/samples
	figs = append(figs, figure{name: dialect + ": one access request (plan + reads)", unit: "ms", value: engOne, ref: refOne,
		note: fmt.Sprintf("mean over %d random people per side; reference: 5 hand-written prepared queries with joins fetching the same rows", samples)})

	// End to end with the package written and zipped.
	var pkg []float64
	for i := 0; i < 50; i++ {
		email := fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)
		t0 := time.Now()
		if err := b.pack(ctx, email, false); err != nil {
			return figs, err
		}
		pkg = append(pkg, ms(time.Since(t0)))
	}
	figs = append(figs, figure{name: dialect + ": one access request, zip written", unit: "ms", value: median(pkg), ref: refOne,
		note: "median of 50; data.json, 5 CSV files and summary.html written, synced and zipped; reference as above (reads only)"})

	// Throughput.
	rate := func(f func(string) error) (float64, error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		var firstErr atomic.Value
		t0 := time.Now()
		for w := 0; w < o.workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(o.requests) {
					if err := f(fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if err, _ := firstErr.Load().(error); err != nil {
			return 0, err
		}
		return float64(o.requests) / time.Since(t0).Seconds(), nil
	}
	er, err := rate(func(e string) error { _, err := b.engine(ctx, e); return err })
	if err != nil {
		return figs, err
	}
	rr, err := rate(func(e string) error { _, err := b.reference(ctx, e); return err })
	if err != nil {
		return figs, err
	}
	figs = append(figs, figure{name: fmt.Sprintf("%s: %d access requests, %d at a time", dialect, o.requests, o.workers), unit: "req/s", value: er, ref: rr,
		note: "higher is better for both"})

	// Memory as one person's rows grow; the reference is the smallest person.
	var base float64
	for _, k := range o.grow {
		peak, err := peakHeap(func() error { return b.pack(ctx, heavy[k][0], true) })
		if err != nil {
			return figs, err
		}
		mib := float64(peak) / (1 << 20)
		if base == 0 {
			base = max(mib, floorMiB)
		}
		figs = append(figs, figure{name: fmt.Sprintf("%s: access live heap, person with %d orders (%d rows)", dialect, k, 2*k+3), unit: "MiB", value: mib, ref: base,
			note: fmt.Sprintf("package written; reference: the same for %d orders (at least %.0f MiB: below, no collection may happen to measure)", o.grow[0], floorMiB)})
	}

	// Erasure of the heavy people: engine against hand-written statements
	// on the second copy of the same person.
	rw, err := connect.Open(ctx, url, false)
	if err != nil {
		return figs, err
	}
	defer rw.Close()
	key := []byte("bench erasure key, not a secret")
	base = 0
	for _, k := range o.grow {
		var took time.Duration
		peak, err := peakHeap(func() error {
			t0 := time.Now()
			p, err := plan.Build(b.set, []plan.Identity{{Key: "email", Value: heavy[k][0]}})
			if err != nil {
				return err
			}
			_, err = erase.Run(ctx, p, map[string]*connect.Conn{"shop": rw}, erase.Options{Key: key})
			took = time.Since(t0)
			return err
		})
		if err != nil {
			return figs, err
		}
		rw.DB.SetMaxOpenConns(1)
		t0 := time.Now()
		if err := handErase(ctx, raw, b.pg, heavy[k][1]); err != nil {
			return figs, err
		}
		refTook := time.Since(t0)
		figs = append(figs, figure{name: fmt.Sprintf("%s: erasure, person with %d orders", dialect, k), unit: "ms", value: ms(took), ref: ms(refTook),
			note: "engine: rows read, then updated/deleted one by one by primary key in one transaction; reference: set-based UPDATE/DELETE by join"})
		mib := float64(peak) / (1 << 20)
		if base == 0 {
			base = max(mib, floorMiB)
		}
		figs = append(figs, figure{name: fmt.Sprintf("%s: erasure live heap, person with %d orders", dialect, k), unit: "MiB", value: mib, ref: base,
			note: fmt.Sprintf("reference: the same for %d orders (at least %.0f MiB)", o.grow[0], floorMiB)})
	}
	return figs, nil
}

// engine runs a plan and the reads for one email, counting rows.
func (b *bench) engine(ctx context.Context, email string) (int64, error) {
	p, err := plan.Build(b.set, []plan.Identity{{Key: "email", Value: email}})
	if err != nil {
		return 0, err
	}
	res, err := access.Run(ctx, p, map[string]*connect.Conn{"shop": b.conn}, access.Counter{})
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range res.Rows {
		n += c
	}
	return n, nil
}

func (b *bench) reference(ctx context.Context, email string) (int64, error) {
	var n int64
	for i, st := range b.queries {
		args := []any{email}
		if i == 1 {
			args = append(args, email)
		}
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return 0, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return 0, err
			}
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// pack writes a whole access package for email and removes it.
func (b *bench) pack(ctx context.Context, email string, keep bool) error {
	dir, err := os.MkdirTemp(b.tmp, "pkg-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := plan.Build(b.set, []plan.Identity{{Key: "email", Value: email}})
	if err != nil {
		return err
	}
	pk, err := access.NewPackage(dir)
	if err != nil {
		return err
	}
	if _, err := access.Run(ctx, p, map[string]*connect.Conn{"shop": b.conn}, pk); err != nil {
		pk.Abort()
		return err
	}
	_, err = pk.Finish(access.Summary{At: time.Now(), Lang: i18n.EN, Catalog: catalog(), Identities: p.Identities})
	return err
}

var catalog = sync.OnceValue(i18n.MustLoad)

func handErase(ctx context.Context, d *sql.DB, pg bool, email string) error {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`DELETE FROM order_lines WHERE order_id IN (SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = ?)`,
		`UPDATE addresses SET street = 'x', city = 'x', postal_code = 'x' WHERE customer_id IN (SELECT id FROM customers WHERE email = ?)`,
		`UPDATE tickets SET email = 'x', subject = 'x', body = 'x' WHERE email = ? OR customer_id IN (SELECT id FROM customers WHERE email = ?)`,
		`UPDATE customers SET email = 'x', first_name = NULL, last_name = 'erased', phone = NULL WHERE email = ?`,
	} {
		args := []any{email}
		if strings.Count(q, "?") == 2 {
			args = append(args, email)
		}
		if pg {
			q = rebindDollar(q)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// peakHeap runs f and returns the highest live heap above what was live
// before: the heap the collector found reachable at each collection during
// f (garbage awaiting collection is not counted), sampled every millisecond.
func peakHeap(f func() error) (uint64, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	err := f()
	close(done)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base, err
	}
	return 0, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func rebindDollar(q string) string {
	n := 0
	var b strings.Builder
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
