package consent

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// rateLimit allows max events per client in each fixed window. Windows
// rather than a sliding log: the banner endpoint sees every visitor of the
// business's site, and a counter per client is all the memory it needs.
type rateLimit struct {
	max     int
	window  time.Duration
	proxies []netip.Prefix
	now     func() time.Time

	mu    sync.Mutex
	start time.Time
	count map[string]int
}

// maxClients bounds the limiter's memory.
const maxClients = 100_000

func newRateLimit(max int, window time.Duration, proxies []netip.Prefix) *rateLimit {
	return &rateLimit{max: max, window: window, proxies: proxies, now: time.Now, count: map[string]int{}}
}

// allow counts one event of r's client and tells whether it is within the
// limit; when it is not, wait is the seconds until the window ends.
func (l *rateLimit) allow(r *http.Request) (ok bool, wait int) {
	key := l.client(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	// A new window, or a flood of distinct clients: start counting
	// afresh, which only ever lets a few more through.
	if now := l.now(); now.Sub(l.start) >= l.window || len(l.count) >= maxClients {
		l.start, l.count = now, map[string]int{}
	}
	l.count[key]++
	if l.count[key] <= l.max {
		return true, 0
	}
	left := l.start.Add(l.window).Sub(l.now())
	return false, max(1, int((left+time.Second-1)/time.Second))
}

// client is the peer's address (its /64 for IPv6), or, behind a trusted
// reverse proxy, the right-most X-Forwarded-For entry no trusted proxy
// wrote: entries further left come from the client and may be made up.
func (l *rateLimit) client(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if l.trusted(ip) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			ip = a.Unmap()
			if !l.trusted(ip) {
				break
			}
		}
	}
	if ip.Is6() {
		return netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
	}
	return ip.String()
}

func (l *rateLimit) trusted(ip netip.Addr) bool {
	for _, p := range l.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
