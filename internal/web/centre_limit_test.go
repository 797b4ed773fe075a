package web

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// clock is a test clock moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestLimiterWindow(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(3, time.Minute, clk.now)
	for i := 0; i < 3; i++ {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
		clk.add(10 * time.Second)
	}
	// Events at 0s, 10s, 20s; now 30s: the window frees a slot at 60s.
	ok, retry := l.allow("a")
	if ok || retry != 30*time.Second {
		t.Fatalf("4th event: ok=%v retry=%v, want refused for 30s", ok, retry)
	}
	// Another key has its own window.
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another key refused")
	}
	// Refusals do not count: once Retry-After has passed, the oldest
	// event has left the window and the next one fits.
	clk.add(30*time.Second - time.Nanosecond)
	if ok, _ := l.allow("a"); ok {
		t.Fatal("allowed before Retry-After")
	}
	clk.add(time.Nanosecond)
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("refused once the oldest event left the window")
	}
	// Events at 10s, 20s, 60s; now 60s.
	if ok, retry := l.allow("a"); ok || retry != 10*time.Second {
		t.Fatalf("ok=%v retry=%v, want refused until the 10s event leaves", ok, retry)
	}
}

func TestLimiterCancel(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(2, time.Minute, clk.now)
	_, _, cancel := l.reserve("a")
	clk.add(time.Second)
	l.allow("a")
	// Taking back the first event leaves one, so one more fits.
	cancel()
	if ok, _ := l.allow("a"); !ok {
		t.Fatal("a cancelled event still counts")
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("over the limit after a cancel")
	}
	// A key whose only event is taken back is forgotten.
	_, _, cancel = l.reserve("b")
	cancel()
	if l.size() != 1 {
		t.Fatalf("%d keys, want 1", l.size())
	}
}

func TestLimiterForgetsIdleKeys(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(5, time.Minute, clk.now)
	for i := 0; i < 1000; i++ {
		l.allow(fmt.Sprint("client-", i))
	}
	if l.size() != 1000 {
		t.Fatalf("%d keys", l.size())
	}
	clk.add(2 * time.Minute)
	l.allow("late")
	if l.size() != 1 {
		t.Fatalf("%d keys after a window of silence, want 1", l.size())
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	l := newLimiter(1, time.Hour, nil)
	for i := 0; i < maxLimiterKeys+10; i++ {
		l.allow(fmt.Sprint(i))
	}
	if n := l.size(); n > maxLimiterKeys {
		t.Fatalf("%d keys, more than %d", n, maxLimiterKeys)
	}
}

func TestClientKey(t *testing.T) {
	key := func(addr string) string { return clientKey(&http.Request{RemoteAddr: addr}) }
	cases := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1:1234", "192.0.2.1:9999", true},
		{"192.0.2.1:1234", "192.0.2.2:1234", false},
		{"[2001:db8:1:2:aaaa::1]:443", "[2001:db8:1:2:bbbb::9]:443", true},
		{"[2001:db8:1:2::1]:443", "[2001:db8:1:3::1]:443", false},
		{"[::ffff:192.0.2.1]:80", "192.0.2.1:80", true},
	}
	for _, c := range cases {
		if got := key(c.a) == key(c.b); got != c.same {
			t.Errorf("%s and %s: same key %v (%q, %q)", c.a, c.b, got, key(c.a), key(c.b))
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "1", time.Millisecond: "1", 1200 * time.Millisecond: "2", 10 * time.Minute: "600"} {
		if got := retryAfter(d); got != want {
			t.Errorf("retryAfter(%v) = %s, want %s", d, got, want)
		}
	}
}
