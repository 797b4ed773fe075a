package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, environ []string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, environ, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// rawDB opens the database behind a Garde URL with the plain driver, as an
// attacker with file or SQL access would.
func rawDB(t *testing.T, dialect db.Dialect, url string) (*sql.DB, string) {
	t.Helper()
	if dialect == db.SQLite {
		d, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(url, "sqlite://"))
		if err != nil {
			t.Fatal(err)
		}
		return d, "?"
	}
	d, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	return d, "$1"
}

func TestOperatorsTokensAndAuditVerify(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := dbtest.URL(t, dialect)
			env := []string{"GARDE_DATABASE_URL=" + url, "GARDE_DATA=" + t.TempDir()}

			r := run(t, env, "", "migrate")
			if r.code != 0 || !strings.Contains(r.stdout, "Applied") {
				t.Fatalf("migrate: %+v", r)
			}
			if r := run(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
				t.Fatalf("second migrate: %+v", r)
			}
			r = run(t, env, "a long enough password\n", "operator", "create", "--email", "Owner@Example.com", "--name", "Owner", "--role", "owner")
			if r.code != 0 {
				t.Fatalf("operator create: %+v", r)
			}
			if r := run(t, env, "short\n", "operator", "create", "--email", "b@example.com"); r.code == 0 || !strings.Contains(r.stderr, "12") {
				t.Fatalf("short password accepted or unclear: %+v", r)
			}
			if r := run(t, env, "", "operator", "create", "--email", "c@example.com"); r.code == 0 || !strings.Contains(r.stderr, "no password") {
				t.Fatalf("missing password: %+v", r)
			}
			r = run(t, env, "another long password\n", "operator", "create", "--email", "agent@example.com", "--role", "agent")
			if r.code != 0 {
				t.Fatalf("operator create agent: %+v", r)
			}
			r = run(t, env, "", "operator", "list")
			if r.code != 0 || !strings.Contains(r.stdout, "owner@example.com") || !strings.Contains(r.stdout, "agent@example.com") {
				t.Fatalf("operator list: %+v", r)
			}
			if r := run(t, env, "", "operator", "disable", "owner@example.com"); r.code == 0 {
				t.Fatalf("disabled the last owner: %+v", r)
			}
			if r := run(t, env, "", "operator", "disable", "agent@example.com"); r.code != 0 {
				t.Fatalf("disable agent: %+v", r)
			}
			r = run(t, env, "", "token", "create", "--name", "crm", "--scope", "audit:read,mail:read")
			if r.code != 0 || !regexp.MustCompile(`^garde_\S+\n$`).MatchString(r.stdout) {
				t.Fatalf("token create: %+v", r)
			}
			if r := run(t, env, "", "token", "create", "--name", "bad", "--scope", "everything"); r.code == 0 {
				t.Fatalf("unknown scope accepted: %+v", r)
			}

			r = run(t, env, "", "audit", "verify")
			if r.code != 0 || !strings.Contains(r.stdout, "intact") {
				t.Fatalf("audit verify on an intact log: %+v", r)
			}

			// Tamper with the second entry, as someone with database access would.
			raw, ph := rawDB(t, dialect, url)
			defer raw.Close()
			res, err := raw.Exec("UPDATE audit_log SET actor = 'operator:someone-else' WHERE seq = "+ph, 2)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("tampering touched %d rows", n)
			}
			r = run(t, env, "", "audit", "verify")
			if r.code != 2 || !strings.Contains(r.stderr, "entry 2") || !strings.Contains(r.stderr, "changed") {
				t.Fatalf("audit verify after tampering: %+v", r)
			}
		})
	}
}

func TestBadConfigurationAndDatabase(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"bad addr flag", nil, []string{"serve", "--addr", "nowhere"}, "addr (from flag --addr)"},
		{"unknown env", []string{"GARDE_ADRES=x"}, []string{"config", "check", "--offline"}, "GARDE_ADRES"},
		{"wrong scheme", []string{"GARDE_DATABASE_URL=mysql://x"}, []string{"migrate"}, "env GARDE_DATABASE_URL"},
		{"unreachable postgres", nil, []string{"migrate", "--database", "postgres://x@127.0.0.1:1/x?connect_timeout=2"}, "cannot connect to PostgreSQL"},
		{"missing sqlite dir", nil, []string{"migrate", "--database", "sqlite:///nonexistent-garde-dir/g.db"}, "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(tc.env, "GARDE_DATA="+t.TempDir()), "", tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("want failure mentioning %q, got %+v", tc.want, r)
			}
			if strings.Contains(r.stderr, "goroutine") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 2 {
				t.Fatalf("error is not short: %q", r.stderr)
			}
		})
	}
}

func TestConfigCheckAndVersion(t *testing.T) {
	env := []string{"GARDE_DATA=" + t.TempDir(), "GARDE_SMTP_PASSWORD=hunter2hunter2"}
	r := run(t, env, "", "config", "check")
	if r.code != 0 || !strings.Contains(r.stdout, "smtp_password") || strings.Contains(r.stdout, "hunter2") ||
		!strings.Contains(r.stdout, "env GARDE_SMTP_PASSWORD") || !strings.Contains(r.stdout, "migrations pending") {
		t.Fatalf("config check: %+v", r)
	}
	if r := run(t, nil, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "garde ") {
		t.Fatalf("version: %+v", r)
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	root := newRoot(&env{stdout: io.Discard, stderr: io.Discard})
	for _, c := range root.Commands() {
		cmds := append(c.Commands(), c)
		for _, sub := range cmds {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			args := append(strings.Fields(strings.TrimPrefix(sub.CommandPath(), "garde ")), "--help")
			r := run(t, nil, "", args...)
			if r.code != 0 || !strings.Contains(r.stdout, "Examples:") {
				t.Errorf("garde %s has no examples in its help: %+v", strings.Join(args, " "), r.stdout)
			}
		}
	}
}

// A newcomer starts Garde, gets the setup link on the terminal, and the link
// opens the owner-creation page; the readiness probe reports the database.
func TestServePrintsSetupLinkAndServes(t *testing.T) {
	port := freePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	smtpSrv := smtptest.Start(t, smtptest.Options{})
	env := []string{"GARDE_DATA=" + t.TempDir(), "GARDE_ADDR=" + addr, "GARDE_ESTABLISHMENT=FR",
		"GARDE_SMTP_HOST=" + smtpSrv.Host, fmt.Sprintf("GARDE_SMTP_PORT=%d", smtpSrv.Port), "GARDE_SMTP_TLS=none"}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- Run(ctx, []string{"serve"}, env, strings.NewReader(""), &out, &errb) }()

	base := "http://" + addr
	waitReady(t, base+"/readyz", done, &errb)
	link := regexp.MustCompile(`http://\S+/setup\?token=\S+`).FindString(out.String())
	if link == "" {
		t.Fatalf("no setup link printed: %q", out.String())
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<form") {
		t.Fatalf("setup page: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/healthz", "/metrics", "/api/v1/openapi.json", "/privacy", "/privacy/request"} {
		resp, err := http.Get(base + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}

	// A person files a request in French on the served privacy centre; the
	// server's own job workers send the verification email over SMTP.
	form := url.Values{"email": {"camille@example.org"}, "name": {"Camille Martin"}, "region": {"FR"},
		"subject": {"Copie de mes données"}, "type": {"access"}, "description": {"Une copie, merci."}}
	req, _ := http.NewRequest(http.MethodPost, base+"/privacy/request", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "fr-FR")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("privacy request: %d", resp.StatusCode)
	}
	msg := smtpSrv.WaitFor(t, 1, 20*time.Second)[0]
	text, err := msg.Part("text/plain")
	if err != nil || len(msg.To) != 1 || msg.To[0] != "camille@example.org" || !strings.Contains(text, "/privacy/verify?token=") ||
		!strings.HasPrefix(msg.Subject, "Confirmez votre demande") {
		t.Fatalf("verification email: to %v, subject %q, text %q, err %v", msg.To, msg.Subject, text, err)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func waitReady(t *testing.T, url string, done chan int, errb *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, errb.String())
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				if !strings.Contains(string(body), `"ready"`) {
					t.Fatalf("readyz body %s", body)
				}
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became ready")
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
