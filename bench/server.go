package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// target describes how to start one of the two servers compared.
type target struct {
	name string
	bin  string
	// args builds the command line for a listen address and a fresh,
	// empty data directory.
	args func(addr, dataDir string) []string
	// readyPath answers 200 once the server can serve real traffic.
	readyPath string
	// loadPath is the endpoint the throughput figure hammers.
	loadPath string
}

// server is one running process of a target.
type server struct {
	cmd  *exec.Cmd
	base string
	out  *tailBuffer
	done chan struct{}
	err  error
}

// start launches t on a free loopback port with a fresh data directory and
// returns when the process has been started (not when it is ready).
func start(t target, dataDir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(t.bin, t.args(addr, dataDir)...)
	cmd.Env = cleanEnv()
	out := &tailBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, out: out, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	return s, nil
}

// waitReady polls path until it answers 200 and returns how long that took
// since the process was started.
func (s *server) waitReady(startedAt time.Time, path string, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: time.Second}
	deadline := startedAt.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return 0, fmt.Errorf("exited before ready (%v):\n%s", s.err, s.out.String())
		default:
		}
		resp, err := client.Get(s.base + path)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(startedAt), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("not ready after %s:\n%s", timeout, s.out.String())
}

// rssBytes reads the resident set size of the process from /proc.
func (s *server) rssBytes() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("resident memory is read from /proc (Linux only): %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(v) // "12345 kB"
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// stop asks the process to shut down and kills it if it lingers.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case <-s.done:
	case <-ctx.Done():
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// cleanEnv drops GARDE_* variables so a developer's own configuration (a
// PostgreSQL URL, say) cannot change what is measured.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GARDE_") {
			env = append(env, kv)
		}
	}
	return env
}

// tailBuffer keeps the last max bytes a process wrote, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if extra := b.buf.Len() - b.max; extra > 0 {
		b.buf.Next(extra)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
