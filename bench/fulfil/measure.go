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
	// url and driver, dsn open the shop afresh: the engine's connection
	// URL, and the reference's driver settings.
	url, driver, dsn string
}

func measure(ctx context.Context, o options, dialect, url, tmp string) ([]figure, error) {
	b := &bench{dialect: dialect, pg: dialect == "postgres", tmp: tmp}
	driver, dsn := "pgx", url
	if !b.pg {
		path := strings.TrimPrefix(url, "sqlite://")
		driver, dsn = "sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"
		if err := buildSQLite(ctx, path, o); err != nil {
			return nil, err
		}
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	b.raw = raw
	b.url, b.driver, b.dsn = url, driver, dsn
	if b.pg {
		if err := buildPostgres(ctx, raw, o); err != nil {
			return nil, err
		}
	}
	if err := dropHeavy(ctx, raw); err != nil {
		return nil, err
	}
	heavy := map[int][2]string{}
	for j, k := range o.grow {
		var pair [2]string
		for h := 0; h < 2; h++ {
			email, err := addHeavy(ctx, raw, b.pg, int64(j*2+h+1)*heavyBase, k, h)
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
	// Both sides get the same pool: as many connections, kept idle, as
	// there are workers.
	raw.SetMaxOpenConns(o.workers)
	raw.SetMaxIdleConns(o.workers)
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
	b.conn.DB.SetMaxOpenConns(o.workers)
	b.conn.DB.SetMaxIdleConns(o.workers)
	ds, err := dataset.Parse("shop.yaml", []byte(shoptest.Dataset))
	if err != nil {
		return nil, err
	}
	if b.set, err = dataset.Check(ds); err != nil {
		return nil, err
	}

	var figs []figure
	progress(dialect + ": measuring")
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
	// Medians, not means: on a shared machine a pause of the scheduler
	// lands on one side or the other and would weigh on the mean.
	const samples = 1000
	var engT, refT []float64
	for i := 0; i < samples; i++ {
		t0 := time.Now()
		if _, err := b.engine(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		t1 := time.Now()
		if _, err := b.reference(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		engT = append(engT, ms(t1.Sub(t0)))
		refT = append(refT, ms(time.Since(t1)))
	}
	engOne, refOne := median(engT), median(refT)
	figs = append(figs, figure{name: dialect + ": one access request (plan + reads)", unit: "ms", value: engOne, ref: refOne,
		note: fmt.Sprintf("median over %d random people per side, taken in turns; reference: 5 hand-written prepared queries with joins fetching the same rows", samples)})

	// On a new connection, as the server runs a task: the connection set-up
	// and the statements prepared on it count.
	engT, refT = engT[:0], refT[:0]
	for i := 0; i < 100; i++ {
		t0 := time.Now()
		if err := b.engineCold(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		t1 := time.Now()
		if err := b.referenceCold(ctx, fmt.Sprintf("c%d@example.com", rand.IntN(o.customers)+1)); err != nil {
			return figs, err
		}
		engT = append(engT, ms(t1.Sub(t0)))
		refT = append(refT, ms(time.Since(t1)))
	}
	figs = append(figs, figure{name: dialect + ": one access request on a new connection", unit: "ms", value: median(engT), ref: median(refT),
		note: "median of 100 per side, in turns; engine: connection opened (and pinged), plan, reads, closed; reference: the driver opens a connection for the same 5 hand-written queries, then closes it"})

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

	// Throughput: the requests in four rounds per side, taken in turns, so
	// that a busy moment of the machine does not fall on one side only.
	round := func(f func(string) error, n int) (time.Duration, error) {
		var next atomic.Int64
		var wg sync.WaitGroup
		var firstErr atomic.Value
		t0 := time.Now()
		for w := 0; w < o.workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) {
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
		return time.Since(t0), nil
	}
	var engTook, refTook time.Duration
	for r := 0; r < 4; r++ {
		n := o.requests/4 + min(1, max(0, o.requests%4-r))
		d, err := round(func(e string) error { _, err := b.engine(ctx, e); return err }, n)
		if err != nil {
			return figs, err
		}
		engTook += d
		if d, err = round(func(e string) error { _, err := b.reference(ctx, e); return err }, n); err != nil {
			return figs, err
		}
		refTook += d
	}
	er, rr := float64(o.requests)/engTook.Seconds(), float64(o.requests)/refTook.Seconds()
	figs = append(figs, figure{name: fmt.Sprintf("%s: %d access requests, %d at a time", dialect, o.requests, o.workers), unit: "req/s", value: er, ref: rr,
		note: "in four rounds per side, taken in turns; higher is better for both"})

	// Time as one person's rows grow: the reads only, after one untimed
	// read of the engine; the median of three turns per side.
	rowsOf := map[int]int64{}
	for _, k := range o.grow {
		want, err := b.engine(ctx, heavy[k][0])
		if err != nil {
			return figs, err
		}
		var engK, refK []float64
		for turn := 0; turn < 3; turn++ {
			t0 := time.Now()
			got, err := b.reference(ctx, heavy[k][0])
			if err != nil {
				return figs, err
			}
			refK = append(refK, ms(time.Since(t0)))
			if got != want {
				return figs, fmt.Errorf("%s: the engine found %d rows, the hand-written SQL %d", heavy[k][0], want, got)
			}
			t0 = time.Now()
			if _, err := b.engine(ctx, heavy[k][0]); err != nil {
				return figs, err
			}
			engK = append(engK, ms(time.Since(t0)))
		}
		rowsOf[k] = want
		figs = append(figs, figure{name: fmt.Sprintf("%s: access reads, person with %d orders (%d rows)", dialect, k, want), unit: "ms", value: median(engK), ref: median(refK),
			note: "median of 3 reads per side, in turns, after a first untimed read; reference: the 5 hand-written queries"})
	}

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
		figs = append(figs, figure{name: fmt.Sprintf("%s: access live heap, person with %d orders (%d rows)", dialect, k, rowsOf[k]), unit: "MiB", value: mib, ref: base,
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
			note: "engine: rows read, then updated one by one and deleted in batches by primary key, in one transaction; reference: set-based UPDATE/DELETE by join"})
		mib := float64(peak) / (1 << 20)
		if base == 0 {
			base = max(mib, floorMiB)
		}
		figs = append(figs, figure{name: fmt.Sprintf("%s: erasure live heap, person with %d orders", dialect, k), unit: "MiB", value: mib, ref: base,
			note: fmt.Sprintf("reference: the same for %d orders (at least %.0f MiB)", o.grow[0], floorMiB)})
	}
	return figs, nil
}

// buildSQLite builds the shop in the file at path, or keeps the one there
// when it has the size asked for.
func buildSQLite(ctx context.Context, path string, o options) error {
	if _, err := os.Stat(path); err == nil {
		d, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			return err
		}
		ok := built(ctx, d, o.customers, o.orders)
		d.Close()
		if ok {
			progress("sqlite: using the shop already built in " + path)
			return nil
		}
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	d, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer d.Close()
	progress(fmt.Sprintf("sqlite: building the shop in %s (%d customers, %d orders)", path, o.customers, o.customers*o.orders))
	t0 := time.Now()
	if err := fill(ctx, d, false, o.customers, o.orders); err != nil {
		return err
	}
	progress(fmt.Sprintf("sqlite: built in %s", time.Since(t0).Round(time.Millisecond)))
	return nil
}

// buildPostgres builds the shop in the database of d, or keeps the one
// there when it has the size asked for.
func buildPostgres(ctx context.Context, d *sql.DB, o options) error {
	if built(ctx, d, o.customers, o.orders) {
		progress("postgres: using the shop already built")
		return nil
	}
	if _, err := d.ExecContext(ctx, "DROP TABLE IF EXISTS bench_shop, tickets, order_lines, orders, addresses, customers"); err != nil {
		return err
	}
	progress(fmt.Sprintf("postgres: building the shop (%d customers, %d orders)", o.customers, o.customers*o.orders))
	t0 := time.Now()
	if err := fill(ctx, d, true, o.customers, o.orders); err != nil {
		return err
	}
	progress(fmt.Sprintf("postgres: built in %s", time.Since(t0).Round(time.Millisecond)))
	return nil
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

// engineCold is engine on a connection opened for the one request.
func (b *bench) engineCold(ctx context.Context, email string) error {
	conn, err := connect.Open(ctx, b.url, true)
	if err != nil {
		return err
	}
	defer conn.Close()
	p, err := plan.Build(b.set, []plan.Identity{{Key: "email", Value: email}})
	if err != nil {
		return err
	}
	_, err = access.Run(ctx, p, map[string]*connect.Conn{"shop": conn}, access.Counter{})
	return err
}

// referenceCold runs the reference's queries on a connection opened for
// them.
func (b *bench) referenceCold(ctx context.Context, email string) error {
	d, err := sql.Open(b.driver, b.dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	for i, q := range reference {
		if b.pg {
			q = rebindDollar(q)
		}
		args := []any{email}
		if i == 1 {
			args = append(args, email)
		}
		rows, err := d.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if _, err := scanAll(rows); err != nil {
			return err
		}
	}
	return nil
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
		k, err := scanAll(rows)
		if err != nil {
			return 0, err
		}
		n += k
	}
	return n, nil
}

// scanAll reads every row into values of any type, as the engine does, and
// closes rows.
func scanAll(rows *sql.Rows) (int64, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for j := range vals {
		ptrs[j] = &vals[j]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
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
