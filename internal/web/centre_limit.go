package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter is a sliding-window rate limit: at most max events per key in
// any window. Each key keeps the times of its recent events; keys idle for
// a whole window are dropped, so memory follows recent traffic only.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu        sync.Mutex
	keys      map[string][]time.Time
	lastSweep time.Time
}

// maxLimiterKeys bounds a limiter's memory under a flood of distinct keys
// (addresses, emails): past it, arbitrary keys are forgotten, which only
// ever lets a few more requests through.
const maxLimiterKeys = 100_000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	if now == nil {
		now = time.Now
	}
	return &limiter{max: max, window: window, now: now, keys: map[string][]time.Time{}}
}

// reserve counts one event for key when the limit allows it. Otherwise it
// returns false and how long until the oldest event leaves the window.
// cancel takes the event back (for a request that turned out not to count).
func (l *limiter) reserve(key string) (ok bool, retry time.Duration, cancel func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	cut := now.Add(-l.window)
	times := l.keys[key]
	i := 0
	for i < len(times) && !times[i].After(cut) {
		i++
	}
	times = times[i:]
	if len(times) >= l.max {
		l.keys[key] = times
		return false, times[0].Add(l.window).Sub(now), func() {}
	}
	if len(l.keys) >= maxLimiterKeys {
		for k := range l.keys {
			delete(l.keys, k)
			if len(l.keys) < maxLimiterKeys*9/10 {
				break
			}
		}
	}
	l.keys[key] = append(times, now)
	return true, 0, func() { l.undo(key, now) }
}

// allow is reserve for events that always count.
func (l *limiter) allow(key string) (bool, time.Duration) {
	ok, retry, _ := l.reserve(key)
	return ok, retry
}

func (l *limiter) undo(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.keys[key]
	for i := len(times) - 1; i >= 0; i-- {
		if times[i].Equal(at) {
			l.keys[key] = append(times[:i:i], times[i+1:]...)
			break
		}
	}
	if len(l.keys[key]) == 0 {
		delete(l.keys, key)
	}
}

// sweep drops the keys whose last event left the window, at most once a
// window.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	cut := now.Add(-l.window)
	for k, times := range l.keys {
		if len(times) == 0 || !times[len(times)-1].After(cut) {
			delete(l.keys, k)
		}
	}
}

// size is the number of keys held (tests check the eviction).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// centreLimits are the privacy centre's limits. They are generous for a
// person and tight for a script; none depends on whether an address is
// known, so a refusal tells nothing about anyone.
type centreLimits struct {
	// posts counts every form sent to the centre, valid or not, per client.
	posts *limiter
	// submitIP and submitEmail count accepted requests, per client and per
	// email address (so one address cannot be flooded from many clients).
	submitIP, submitEmail *limiter
	// verify counts confirmation links, codes and resends, per client.
	verify *limiter
	// links counts status and task page views, per client.
	links *limiter
}

func newCentreLimits(now func() time.Time) *centreLimits {
	return &centreLimits{
		posts:       newLimiter(30, 10*time.Minute, now),
		submitIP:    newLimiter(5, 10*time.Minute, now),
		submitEmail: newLimiter(5, 10*time.Minute, now),
		verify:      newLimiter(20, 10*time.Minute, now),
		links:       newLimiter(120, 10*time.Minute, now),
	}
}

// clientKey is who a limit counts against: the peer's IP address, or its
// /64 for IPv6, since one host usually holds a whole /64.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() != nil {
		return ip.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// retryAfter is the Retry-After value: whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
