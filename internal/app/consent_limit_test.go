package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
)

// TestConsentRateLimitOption: consent_rate_limit is the number of choices
// the banner's endpoint of the running instance takes from one address in
// its window; the next one is refused with 429.
func TestConsentRateLimitOption(t *testing.T) {
	for _, limit := range []int{2, 5} {
		env := []string{"GARDE_DATA=" + t.TempDir(), "GARDE_ADDR=127.0.0.1:0", "GARDE_CONSENT_RATE_LIMIT=" + strconv.Itoa(limit)}
		cfg, err := config.Load(pflag.NewFlagSet("test", pflag.ContinueOnError), env)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Open(t.Context(), cfg, slog.New(slog.DiscardHandler), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		site, err := a.Consent.CreateSite(t.Context(), "token:t", consent.SiteInput{Name: "Shop",
			Origins: []string{"https://shop.example"}, NoticeVersion: "1"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		accepted := 0
		for i := 0; i <= limit; i++ {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/consent/v1/sites/"+site.ID+"/events",
				strings.NewReader(`{"device_id":"d-`+strconv.Itoa(i)+`","granted":["analytics"],"method":"express","source":"banner","language":"fr"}`))
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			req.Header.Set("Origin", "https://shop.example")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch {
			case resp.StatusCode < 300:
				accepted++
			case resp.StatusCode != http.StatusTooManyRequests || i != limit:
				t.Fatalf("limit %d, choice %d: status %d", limit, i+1, resp.StatusCode)
			}
		}
		if accepted != limit {
			t.Fatalf("limit %d: %d choices accepted", limit, accepted)
		}
	}
}
