package connect_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/testutil/mysqltest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	mysqltest.StopShared()
	os.Exit(code)
}

func TestMySQLURLs(t *testing.T) {
	cfg, err := connect.MySQLConfig("mysql://shop:s%40cret@db.internal/shop?tls=true")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.User != "shop" || cfg.Passwd != "s@cret" || cfg.Net != "tcp" || cfg.Addr != "db.internal:3306" ||
		cfg.DBName != "shop" || cfg.TLSConfig != "true" || !cfg.ClientFoundRows || !cfg.ParseTime || cfg.MultiStatements {
		t.Errorf("config %+v", cfg)
	}
	cfg, err = connect.MySQLConfig("mysql://reader@/crm?socket=/run/mysqld/mysqld.sock")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Net != "unix" || cfg.Addr != "/run/mysqld/mysqld.sock" || cfg.DBName != "crm" {
		t.Errorf("socket config %+v", cfg)
	}
	if cfg, err = connect.MySQLConfig("mysql://u@[::1]:3307/x"); err != nil || cfg.Addr != "[::1]:3307" {
		t.Errorf("IPv6 %v %+v", err, cfg)
	}
}

// shopConn creates a database on the shared MariaDB, runs the statements
// with the plain driver and opens it through connect.
func shopConn(t *testing.T, readOnly bool, stmts ...string) (*connect.Conn, string) {
	t.Helper()
	ctx := context.Background()
	u := mysqltest.URL(t)
	w, err := connect.Open(ctx, u, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := w.DB.ExecContext(ctx, q); err != nil {
			w.Close()
			t.Fatalf("%s: %v", q, err)
		}
	}
	w.Close()
	c, err := connect.Open(ctx, u, readOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, u
}

func ids(t *testing.T, c *connect.Conn, q string, args ...any) []int64 {
	t.Helper()
	rows, err := c.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Keys carried from one table to the next are looked up as one list
// parameter, whatever their type, and texts compare under the column's
// own collation, even one that is not the database's default.
func TestMySQLKeyListsMatchEveryKind(t *testing.T) {
	c, _ := shopConn(t, true,
		`CREATE TABLE things (id BIGINT PRIMARY KEY,
			ci VARCHAR(40) COLLATE utf8mb4_unicode_ci, bin VARCHAR(40) COLLATE utf8mb4_bin,
			latin VARCHAR(40) CHARACTER SET latin1, raw BINARY(4), at DATETIME(6), score DOUBLE, big BIGINT)`,
		`INSERT INTO things VALUES
			(1, 'Alice', 'Alice', 'café', x'00ff10e9', '2026-03-01 10:00:00.123456', 1.5, 9007199254740993),
			(2, 'alice', 'alice', 'cafe', x'41424344', '2026-03-01 10:00:00', 2.5, 9007199254740992),
			(3, 'say "hi" \\ <b>', 'say "hi" \\ <b>', 'naïve', x'00000000', '2027-01-01 00:00:00', 3, 3),
			(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`)
	ctx := context.Background()
	find := func(col string, vals ...any) []int64 {
		t.Helper()
		l, err := connect.NewMySQLList(vals)
		if err != nil {
			t.Fatal(err)
		}
		return ids(t, c, `SELECT "id" FROM "things" WHERE `+l.In(`"`+col+`"`)+` ORDER BY "id"`, l)
	}
	for _, tc := range []struct {
		col  string
		vals []any
		want []int64
	}{
		// The database's default is utf8mb4_general_ci; the column's
		// utf8mb4_unicode_ci ignores case, utf8mb4_bin does not.
		{"ci", []any{"ALICE"}, []int64{1, 2}},
		{"bin", []any{"ALICE"}, nil},
		{"bin", []any{"alice", []byte(`say "hi" \ <b>`)}, []int64{2, 3}},
		// latin1's default collation takes é for e, as "latin = 'café'" would.
		{"latin", []any{"café", "naïve"}, []int64{1, 2, 3}},
		{"latin", []any{"naïve"}, []int64{3}},
		{"raw", []any{[]byte{0, 0xff, 0x10, 0xe9}, []byte("ABCD")}, []int64{1, 2}},
		{"at", []any{time.Date(2026, 3, 1, 11, 0, 0, 123456000, time.FixedZone("CET", 3600))}, []int64{1}},
		{"score", []any{2.5, 3.0}, []int64{2, 3}},
		// Beyond 2^53 a comparison through floating point would take 2 for 1.
		{"big", []any{int64(9007199254740993)}, []int64{1}},
		{"id", []any{int64(4), int64(2), int64(99)}, []int64{2, 4}},
		// Mixed types compare as texts.
		{"id", []any{int64(1), "3"}, []int64{1, 3}},
	} {
		if got := find(tc.col, tc.vals...); !slices.Equal(got, tc.want) {
			t.Errorf("%s in %v: %v, want %v", tc.col, tc.vals, got, tc.want)
		}
	}

	// The case rules of the column decide how an email is looked up.
	for col, want := range map[string]connect.Folding{"ci": connect.FoldColumn, "bin": connect.FoldSpellings} {
		if got, err := c.Folding(ctx, "", "things", col); err != nil || got != want {
			t.Errorf("folding of %s: %v %v, want %v", col, got, err, want)
		}
	}
}

// The session settings hold on every connection of the pool: standard
// quoting, UTC, matched-row counts, and no change on a read-only one.
func TestMySQLSessions(t *testing.T) {
	ctx := context.Background()
	stmts := []string{`CREATE TABLE "notes" ("id" BIGINT PRIMARY KEY, "body" TEXT, "at" TIMESTAMP NULL)`,
		`INSERT INTO "notes" VALUES (1, 'one', '2026-05-01 08:00:00')`}
	ro, u := shopConn(t, true, stmts...)
	rw, err := connect.Open(ctx, u, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()

	// Hold several connections at once so that more than one is set up.
	var held []*sql.Conn
	for range 3 {
		sc, err := ro.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, sc)
	}
	for i, sc := range held {
		var body string
		var at time.Time
		if err := sc.QueryRowContext(ctx, `SELECT "body", "at" FROM "notes" WHERE "id" = 1`).Scan(&body, &at); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if body != "one" || !at.Equal(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)) {
			t.Errorf("connection %d read %q %v", i, body, at)
		}
		if _, err := sc.ExecContext(ctx, `UPDATE "notes" SET "body" = 'changed'`); err == nil {
			t.Errorf("connection %d: a read-only connection changed a row", i)
		}
		tx, err := sc.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM "notes"`); err == nil {
			t.Errorf("connection %d: a read-only transaction deleted rows", i)
		}
		tx.Rollback()
	}
	for _, sc := range held {
		sc.Close()
	}

	// An UPDATE that leaves the value as it was still counts its row, as
	// the erasure's check of one row per key expects.
	res, err := rw.DB.ExecContext(ctx, `UPDATE "notes" SET "body" = 'one' WHERE "id" = ?`, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("unchanged update counts %d rows", n)
	}
	if got := ids(t, ro, `SELECT COUNT(*) FROM "notes" WHERE "body" = 'one'`); !slices.Equal(got, []int64{1}) {
		t.Errorf("rows left %v", got)
	}
}

// A user with a password connects through the URL; the password never
// shows in the connection's name or its errors.
func TestMySQLCredentials(t *testing.T) {
	ctx := context.Background()
	admin, u := shopConn(t, false, `CREATE TABLE t (id BIGINT PRIMARY KEY)`)
	parsed, _ := url.Parse(u)
	db := strings.TrimPrefix(parsed.Path, "/")
	pass := "p@ss:w/rd?"
	for _, q := range []string{
		`CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY '` + pass + `'`,
		`GRANT SELECT ON "` + db + `".* TO 'reader'@'127.0.0.1'`,
	} {
		if _, err := admin.DB.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	good := "mysql://reader:" + url.QueryEscape(pass) + "@" + parsed.Host + "/" + db
	c, err := connect.Open(ctx, good, true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if strings.Contains(c.Location, "w/rd") || !strings.Contains(c.Location, "reader:xxxxx@") {
		t.Errorf("location %q", c.Location)
	}
	if tables, err := c.Introspect(ctx); err != nil || len(tables) != 1 || tables[0].Name != "t" {
		t.Errorf("tables %+v %v", tables, err)
	}
	bad := "mysql://reader:wrong-" + url.QueryEscape(pass) + "@" + parsed.Host + "/" + db
	if _, err := connect.Open(ctx, bad, true); err == nil || !strings.Contains(err.Error(), "cannot connect") || strings.Contains(err.Error(), "w/rd") {
		t.Errorf("wrong password: %v", err)
	}
}

// Primary keys keep their column order; foreign keys to another database
// are left out, since a dataset describes one database.
func TestMySQLIntrospectKeys(t *testing.T) {
	other := mysqltest.URL(t)
	o, _ := url.Parse(other)
	otherDB := strings.TrimPrefix(o.Path, "/")
	oc, err := connect.Open(context.Background(), other, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oc.DB.Exec(`CREATE TABLE accounts (id BIGINT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	oc.Close()
	c, _ := shopConn(t, true,
		`CREATE TABLE parts (b INT, a INT, label VARCHAR(10), PRIMARY KEY (b, a))`,
		`CREATE TABLE uses (id INT PRIMARY KEY, pb INT, pa INT, account BIGINT,
			FOREIGN KEY (pb, pa) REFERENCES parts (b, a),
			FOREIGN KEY (account) REFERENCES "`+otherDB+`".accounts (id))`,
		`CREATE VIEW v AS SELECT id FROM uses`)
	tables, err := c.Introspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 || tables[0].Name != "parts" || tables[1].Name != "uses" {
		t.Fatalf("tables %+v", tables)
	}
	if !slices.Equal(tables[0].PrimaryKey, []string{"b", "a"}) || tables[0].Columns[2].Type != "varchar(10)" {
		t.Errorf("parts %+v", tables[0])
	}
	want := []connect.ForeignKey{{Column: "pb", RefTable: "parts", RefColumn: "b"}, {Column: "pa", RefTable: "parts", RefColumn: "a"}}
	if !slices.Equal(tables[1].ForeignKeys, want) {
		t.Errorf("foreign keys %+v", tables[1].ForeignKeys)
	}
}
