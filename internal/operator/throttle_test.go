package operator

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiterEvictsIdleKeys(t *testing.T) {
	l := newLoginLimiter()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range 100 {
		l.begin(now, string(rune('a'+i%26))+"@example.org", "")
	}
	for i := range 10 {
		l.begin(now, "", fmt.Sprintf("192.0.2.%d", i))
	}
	if len(l.emails.hits) != 26 || len(l.ips.hits) != 10 {
		t.Fatalf("%d emails, %d IPs tracked", len(l.emails.hits), len(l.ips.hits))
	}
	for _, h := range l.emails.hits {
		if len(h) > maxFailuresPerEmail {
			t.Fatalf("%d failures kept for one address; the newest %d are enough", len(h), maxFailuresPerEmail)
		}
	}
	// After a quiet window, the next failure sweeps every idle key.
	l.begin(now.Add(failureWindow), "new@example.org", "")
	if len(l.emails.hits) != 1 || len(l.ips.hits) != 0 {
		t.Fatalf("after the window: %d emails, %d IPs tracked", len(l.emails.hits), len(l.ips.hits))
	}
	if !l.begin(now.Add(failureWindow), "a@example.org", "192.0.2.1") {
		t.Fatal("blocked after the window")
	}
}

// A burst of parallel attempts cannot slip past the limit between the check
// and the count.
func TestLimiterAdmitsNoMoreThanTheLimitInABurst(t *testing.T) {
	l := newLoginLimiter()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var admitted atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if l.begin(now, "alice@example.org", "") {
				admitted.Add(1)
			}
		})
	}
	wg.Wait()
	if n := admitted.Load(); n != maxFailuresPerEmail {
		t.Fatalf("%d attempts admitted, want %d", n, maxFailuresPerEmail)
	}
}

func TestLimiterSuccessForgetsTheAddressButNotTheClient(t *testing.T) {
	l := newLoginLimiter()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for i := range maxFailuresPerIP - 1 {
		if !l.begin(now.Add(time.Duration(i)), fmt.Sprintf("user%d@example.org", i), "192.0.2.1") {
			t.Fatal("attempt refused below the IP limit")
		}
	}
	l.begin(now, "alice@example.org", "")
	ok := now.Add(time.Hour / 60)
	if !l.begin(ok, "alice@example.org", "192.0.2.1") {
		t.Fatal("attempt refused below the IP limit")
	}
	l.succeeded(ok, "alice@example.org", "192.0.2.1")
	if len(l.emails.hits["alice@example.org"]) != 0 || len(l.emails.hits["user0@example.org"]) != 1 {
		t.Fatal("the address's failures survived a success")
	}
	if got := len(l.ips.hits["192.0.2.1"]); got != maxFailuresPerIP-1 {
		t.Fatalf("IP count %d after a success, want the %d failures", got, maxFailuresPerIP-1)
	}
	if !l.begin(ok, "bob@example.org", "192.0.2.1") || l.begin(ok, "carol@example.org", "192.0.2.1") {
		t.Fatal("the IP limit does not hold after a success")
	}
}

func TestIPKey(t *testing.T) {
	cases := map[string]string{
		"192.0.2.1":                "192.0.2.1",
		"192.0.2.1:8080":           "192.0.2.1",
		"::ffff:192.0.2.1":         "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":     "2001:db8:1:2::/64",
		"[2001:db8:1:2:ff::1]:443": "2001:db8:1:2::/64",
		"fe80::1%eth0":             "fe80::/64",
		"":                         "",
		"not-an-ip":                "not-an-ip",
		" 198.51.100.4 ":           "198.51.100.4",
	}
	for in, want := range cases {
		if got := ipKey(in); got != want {
			t.Errorf("ipKey(%q) = %q, want %q", in, got, want)
		}
	}
}
