package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
)

// openInstance opens an instance configured by env and its handler; the
// caller closes it.
func openInstance(t *testing.T, env []string) (*App, http.Handler) {
	t.Helper()
	cfg, err := config.Load(pflag.NewFlagSet("test", pflag.ContinueOnError), env)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(t.Context(), cfg, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	return a, h
}

// choicePoster starts an instance configured by env with one site and
// returns a function posting banner choice i to it, as a browser on the
// site's page would.
func choicePoster(t *testing.T, env ...string) func(i int) *http.Response {
	t.Helper()
	a, h := openInstance(t, append([]string{"GARDE_DATA=" + t.TempDir(), "GARDE_ADDR=127.0.0.1:0"}, env...))
	t.Cleanup(func() { a.Close() })
	site, err := a.Consent.CreateSite(t.Context(), "token:t", consent.SiteInput{Name: "Shop",
		Origins: []string{"https://shop.example"}, NoticeVersion: "1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return func(i int) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/consent/v1/sites/"+site.ID+"/events",
			strings.NewReader(`{"device_id":"d-`+strconv.Itoa(i)+`","granted":["analytics"],"method":"express","source":"banner","language":"fr"}`))
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		req.Header.Set("Origin", "https://shop.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
}

// TestConsentRateLimitOption: consent_rate_limit is the number of choices
// the banner's endpoint of the running instance takes from one address in
// its window; the next one is refused with 429.
func TestConsentRateLimitOption(t *testing.T) {
	for _, limit := range []int{2, 5} {
		post := choicePoster(t, "GARDE_CONSENT_RATE_LIMIT="+strconv.Itoa(limit))
		accepted := 0
		for i := 0; i <= limit; i++ {
			resp := post(i)
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

// TestConsentRateWindowOption: consent_rate_window is the period the limit
// counts over: a refused address is told how long to wait, no longer than
// the window, and is answered again once the window has passed.
func TestConsentRateWindowOption(t *testing.T) {
	post := choicePoster(t, "GARDE_CONSENT_RATE_LIMIT=1", "GARDE_CONSENT_RATE_WINDOW=2s")
	if r := post(0); r.StatusCode != http.StatusCreated {
		t.Fatalf("first choice: %d", r.StatusCode)
	}
	r := post(1)
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second choice in the window: %d", r.StatusCode)
	}
	wait, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 2 {
		t.Fatalf("Retry-After %q, want 1 or 2 seconds", r.Header.Get("Retry-After"))
	}
	// Waiting as told is enough (the window started at the first choice).
	time.Sleep(time.Duration(wait)*time.Second + 100*time.Millisecond)
	if r := post(2); r.StatusCode != http.StatusCreated {
		t.Fatalf("choice after the window: %d", r.StatusCode)
	}
}
