// Package shoptest builds a small web-shop database (customers, addresses,
// orders, order lines, support tickets) on SQLite, PostgreSQL or MariaDB for the
// fulfilment tests, with people whose data sits close to each other: equal
// ids across tables, look-alike addresses, tickets linked by email only or
// by customer only.
package shoptest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

// MariaDB names the shop on a MariaDB server. It is an engine of the
// business's systems only: Garde keeps its own data on SQLite or
// PostgreSQL. Test packages that use it call mysqltest.StopShared in
// TestMain.
const MariaDB db.Dialect = "mysql"

// Dialects are the engines the shop is built on by the fulfilment tests.
var Dialects = []db.Dialect{db.SQLite, db.Postgres, MariaDB}

// Alice is the person the tests ask about.
const Alice = "alice@example.com"

// Dataset describes the shop, as an operator would write it.
const Dataset = `dataset:
  - fides_key: shop
    name: Web shop
    collections:
      - name: customers
        description: Customer accounts
        fields:
          - name: id
            data_categories: [user.unique_id]
            fides_meta: {primary_key: true, data_type: integer}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
          - name: first_name
            data_categories: [user.name]
            fides_meta:
              masking_strategy_override: {strategy: null_rewrite}
          - name: last_name
            data_categories: [user.name]
            fides_meta:
              masking_strategy_override: {strategy: string_rewrite, configuration: {rewrite_value: erased}}
          - name: phone
            data_categories: [user.contact.phone_number]
            fides_meta:
              identity: phone_number
              data_type: string
              masking_strategy_override: {strategy: random_string_rewrite}
          - name: created_at
            data_categories: [system.operations]
      - name: addresses
        fields:
          - name: id
            fides_meta: {primary_key: true, data_type: integer}
          - name: customer_id
            fides_meta:
              data_type: integer
              references:
                - {dataset: shop, field: customers.id, direction: from}
          - name: street
            data_categories: [user.contact.address.street]
          - name: city
            data_categories: [user.contact.address.city]
          - name: postal_code
            data_categories: [user.contact.address.postal_code]
      - name: orders
        fides_meta:
          erase_after: [shop.order_lines]
        fields:
          - name: id
            fides_meta: {primary_key: true, data_type: integer}
          - name: customer_id
            fides_meta:
              data_type: integer
              references:
                - {dataset: shop, field: customers.id, direction: from}
          - name: placed_at
            data_categories: [system.operations]
          - name: total_cents
            data_categories: [user.behavior.purchase_history]
            # Kept for the accounts, which the law requires.
            fides_meta:
              data_type: integer
              masking_strategy_override: {strategy: preserve}
      - name: order_lines
        fides_meta:
          masking_strategy_override: {strategy: delete}
        fields:
          - name: id
            fides_meta: {primary_key: true, data_type: integer}
          - name: order_id
            fides_meta:
              data_type: integer
              references:
                - {dataset: shop, field: orders.id, direction: from}
          - name: product
            data_categories: [user.behavior.purchase_history]
          - name: quantity
            fides_meta: {data_type: integer}
      - name: tickets
        fields:
          - name: id
            fides_meta: {primary_key: true, data_type: integer}
          - name: customer_id
            fides_meta:
              data_type: integer
              references:
                - {dataset: shop, field: customers.id}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
          - name: subject
            data_categories: [user.content.private]
          - name: body
            data_categories: [user.content.private]
`

var schema = []string{
	`CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT, first_name TEXT, last_name TEXT, phone TEXT, created_at TEXT NOT NULL)`,
	`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id), street TEXT, city TEXT, postal_code TEXT)`,
	`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id), placed_at TEXT NOT NULL, total_cents BIGINT NOT NULL)`,
	`CREATE TABLE order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders(id), product TEXT NOT NULL, quantity BIGINT NOT NULL)`,
	`CREATE TABLE tickets (id BIGINT PRIMARY KEY, customer_id BIGINT REFERENCES customers(id), email TEXT, subject TEXT, body TEXT)`,
	`CREATE TABLE products (sku TEXT PRIMARY KEY, title TEXT NOT NULL)`,
}

// mysqlSchema is the same shop as MySQL and MariaDB declare it: keys are
// not TEXT there, and foreign keys are declared on the table (MySQL ignores
// REFERENCES written on a column).
var mysqlSchema = []string{
	`CREATE TABLE customers (id BIGINT PRIMARY KEY, email VARCHAR(255), first_name TEXT, last_name TEXT, phone VARCHAR(32), created_at TEXT NOT NULL)`,
	`CREATE TABLE addresses (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, street TEXT, city TEXT, postal_code TEXT,
		FOREIGN KEY (customer_id) REFERENCES customers(id))`,
	`CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, placed_at TEXT NOT NULL, total_cents BIGINT NOT NULL,
		FOREIGN KEY (customer_id) REFERENCES customers(id))`,
	`CREATE TABLE order_lines (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, product TEXT NOT NULL, quantity BIGINT NOT NULL,
		FOREIGN KEY (order_id) REFERENCES orders(id))`,
	`CREATE TABLE tickets (id BIGINT PRIMARY KEY, customer_id BIGINT, email VARCHAR(255), subject TEXT, body TEXT,
		FOREIGN KEY (customer_id) REFERENCES customers(id))`,
	`CREATE TABLE products (sku VARCHAR(64) PRIMARY KEY, title TEXT NOT NULL)`,
}

// rows are the shop's content. Alice is customer 2; customer ids, order
// ids and address ids overlap so that a join on the wrong column shows.
var rows = []string{
	`INSERT INTO customers VALUES (1, 'bob@example.com', 'Bob', 'Martin', '+32470000001', '2025-01-01')`,
	`INSERT INTO customers VALUES (2, 'alice@example.com', 'Alice', 'Dupont', '+32470000002', '2025-01-02')`,
	`INSERT INTO customers VALUES (3, 'alice@example.com.evil.test', 'Mallory', 'Lookalike', '+32470000003', '2025-01-03')`,
	`INSERT INTO customers VALUES (4, 'xalice@example.com', 'Xavier', 'Other', NULL, '2025-01-04')`,
	`INSERT INTO customers VALUES (5, NULL, 'Nemo', 'Noaddress', '+32470000005', '2025-01-05')`,
	`INSERT INTO addresses VALUES (1, 2, '1 rue de la Paix', 'Paris', '75002')`,
	`INSERT INTO addresses VALUES (2, 1, '2 Bobstraat', 'Gent', '9000')`,
	`INSERT INTO addresses VALUES (3, 2, '3 Kerkstraat', 'Antwerpen', '2000')`,
	`INSERT INTO addresses VALUES (4, 3, '4 Mallory Lane', 'London', 'E1 6AN')`,
	`INSERT INTO orders VALUES (1, 2, '2025-02-01', 1250)`,
	`INSERT INTO orders VALUES (2, 1, '2025-02-02', 990)`,
	`INSERT INTO orders VALUES (3, 2, '2025-02-03', 4000)`,
	`INSERT INTO orders VALUES (4, 4, '2025-02-04', 100)`,
	`INSERT INTO order_lines VALUES (1, 1, 'Alice teapot', 1)`,
	`INSERT INTO order_lines VALUES (2, 1, 'Alice cups', 6)`,
	`INSERT INTO order_lines VALUES (3, 2, 'Bob hammer', 1)`,
	`INSERT INTO order_lines VALUES (4, 3, 'Alice kettle', 1)`,
	`INSERT INTO order_lines VALUES (5, 4, 'Xavier socks', 3)`,
	`INSERT INTO tickets VALUES (1, NULL, 'alice@example.com', 'Alice guest question', 'Asked before signing up')`,
	`INSERT INTO tickets VALUES (2, 2, 'alice.work@corp.example', 'Alice from work', 'Linked by account only')`,
	`INSERT INTO tickets VALUES (3, 1, 'bob@example.com', 'Bob complaint', 'Bob says hello')`,
	`INSERT INTO tickets VALUES (4, NULL, 'ALICE@EXAMPLE.COM.evil.test', 'Lookalike ticket', 'Not Alice')`,
	`INSERT INTO tickets VALUES (5, 2, NULL, 'Alice by phone', 'Logged by an agent, no email')`,
	`INSERT INTO products VALUES ('TEA-1', 'Teapot')`,
}

// Others are strings only other people's rows hold: none may appear in
// Alice's package.
var Others = []string{"bob@example.com", "Bob", "Mallory", "Xavier", "Nemo", "Bobstraat", "Mallory Lane", "Bob hammer", "Xavier socks", "Bob complaint", "Lookalike"}

// Create builds the shop in a new database of the dialect and returns its
// connection URL (sqlite:///…, postgres://… or mysql://…).
func Create(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	var url string
	tables := schema
	switch dialect {
	case db.SQLite:
		url = "sqlite://" + filepath.Join(t.TempDir(), "shop.db")
	case MariaDB:
		url, tables = mysqltest.URL(t), mysqlSchema
	default:
		url = dbtest.URL(t, db.Postgres)
	}
	d := open(t, url, "?_pragma=foreign_keys(ON)")
	defer d.Close()
	for _, q := range append(append([]string{}, tables...), rows...) {
		if _, err := d.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return url
}

// Open opens the shop database behind a URL with the plain driver.
func Open(t testing.TB, url string) *sql.DB {
	t.Helper()
	d := open(t, url, "")
	t.Cleanup(func() { d.Close() })
	return d
}

// open opens url; sqliteQuery ends the SQLite file name.
func open(t testing.TB, url, sqliteQuery string) *sql.DB {
	t.Helper()
	var d *sql.DB
	var err error
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		d, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(url, "sqlite://")+sqliteQuery)
	case strings.HasPrefix(url, "mysql://"):
		var cfg *mysql.Config
		if cfg, err = connect.MySQLConfig(url); err == nil {
			var c driver.Connector
			if c, err = mysql.NewConnector(cfg); err == nil {
				d = sql.OpenDB(c)
			}
		}
	default:
		d, err = sql.Open("pgx", url)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// WriteDataset writes Dataset to a file in dir and returns its path.
func WriteDataset(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "shop.yaml")
	if err := os.WriteFile(p, []byte(Dataset), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// IDs runs a query returning one integer column, with "?" placeholders
// rebound for PostgreSQL.
func IDs(t testing.TB, d *sql.DB, postgres bool, q string, args ...any) []int64 {
	t.Helper()
	if postgres {
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
		q = b.String()
	}
	rs, err := d.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	var out []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
