package web

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/garde-privacy/garde/internal/config"
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
	// proxies are the reverse proxies whose X-Forwarded-For is believed.
	proxies []netip.Prefix
}

// defaultPublicRateLimit is the accepted requests per client and window
// when the configuration sets none.
const defaultPublicRateLimit = 5

// centreWindow is the window of every limit of the centre.
const centreWindow = 10 * time.Minute

// newCentreLimits builds the limits from the configuration (nil: the
// defaults). perClient, the accepted requests per client, also scales the
// posts allowed: an operator who raises it for many people behind one
// address wants their mistyped forms let through too. The limit per email
// address stays, since it protects the person who receives the emails.
func newCentreLimits(cfg *config.Config, now func() time.Time) *centreLimits {
	perClient := defaultPublicRateLimit
	var proxies []netip.Prefix
	if cfg != nil {
		if cfg.PublicRateLimit > 0 {
			perClient = cfg.PublicRateLimit
		}
		proxies = cfg.TrustedProxies
	}
	return &centreLimits{
		posts:       newLimiter(6*perClient, centreWindow, now),
		submitIP:    newLimiter(perClient, centreWindow, now),
		submitEmail: newLimiter(defaultPublicRateLimit, centreWindow, now),
		verify:      newLimiter(20, centreWindow, now),
		links:       newLimiter(120, centreWindow, now),
		proxies:     proxies,
	}
}

// client is who a limit counts r against (see clientKey).
func (l *centreLimits) client(r *http.Request) string {
	return clientKey(r, l.proxies)
}

// clientKey is who a limit counts against: the client's IP address, or
// its /64 for IPv6, since one host usually holds a whole /64.
//
// The client is the peer, unless the peer is one of the trusted proxies:
// then it is the right-most address of X-Forwarded-For that is not a
// trusted proxy. Each proxy appends the address it received the request
// from, so entries to the right were written by proxies we trust and
// entries to the left by whoever sent the request, who may have made them
// up. From any other peer X-Forwarded-For is ignored: anyone can send it.
func clientKey(r *http.Request, proxies []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip := peer.Unmap()
	if trusted(ip, proxies) {
		ip = forwardedFor(r, ip, proxies)
	}
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
}

// forwardedFor walks X-Forwarded-For from the right, past the trusted
// proxies, and returns the first other address. An entry that is not an
// address ends the walk at the last proxy seen, since it cannot be
// counted against; a chain of proxies only gives the left-most one.
func forwardedFor(r *http.Request, peer netip.Addr, proxies []netip.Prefix) netip.Addr {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	ip := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return ip
		}
		ip = a.Unmap()
		if !trusted(ip, proxies) {
			return ip
		}
	}
	return ip
}

func trusted(ip netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// retryAfter is the Retry-After value: whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
