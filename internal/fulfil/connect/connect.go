// Package connect opens the databases of the business's systems from
// connection URLs (sqlite:///absolute/path.db, postgres://…, mysql://…) and reads
// their structure.
package connect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver
	_ "modernc.org/sqlite"             // SQLite driver
)

// Dialect is a database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
	// MySQL is MySQL or MariaDB.
	MySQL Dialect = "mysql"
)

// Conn is an open connection to one system's database.
type Conn struct {
	DB      *sql.DB
	Dialect Dialect
	// Location names the database without its password.
	Location string

	// stmts caches prepared reads by their text: a plan asks the same few
	// queries for every person.
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	// folds caches, per identity column, how it compares without regard
	// to case (see Folding).
	folds sync.Map
}

// maxStmts bounds the cache; past it, queries are prepared per use.
const maxStmts = 256

// Query runs a read through a cached prepared statement.
func (c *Conn) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.mu.Lock()
	st := c.stmts[q]
	if st == nil && len(c.stmts) < maxStmts {
		var err error
		if st, err = c.DB.PrepareContext(ctx, q); err != nil {
			c.mu.Unlock()
			return nil, err
		}
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[q] = st
	}
	c.mu.Unlock()
	if st == nil {
		return c.DB.QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

// Open connects to the database named by a connection URL. A read-only
// connection cannot change anything, whatever SQL reaches it.
func Open(ctx context.Context, dsn string, readOnly bool) (*Conn, error) {
	var c *Conn
	var err error
	switch {
	case strings.HasPrefix(dsn, "sqlite://"):
		c, err = openSQLite(dsn, readOnly)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		c, err = openPostgres(dsn, readOnly)
	case strings.HasPrefix(dsn, "mysql://"):
		c, err = openMySQL(dsn, readOnly)
	default:
		return nil, fmt.Errorf("connection %q: the URL must start with sqlite:///, postgres:// or mysql://", Redact(dsn))
	}
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := c.DB.PingContext(pctx); err != nil {
		c.DB.Close()
		return nil, fmt.Errorf("cannot connect to %s: %v", c.Location, err)
	}
	return c, nil
}

func openSQLite(dsn string, readOnly bool) (*Conn, error) {
	path := strings.TrimPrefix(dsn, "sqlite://")
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("connection %q: give an absolute path, as in sqlite:///var/lib/shop/shop.db", dsn)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("connection %q: the path may not contain ? or #", dsn)
	}
	// Opening a missing file would create an empty database and find nobody.
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("connection %q: %v", dsn, errors.Unwrap(err))
	}
	q := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)"
	if readOnly {
		q = "mode=ro&" + q + "&_pragma=query_only(ON)"
	}
	d, err := sql.Open("sqlite", "file:"+path+"?"+q)
	if err != nil {
		return nil, err
	}
	// Readers may share the file; one writer keeps a transaction on one
	// connection and out of "database is locked".
	if readOnly {
		d.SetMaxOpenConns(4)
		d.SetMaxIdleConns(4)
	} else {
		d.SetMaxOpenConns(1)
	}
	return &Conn{DB: d, Dialect: SQLite, Location: path}, nil
}

func openPostgres(dsn string, readOnly bool) (*Conn, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("connection %q: not a valid URL", Redact(dsn))
	}
	if readOnly {
		q := u.Query()
		q.Set("default_transaction_read_only", "on")
		u.RawQuery = q.Encode()
	}
	d, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(4)
	// Idle connections are kept up to the limit: a connection closed and
	// opened again costs a server process and the statements prepared on it.
	d.SetMaxIdleConns(4)
	return &Conn{DB: d, Dialect: Postgres, Location: Redact(dsn)}, nil
}

// Close closes the connection and its statements.
func (c *Conn) Close() error {
	c.mu.Lock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
	c.mu.Unlock()
	return c.DB.Close()
}

// Redact hides the password of a connection URL.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unreadable URL)"
		}
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Placeholder is the n-th (1-based) bind parameter.
func (c *Conn) Placeholder(n int) string {
	if c.Dialect == Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}
