// Package mysqltest starts a throw-away MariaDB server from the Debian
// binaries for tests: mariadb-install-db in a temporary directory, the
// server on a free port of loopback and a Unix socket beside its data,
// durability switched off (the data dies with the test anyway), running as
// the current user (as root it is told so explicitly, since it refuses to
// run as root otherwise). Without MariaDB installed the tests that need it
// fail, naming the package to install.
package mysqltest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Server is a running MariaDB server.
type Server struct {
	dir    string
	port   int
	cmd    *exec.Cmd
	exited chan struct{}
	// exitedEarly: the server stopped while starting.
	exitedEarly bool
}

// Binaries finds the server and its data directory installer, or "".
func Binaries() (server, installer string) {
	for _, name := range []string{"mariadbd", "mysqld"} {
		if p := find(name); p != "" {
			server = p
			break
		}
	}
	for _, name := range []string{"mariadb-install-db", "mysql_install_db"} {
		if p := find(name); p != "" {
			installer = p
			break
		}
	}
	if server == "" || installer == "" {
		return "", ""
	}
	return server, installer
}

// find looks in PATH, then in the system directories a test's PATH often
// lacks (Debian puts the server in /usr/sbin).
func find(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/mysql/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Start creates a data directory and starts a server on it.
func Start() (*Server, error) {
	server, installer := Binaries()
	if server == "" {
		return nil, fmt.Errorf("mysqltest: MariaDB server binaries not found (install Debian's mariadb-server)")
	}
	dir, err := os.MkdirTemp("", "garde-mysql-")
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	// A root user without password, for loopback only: the server lives
	// in a private directory for the length of a test run.
	install := []string{"--no-defaults", "--datadir=" + data, "--auth-root-authentication-method=normal",
		"--skip-test-db", "--skip-name-resolve"}
	var asUser []string
	if os.Geteuid() == 0 {
		asUser = []string{"--user=root"}
	}
	if err := run(dir, installer, append(append(install, asUser...), innodb...)...); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Another program may take the free port before the server binds it;
	// the server then stops at once, and a new port is tried.
	for attempt := 1; ; attempt++ {
		s, err := launch(server, dir, asUser)
		if err == nil || attempt == 3 || !s.exitedEarly {
			return s.ready(err)
		}
	}
}

// launch starts the server on the data directory in dir with a new port.
func launch(server, dir string, asUser []string) (*Server, error) {
	s := &Server{dir: dir, exited: make(chan struct{})}
	var err error
	if s.port, err = freePort(); err != nil {
		return s, err
	}
	args := append([]string{"--no-defaults", "--datadir=" + filepath.Join(dir, "data"),
		"--bind-address=127.0.0.1", "--port=" + strconv.Itoa(s.port), "--socket=" + s.Socket(),
		"--pid-file=" + filepath.Join(dir, "mysqld.pid"), "--log-error=" + filepath.Join(dir, "error.log"),
		"--tmpdir=" + dir, "--skip-name-resolve", "--skip-log-bin", "--performance-schema=OFF",
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
		"--max-connections=200", "--skip-external-locking"}, asUser...)
	s.cmd = exec.Command(server, append(args, innodb...)...)
	s.cmd.Dir = dir
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return s, err
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	return s, s.waitReady(60 * time.Second)
}

// ready returns the started server, or stops it and removes its files.
func (s *Server) ready(err error) (*Server, error) {
	if err == nil {
		return s, nil
	}
	log, _ := os.ReadFile(filepath.Join(s.dir, "error.log"))
	s.Stop()
	return nil, fmt.Errorf("mysqltest: %w\n%s", err, log)
}

// innodb keeps the server small and its writes unsynced.
var innodb = []string{"--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
	"--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0", "--innodb-use-native-aio=0"}

func (s *Server) waitReady(limit time.Duration) error {
	d, err := s.open("")
	if err != nil {
		return err
	}
	defer d.Close()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := d.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			s.exitedEarly = true
			return errors.New("the server stopped while starting")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not answer within %s: %v", limit, err)
		}
	}
}

// open connects as root through the Unix socket.
func (s *Server) open(database string) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "unix", s.Socket(), database
	cfg.Logger = &mysql.NopLogger{}
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Socket is the path of the server's Unix socket.
func (s *Server) Socket() string { return filepath.Join(s.dir, "mysqld.sock") }

// URL returns the mysql:// address of database name over TCP.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("mysql://root@127.0.0.1:%d/%s", s.port, name)
}

// CreateDatabase creates an empty database in UTF-8, compared by
// utf8mb4_general_ci (the server's own default is another collation, as
// on many real servers).
func (s *Server) CreateDatabase(name string) error {
	d, err := s.open("")
	if err != nil {
		return err
	}
	defer d.Close()
	// name comes from the test code, never from input.
	_, err = d.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
	return err
}

// Stop stops the server at once and removes its files.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGKILL)
		<-s.exited
	}
	os.RemoveAll(s.dir)
}

func run(dir, bin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mysqltest: %s: %w\n%s", filepath.Base(bin), err, out.String())
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

var (
	mu       sync.Mutex
	shared   *Server
	startErr error
	counter  atomic.Int64
)

// Shared returns the server shared by the tests of a test binary,
// starting it on first use. Call StopShared at the end of TestMain, or in
// a test's cleanup when it is the only one to use it; a later use then
// starts a new server.
func Shared(t testing.TB) *Server {
	t.Helper()
	mu.Lock()
	if shared == nil && startErr == nil {
		shared, startErr = Start()
	}
	s, err := shared, startErr
	mu.Unlock()
	if err != nil {
		// The MariaDB tests prove a connector; they fail rather than pass
		// unseen. scripts/test.sh installs the server when it is missing.
		t.Fatalf("MariaDB is needed (Debian: apt-get install mariadb-server, or run scripts/test.sh): %v", err)
	}
	return s
}

// URL returns the mysql:// URL of a new, empty database on the shared
// server.
func URL(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	if err := s.CreateDatabase(name); err != nil {
		t.Fatal(err)
	}
	return s.URL(name)
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	mu.Lock()
	defer mu.Unlock()
	if shared != nil {
		shared.Stop()
		shared = nil
	}
}
