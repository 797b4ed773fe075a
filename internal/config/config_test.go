package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "garde.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := Load(flags(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./garde-data" || c.DatabaseURL != "" || c.SessionTTL != 12*time.Hour {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.PublicURL() != "http://127.0.0.1:8080" || c.SecureCookie() {
		t.Fatalf("public URL %q secure %v", c.PublicURL(), c.SecureCookie())
	}
	for _, o := range Options {
		if c.Sources[o.Key] != "default" {
			t.Errorf("%s source = %q", o.Key, c.Sources[o.Key])
		}
		if got := c.Value(o.Key); got != o.Default && !sameDuration(got, o.Default) {
			t.Errorf("Value(%s) = %q, want default %q", o.Key, got, o.Default)
		}
	}
}

func TestPrecedenceFlagOverEnvOverFile(t *testing.T) {
	file := writeFile(t, "addr: 127.0.0.1:7000\nsmtp_port: 2525\nlog_format: json\n")
	env := []string{"GARDE_CONFIG=" + file, "GARDE_ADDR=127.0.0.1:7100", "GARDE_BASE_URL=https://privacy.example.com/"}
	c, err := Load(flags(t, "--addr", "127.0.0.1:7200"), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:7200" || c.Sources["addr"] != "flag --addr" {
		t.Errorf("addr = %s from %s", c.Addr, c.Sources["addr"])
	}
	if c.SMTPPort != 2525 || c.Sources["smtp_port"] != file+":2" {
		t.Errorf("smtp_port = %d from %s", c.SMTPPort, c.Sources["smtp_port"])
	}
	if c.BaseURL != "https://privacy.example.com" || !c.SecureCookie() {
		t.Errorf("base_url = %s secure=%v", c.BaseURL, c.SecureCookie())
	}
}

func TestBadInputNamesKeyAndSource(t *testing.T) {
	cases := []struct {
		name  string
		file  string
		env   []string
		args  []string
		wants []string
	}{
		{name: "unknown file key", file: "adr: 1.2.3.4:80\n", wants: []string{"adr", ":1", "unknown key", "did you mean addr"}},
		{name: "bad file value", file: "\nsmtp_port: seventy\n", wants: []string{"smtp_port", ":2", "port number"}},
		{name: "nested value", file: "smtp_host:\n  a: b\n", wants: []string{"smtp_host must be a single value"}},
		{name: "not a mapping", file: "- a\n- b\n", wants: []string{"one YAML mapping"}},
		{name: "broken yaml", file: "addr: [\n", wants: []string{"not valid YAML"}},
		{name: "unknown env", env: []string{"GARDE_SMTP_HOTS=x"}, wants: []string{"env GARDE_SMTP_HOTS", "unknown setting", "did you mean smtp_host"}},
		{name: "bad env", env: []string{"GARDE_LOG_FORMAT=xml"}, wants: []string{"log_format (from env GARDE_LOG_FORMAT)", "text, json"}},
		{name: "bad flag", args: []string{"--addr", "nowhere"}, wants: []string{"addr (from flag --addr)", "host:port"}},
		{name: "bad database url", env: []string{"GARDE_DATABASE_URL=mysql://x"}, wants: []string{"database (from env GARDE_DATABASE_URL)", "postgres://"}},
		{name: "bad duration", args: []string{"--session-ttl", "5s"}, wants: []string{"session_ttl", "between 1m and 720h"}},
		{name: "missing file", env: []string{"GARDE_CONFIG=/nonexistent/garde.yaml"}, wants: []string{"env GARDE_CONFIG", "cannot read"}},
		{name: "two errors at once", env: []string{"GARDE_SMTP_TLS=ssl", "GARDE_JOB_WORKERS=0"}, wants: []string{"smtp_tls", "job_workers"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if tc.file != "" {
				env = append(env, "GARDE_CONFIG="+writeFile(t, tc.file))
			}
			_, err := Load(flags(t, tc.args...), env)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// sameDuration tells whether a and b are two spellings of one duration
// ("12h", "12h0m0s").
func sameDuration(a, b string) bool {
	da, errA := time.ParseDuration(a)
	db, errB := time.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}
