package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/testutil/pgtest"
)

// tables are the shop of the fulfilment tests. On PostgreSQL the foreign
// keys are added once the rows are in: checked row by row while loading,
// they cost more than the inserts themselves. SQLite does not check them
// unless asked to, so they are declared with the tables there.
func tables(pg bool) []string {
	ref := func(s string) string {
		if pg {
			return ""
		}
		return " REFERENCES " + s
	}
	return []string{
		`CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, phone TEXT, created_at TEXT NOT NULL)`,
		`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL` + ref("customers(id)") + `, street TEXT, city TEXT, postal_code TEXT)`,
		`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL` + ref("customers(id)") + `, placed_at TEXT NOT NULL, total_cents BIGINT NOT NULL)`,
		`CREATE TABLE order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL` + ref("orders(id)") + `, product TEXT NOT NULL, quantity BIGINT NOT NULL)`,
		`CREATE TABLE tickets (id BIGINT PRIMARY KEY, customer_id BIGINT` + ref("customers(id)") + `, email TEXT, subject TEXT, body TEXT)`,
		// What was built, so that a kept database is used again only for
		// the same size.
		`CREATE TABLE bench_shop (customers BIGINT NOT NULL, orders BIGINT NOT NULL)`,
	}
}

// foreignKeys are added after loading on PostgreSQL (see tables).
var foreignKeys = []string{
	`ALTER TABLE addresses ADD FOREIGN KEY (customer_id) REFERENCES customers(id)`,
	`ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers(id)`,
	`ALTER TABLE order_lines ADD FOREIGN KEY (order_id) REFERENCES orders(id)`,
	`ALTER TABLE tickets ADD FOREIGN KEY (customer_id) REFERENCES customers(id)`,
}

// indexes are those a shop has on its join and lookup columns; they are
// built once the rows are in, which is faster than keeping them up to date
// row by row.
var indexes = []string{
	`CREATE INDEX customers_email ON customers(email)`,
	`CREATE INDEX customers_phone ON customers(phone)`,
	`CREATE INDEX addresses_customer ON addresses(customer_id)`,
	`CREATE INDEX orders_customer ON orders(customer_id)`,
	`CREATE INDEX order_lines_order ON order_lines(order_id)`,
	`CREATE INDEX tickets_email ON tickets(email)`,
	`CREATE INDEX tickets_customer ON tickets(customer_id)`,
}

// built reports whether d already holds the shop of this size.
func built(ctx context.Context, d *sql.DB, n, orders int) bool {
	var c, o int64
	err := d.QueryRowContext(ctx, "SELECT customers, orders FROM bench_shop").Scan(&c, &o)
	return err == nil && c == int64(n) && o == int64(n*orders)
}

// fill writes n customers with their addresses, orders, lines and tickets.
// The database generates the rows itself (generate_series on PostgreSQL, a
// recursive common table expression on SQLite), one INSERT … SELECT per
// table: no row crosses the connection, which beats COPY or batched
// inserts from the client. Customer i has the email ci@example.com.
func fill(ctx context.Context, d *sql.DB, pg bool, n, orders int) error {
	series := func(max string) string {
		if pg {
			return "generate_series(1, " + max + ") AS s(i)"
		}
		return "s"
	}
	with := func(max string) string {
		if pg {
			return ""
		}
		return "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < " + max + ") "
	}
	cat := func(parts ...string) string {
		if pg {
			return "concat(" + strings.Join(parts, ", ") + ")"
		}
		return strings.Join(parts, " || ")
	}
	N, O := fmt.Sprint(n), fmt.Sprint(n*orders)
	stmts := []string{
		with(N) + "INSERT INTO customers SELECT i, " + cat("'c'", "i", "'@example.com'") + ", 'First', " + cat("'Last'", "i") + ", " + cat("'+3247'", "i") + ", '2025-01-01' FROM " + series(N),
		with(N) + "INSERT INTO addresses SELECT i, i, " + cat("i", "' Main Street'") + ", 'Gent', '9000' FROM " + series(N),
		with(O) + "INSERT INTO orders SELECT i, ((i - 1) % " + N + ") + 1, '2025-02-01', i * 10 FROM " + series(O),
		with(O) + "INSERT INTO order_lines SELECT 2 * i - 1, i, 'Teapot', 1 FROM " + series(O),
		with(O) + "INSERT INTO order_lines SELECT 2 * i, i, 'Cups', 6 FROM " + series(O),
		with(N) + "INSERT INTO tickets SELECT i, CASE WHEN i % 2 = 0 THEN i END, " + cat("'c'", "i", "'@example.com'") + ", 'Question', 'Where is my order?' FROM " + series(N),
	}
	var setup []string
	if pg {
		// Index builds sort in memory rather than in many temporary files.
		setup = []string{"SET maintenance_work_mem = '512MB'"}
	} else {
		// The loading connection writes without a journal: a failed build
		// is thrown away and made again.
		setup = []string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"}
	}
	c, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	all := append(append(append(setup, tables(pg)...), stmts...), indexes...)
	if pg {
		all = append(all, foreignKeys...)
	}
	all = append(all, fmt.Sprintf("INSERT INTO bench_shop VALUES (%d, %d)", n, n*orders), "ANALYZE")
	for _, q := range all {
		t0 := time.Now()
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		if d := time.Since(t0); d > 5*time.Second {
			label := q
			if i := strings.Index(q, "INSERT INTO "); i >= 0 {
				label = q[i:]
			}
			progress(fmt.Sprintf("%.50s… %s", label, d.Round(time.Second)))
		}
	}
	return nil
}

// heavyBase is the first id of the people added for the memory figures,
// above every generated id.
const heavyBase = 1_000_000_000

// dropHeavy removes the people a previous run added to a kept database.
func dropHeavy(ctx context.Context, d *sql.DB) error {
	for _, t := range []string{"order_lines", "orders", "tickets", "addresses", "customers"} {
		if _, err := d.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE id >= %d", t, heavyBase)); err != nil {
			return err
		}
	}
	return nil
}

// addHeavy adds a customer with k orders of one line each, ids above the
// generated ones, and returns the customer's email.
func addHeavy(ctx context.Context, d *sql.DB, pg bool, base int64, k, copyNo int) (string, error) {
	email := fmt.Sprintf("heavy%d-%d@example.com", k, copyNo)
	rebind := func(q string) string {
		if !pg {
			return q
		}
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
	if _, err := d.ExecContext(ctx, rebind(`INSERT INTO customers VALUES (?, ?, 'Heavy', 'Buyer', NULL, '2025-01-01')`), base, email); err != nil {
		return "", err
	}
	series := "generate_series(1, " + fmt.Sprint(k) + ") AS s(i)"
	with := ""
	if !pg {
		series = "s"
		with = fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", k)
	}
	for _, q := range []string{
		with + fmt.Sprintf("INSERT INTO orders SELECT %d + i, %d, '2025-03-01', 100 FROM %s", base, base, series),
		with + fmt.Sprintf("INSERT INTO order_lines SELECT %d + i, %d + i, 'Bulk item', 1 FROM %s", base, base, series),
	} {
		if _, err := d.ExecContext(ctx, q); err != nil {
			return "", err
		}
	}
	return email, nil
}

func startPostgres() (string, func(), error) {
	c, err := pgtest.Start()
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		c.Stop()
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE shop"); err != nil {
		c.Stop()
		return "", nil, err
	}
	return c.URL("shop"), c.Stop, nil
}
