package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/config"
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
	key := func(addr string) string { return clientKey(&http.Request{RemoteAddr: addr}, nil) }
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

// TestClientKeyTrustedProxies: X-Forwarded-For names the client only when
// the peer is a trusted proxy, and then only its right-most entry that is
// not itself a proxy counts, so a client cannot choose its key by writing
// the header itself.
func TestClientKeyTrustedProxies(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:ffff::/48")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no header from a proxy", "10.1.2.3:5000", nil, "10.1.2.3"},
		{"client behind a proxy", "10.1.2.3:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"made-up entries left of the real one", "10.1.2.3:5000", []string{"203.0.113.1, 192.0.2.99, 198.51.100.7"}, "198.51.100.7"},
		{"chain of proxies", "10.1.2.3:5000", []string{"198.51.100.7, 10.9.9.9", "10.4.4.4"}, "198.51.100.7"},
		{"every hop a proxy", "10.1.2.3:5000", []string{"10.7.7.7, 10.8.8.8"}, "10.7.7.7"},
		{"garbage stops at the last proxy", "10.1.2.3:5000", []string{"198.51.100.7, not-an-ip"}, "10.1.2.3"},
		{"port-less mapped entry", "10.1.2.3:5000", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"IPv6 client behind a proxy", "[2001:db8:ffff::1]:443", []string{"2001:db8:1:2::abcd"}, "2001:db8:1:2::/64"},
		{"spoofed header from a client", "192.0.2.50:5000", []string{"198.51.100.7"}, "192.0.2.50"},
		{"spoofed proxy address from a client", "192.0.2.50:5000", []string{"10.1.1.1"}, "192.0.2.50"},
		{"mapped peer inside the proxies", "[::ffff:10.1.2.3]:5000", []string{"198.51.100.7"}, "198.51.100.7"},
	}
	for _, c := range cases {
		r := &http.Request{RemoteAddr: c.peer, Header: http.Header{}}
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientKey(r, proxies); got != c.want {
			t.Errorf("%s: key %q, want %q", c.name, got, c.want)
		}
		// Without trusted proxies the header never counts.
		if got, want := clientKey(r, nil), clientKey(&http.Request{RemoteAddr: c.peer}, nil); got != want {
			t.Errorf("%s without proxies: key %q, want the peer's %q", c.name, got, want)
		}
	}
}

func TestCentreLimitsFromConfig(t *testing.T) {
	l := newCentreLimits(nil, nil)
	if l.submitIP.max != 5 || l.posts.max != 30 || l.submitEmail.max != 5 || l.verify.max != 20 || l.links.max != 120 {
		t.Errorf("defaults: submit %d, posts %d, email %d, verify %d, links %d", l.submitIP.max, l.posts.max, l.submitEmail.max, l.verify.max, l.links.max)
	}
	// A configuration built without the option (zero) keeps the default.
	if l := newCentreLimits(&config.Config{}, nil); l.submitIP.max != 5 {
		t.Errorf("zero configured: %d", l.submitIP.max)
	}
	l = newCentreLimits(&config.Config{PublicRateLimit: 50}, nil)
	if l.submitIP.max != 50 || l.posts.max != 300 || l.submitEmail.max != 5 {
		t.Errorf("limit 50: submit %d, posts %d, email %d", l.submitIP.max, l.posts.max, l.submitEmail.max)
	}
}

// TestCentreLimitConfigured runs the privacy centre with public_rate_limit
// 2 behind a proxy on 127.0.0.1: the third request from one client is
// refused, clients are told apart by X-Forwarded-For when it comes from
// the proxy, and a client elsewhere that writes the header itself is
// still counted by its own address.
func TestCentreLimitConfigured(t *testing.T) {
	t.Parallel()
	ce := newCentreEnv(t)
	cfg := &config.Config{Addr: "127.0.0.1:8080", BaseURL: ce.srv.URL, DefaultLanguage: "en", SecureCookies: "false",
		SessionTTL: time.Hour, PublicRateLimit: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	h, err := New(Deps{Config: cfg, Catalog: ce.cat, DB: ce.db, Operators: ce.ops, Audit: ce.audit, Outbox: ce.outbox,
		Log: slog.New(slog.DiscardHandler), Requests: ce.svc, Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := *ce.env
	e.srv = srv

	n := 0
	submit := func(c *client, xff string) int {
		t.Helper()
		n++
		var hdr http.Header
		if xff != "" {
			hdr = http.Header{"X-Forwarded-For": {xff}}
		}
		return c.do(http.MethodPost, centreFormPath, requestForm(fmt.Sprintf("limit-%d@example.com", n)), hdr).StatusCode
	}
	expect := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: status %d, want %d", what, got, want)
		}
	}

	proxy := e.clientAt("127.0.0.1")
	expect("1st behind the proxy", submit(proxy, "198.51.100.7"), http.StatusOK)
	// A made-up entry on the left does not make a new client.
	expect("2nd behind the proxy", submit(proxy, "203.0.113.1, 198.51.100.7"), http.StatusOK)
	expect("3rd behind the proxy", submit(proxy, "203.0.113.2, 198.51.100.7"), http.StatusTooManyRequests)
	expect("another client behind the proxy", submit(proxy, "198.51.100.8"), http.StatusOK)

	direct := e.clientAt(freshIP())
	expect("1st direct", submit(direct, "192.0.2.1"), http.StatusOK)
	expect("2nd direct", submit(direct, "192.0.2.2"), http.StatusOK)
	expect("3rd direct, spoofing a new address", submit(direct, "192.0.2.3"), http.StatusTooManyRequests)
}
