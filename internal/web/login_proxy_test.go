package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// Behind a trusted reverse proxy, failed logins are counted and audited
// against the client's address from X-Forwarded-For; from any other peer
// the header is ignored, so a client cannot dodge the throttle by making
// addresses up.
func TestLoginClientAddressBehindProxy(t *testing.T) {
	cases := []struct {
		name    string
		proxies []netip.Prefix
		wantIP  string
	}{
		{"trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "203.0.113.9"},
		{"no trusted proxy", nil, "127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := dbtest.Open(t, db.SQLite)
			aud := audit.New(d)
			ops := operator.NewService(d, aud, time.Hour)
			q := jobs.New(d, nil)
			outbox := mail.NewOutbox(d, q, i18n.MustLoad(), nil, nil)
			if err := q.Build(jobs.Options{}); err != nil {
				t.Fatal(err)
			}
			cfg := &config.Config{Addr: "127.0.0.1:8080", DefaultLanguage: "en", SecureCookies: "false",
				SessionTTL: time.Hour, TrustedProxies: tc.proxies}
			h, err := New(Deps{Config: cfg, Catalog: i18n.MustLoad(), DB: d, Operators: ops, Audit: aud, Outbox: outbox})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			form := url.Values{"email": {"nobody@example.org"}, "password": {"not the password"}}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d", resp.StatusCode)
			}
			entries, err := aud.List(t.Context(), audit.ListFilter{Action: "operator.login_failed"})
			if err != nil || len(entries) != 1 {
				t.Fatalf("entries %v, err %v", entries, err)
			}
			if got := entries[0].Details["ip"]; got != tc.wantIP {
				t.Fatalf("audited ip %v, want %s", got, tc.wantIP)
			}
		})
	}
}
