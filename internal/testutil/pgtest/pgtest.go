// Package pgtest starts a throw-away PostgreSQL cluster from the Debian
// server binaries for tests: initdb in a temporary directory, a free port on
// loopback, durability switched off (the data dies with the test anyway).
// When the tests run as root the server runs as the postgres user, since
// PostgreSQL refuses to run as root.
package pgtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
)

// Cluster is a running PostgreSQL server.
type Cluster struct {
	dir  string
	bin  string
	port int
	cred *syscall.Credential
}

// BinDir finds the newest installed PostgreSQL server binaries, or "".
func BinDir() string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p)
		}
		return ""
	}
	sort.Slice(matches, func(i, j int) bool {
		return versionOf(matches[i]) > versionOf(matches[j])
	})
	return filepath.Dir(matches[0])
}

func versionOf(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Durability is how much of PostgreSQL's crash safety a cluster keeps.
type Durability int

const (
	// Fast flushes nothing (fsync, synchronous_commit and full_page_writes
	// off): for tests, whose clusters never outlive a crash.
	Fast Durability = iota
	// Written answers a commit once its log is written to the operating
	// system, unflushed (synchronous_commit on, fsync off): a commit
	// survives a kill of PostgreSQL or of Garde, not of the machine, as
	// with SQLite's WAL at synchronous=NORMAL.
	Written
	// Flushed is PostgreSQL's default: a commit is answered once its log
	// is flushed to disk.
	Flushed
)

// settings are the server options that give d.
func (d Durability) settings() string {
	switch d {
	case Written:
		return "-c fsync=off -c synchronous_commit=on -c full_page_writes=off"
	case Flushed:
		return "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
	default:
		return "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
}

// Start initialises and starts a cluster for tests (Fast).
func Start() (*Cluster, error) { return StartWith(Fast) }

// StartWith initialises and starts a cluster keeping durability d.
func StartWith(d Durability) (*Cluster, error) {
	bin := BinDir()
	if bin == "" {
		return nil, fmt.Errorf("pgtest: PostgreSQL server binaries not found (install Debian's postgresql)")
	}
	dir, err := os.MkdirTemp("", "garde-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if err := c.run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 %s -c max_connections=200", dir, c.port, d.settings())
	if err := c.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\n%s", err, log)
	}
	return c, nil
}

// URL returns the address of database name on the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// Stop stops the server at once and removes its files.
func (c *Cluster) Stop() {
	_ = c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

func (c *Cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtest: %s: %w\n%s", name, err, out.String())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
