package config

import (
	"strings"
	"testing"
)

func TestPublicRateLimitAndTrustedProxies(t *testing.T) {
	c, err := Load(flags(t), []string{"GARDE_PUBLIC_RATE_LIMIT=40", "GARDE_TRUSTED_PROXIES= 10.0.0.0/8 , 192.0.2.1,fd00::/8,::ffff:198.51.100.0/120,10.1.2.3/16"})
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicRateLimit != 40 {
		t.Errorf("public_rate_limit %d", c.PublicRateLimit)
	}
	// Bare addresses become ranges of one, ranges are masked, mapped IPv4
	// ranges are IPv4.
	want := "10.0.0.0/8,192.0.2.1/32,fd00::/8,198.51.100.0/24,10.1.0.0/16"
	if got := c.Value("trusted_proxies"); got != want {
		t.Errorf("trusted_proxies %q, want %q", got, want)
	}
	for _, bad := range []string{"GARDE_PUBLIC_RATE_LIMIT=0", "GARDE_PUBLIC_RATE_LIMIT=five", "GARDE_TRUSTED_PROXIES=10.0.0.0/33", "GARDE_TRUSTED_PROXIES=proxy.example.com"} {
		_, err := Load(flags(t), []string{bad})
		key := strings.ToLower(strings.TrimPrefix(bad[:strings.Index(bad, "=")], "GARDE_"))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v, want one naming %s", bad, err, key)
		}
	}
}
