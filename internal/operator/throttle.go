package operator

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Failed-login limits: past them, logins are refused with ErrThrottled
// until the oldest failure leaves the window. The per-address limit slows
// guessing one account's password; the per-IP limit slows one client
// trying many accounts. They live in memory: with several instances on one
// PostgreSQL, each instance counts on its own, which still bounds guessing.
const (
	maxFailuresPerEmail = 5
	maxFailuresPerIP    = 20
	failureWindow       = 15 * time.Minute
)

// loginLimiter keeps, per key, the times of the most recent failures.
type loginLimiter struct {
	mu        sync.Mutex
	emails    slidingWindow
	ips       slidingWindow
	lastSweep time.Time
}

type slidingWindow struct {
	limit int
	hits  map[string][]time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{
		emails: slidingWindow{limit: maxFailuresPerEmail, hits: map[string][]time.Time{}},
		ips:    slidingWindow{limit: maxFailuresPerIP, hits: map[string][]time.Time{}},
	}
}

// begin admits an attempt unless either key has reached its limit (an empty
// key never has). An admitted attempt is counted as a failure at once, so a
// burst of parallel attempts cannot all pass the check before any of them
// fails; succeeded takes it back.
func (l *loginLimiter) begin(now time.Time, email, ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.emails.full(now, email) || l.ips.full(now, ip) {
		return false
	}
	l.emails.add(now, email)
	l.ips.add(now, ip)
	l.sweep(now)
	return true
}

// succeeded ends an attempt begun at `at` that turned out right: the
// address's failures are forgotten, and the IP loses only this attempt's
// count (one success must not let a client guess other accounts afresh).
func (l *loginLimiter) succeeded(at time.Time, email, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.emails.hits, email)
	hits := l.ips.hits[ip]
	for i := len(hits) - 1; i >= 0; i-- {
		if hits[i].Equal(at) {
			l.ips.hits[ip] = append(hits[:i:i], hits[i+1:]...)
			break
		}
	}
}

// sweep drops keys with no failure inside the window, at most once per
// window, so memory follows the recent failure rate rather than all time.
func (l *loginLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < failureWindow {
		return
	}
	l.lastSweep = now
	l.emails.evictIdle(now)
	l.ips.evictIdle(now)
}

func (w *slidingWindow) recent(now time.Time, key string) []time.Time {
	hits := w.hits[key]
	i := 0
	for i < len(hits) && now.Sub(hits[i]) >= failureWindow {
		i++
	}
	return hits[i:]
}

func (w *slidingWindow) full(now time.Time, key string) bool {
	return key != "" && len(w.recent(now, key)) >= w.limit
}

func (w *slidingWindow) add(now time.Time, key string) {
	if key == "" {
		return
	}
	hits := append(w.recent(now, key), now)
	// Only the newest `limit` failures matter to decide whether the limit
	// is reached; older ones are dropped to bound memory per key.
	if len(hits) > w.limit {
		hits = hits[len(hits)-w.limit:]
	}
	w.hits[key] = append([]time.Time(nil), hits...)
}

func (w *slidingWindow) evictIdle(now time.Time) {
	for k := range w.hits {
		if len(w.recent(now, k)) == 0 {
			delete(w.hits, k)
		}
	}
}

// emailKey is the throttle key of a typed address: normalised when valid,
// otherwise lower-cased and trimmed (and capped, since it is attacker input).
func emailKey(email string) string {
	if e, err := normalizeEmail(email); err == nil {
		return e
	}
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > maxEmailLen {
		e = e[:maxEmailLen]
	}
	return e
}

// ipKey is the throttle key of a client address. A port is ignored, and
// IPv6 clients are grouped by /64, since one host usually owns a whole /64
// and could otherwise change address at every attempt.
func ipKey(ip string) string {
	ip = strings.TrimSpace(ip)
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		if len(ip) > 64 {
			ip = ip[:64]
		}
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
