package connect

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MySQLConfig turns a mysql://user:password@host:port/database URL into
// the driver's settings. Query parameters: tls=true|false|skip-verify|
// preferred, and socket=/absolute/path to connect through a Unix socket
// instead of TCP (the host is then left out: mysql://user@/database?socket=…).
func MySQLConfig(dsn string) (*mysql.Config, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "mysql" {
		return nil, fmt.Errorf("connection %q: not a valid URL", Redact(dsn))
	}
	cfg := mysql.NewConfig()
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if cfg.DBName == "" || strings.Contains(cfg.DBName, "/") {
		return nil, fmt.Errorf("connection %q: give the database name, as in mysql://user:password@host/shop", Redact(dsn))
	}
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" && u.Host != "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		switch k {
		case "tls":
			switch v {
			case "true", "false", "skip-verify", "preferred":
				cfg.TLSConfig = v
			default:
				return nil, fmt.Errorf("connection %q: tls must be true, false, skip-verify or preferred", Redact(dsn))
			}
		case "socket":
			if !filepath.IsAbs(v) || u.Host != "" {
				return nil, fmt.Errorf("connection %q: socket takes an absolute path and no host, as in mysql://user@/shop?socket=/run/mysqld/mysqld.sock", Redact(dsn))
			}
			cfg.Net, cfg.Addr = "unix", v
		default:
			return nil, fmt.Errorf("connection %q: unknown parameter %q (tls and socket are accepted)", Redact(dsn), k)
		}
	}
	if cfg.Addr == "" {
		return nil, fmt.Errorf("connection %q: give the host, as in mysql://user:password@db.internal:3306/shop", Redact(dsn))
	}
	// UPDATE then counts the rows it matched, as the other engines do, not
	// only those whose value differed: erasing an already erased row is
	// still "one row".
	cfg.ClientFoundRows = true
	// Dates and times come back as time.Time, read in UTC (see setup).
	cfg.ParseTime = true
	cfg.Timeout = 10 * time.Second
	// Connection errors reach the caller; the driver's own log would only
	// repeat them on standard error.
	cfg.Logger = &mysql.NopLogger{}
	return cfg, nil
}

func openMySQL(dsn string, readOnly bool) (*Conn, error) {
	cfg, err := MySQLConfig(dsn)
	if err != nil {
		return nil, err
	}
	base, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %v", Redact(dsn), err)
	}
	// Identifiers are quoted the standard way, with double quotes, on every
	// engine: ANSI_QUOTES makes MySQL read them so, and strings are always
	// in single quotes. TIMESTAMP values are read and written in UTC.
	setup := []string{`SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'ANSI_QUOTES'), SESSION time_zone = '+00:00'`}
	if readOnly {
		setup = append(setup, `SET SESSION TRANSACTION READ ONLY`)
	}
	d := sql.OpenDB(sessionConnector{base, setup})
	d.SetMaxOpenConns(4)
	// Servers close idle connections after wait_timeout; renewing them
	// before keeps a stale one from failing a task.
	d.SetConnMaxLifetime(3 * time.Minute)
	return &Conn{DB: d, Dialect: MySQL, Location: Redact(dsn)}, nil
}

// sessionConnector runs the session settings on every new connection, so
// that no connection of the pool goes without them.
type sessionConnector struct {
	driver.Connector
	setup []string
}

func (c sessionConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("the MySQL driver cannot run the session settings")
	}
	for _, q := range c.setup {
		if _, err := ex.ExecContext(ctx, q, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("session settings: %w", err)
		}
	}
	return conn, nil
}
