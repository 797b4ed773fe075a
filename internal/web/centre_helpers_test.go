package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// centreEnv is a running Garde as the application wires it: the back
// office and privacy centre over a fresh database, the real request
// service with the embedded rules, a job queue with workers, and mail sent
// over SMTP to a server inside the test.
type centreEnv struct {
	*env
	svc  *requests.Service
	smtp *smtptest.Server
	// clock is the request service's clock (the real time until set).
	clock *testClock
}

func newCentreEnv(t *testing.T) *centreEnv {
	t.Helper()
	d := dbtest.Open(t, db.SQLite)
	cat := i18n.MustLoad()
	logs := &logRecorder{}
	log := slog.New(logs)
	aud := audit.New(d)
	ops := operator.NewService(d, aud, time.Hour)
	smtpSrv := smtptest.Start(t, smtptest.Options{})
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{Host: smtpSrv.Host, Port: smtpSrv.Port, TLS: "none",
		From: "Acme privacy <privacy@acme.example>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	q := jobs.New(d, log)
	outbox := mail.NewOutbox(d, q, cat, sender, log)
	outbox.SetOrganization("Acme")

	// The links in the emails must lead to this server: its address is
	// known before it starts.
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	clock := &testClock{}
	svc := requests.NewService(requests.Deps{
		DB: d, Queue: q, Audit: aud, Outbox: outbox, Operators: ops, Log: log, BaseURL: base,
		Deadlines: requests.NewRulesDeadlines(rules.Embedded(), "FR", time.UTC),
		Box:       testBox(t), Now: clock.Now,
	})
	if err := q.Build(jobs.Options{Workers: 4, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = q.Stop(stop)
		cancel()
	})
	cfg := &config.Config{Addr: "127.0.0.1:8080", BaseURL: base, DefaultLanguage: "en", SecureCookies: "false", SessionTTL: time.Hour}
	h, err := New(Deps{Config: cfg, Catalog: cat, DB: d, Operators: ops, Audit: aud, Outbox: outbox, Log: log,
		Requests: svc, Organization: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: d, cat: cat, ops: ops, audit: aud, outbox: outbox, logs: logs,
		users: map[operator.Role]*operator.Operator{}}
	t.Cleanup(func() { logs.assertClean(t) })
	return &centreEnv{env: e, svc: svc, smtp: smtpSrv, clock: clock}
}

// nextIP hands out loopback addresses (127.0.1.1, 127.0.1.2…): the rate
// limits count per client address, and each test client gets its own.
var nextIP atomic.Uint32

func freshIP() string {
	n := nextIP.Add(1)
	return fmt.Sprintf("127.0.%d.%d", 1+n/250, 1+n%250)
}

// clientAt is a client whose connections come from ip, a loopback address.
func (e *env) clientAt(ip string) *client {
	c := e.client()
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.http.Transport = &http.Transport{DialContext: dialer.DialContext}
	return c
}

// person is a client from its own address, in a language.
func (e *env) person(lang i18n.Lang) *client {
	c := e.clientAt(freshIP())
	c.setLang(lang)
	return c
}

// requestForm is a valid request form; extra are name, value pairs that
// replace its fields.
func requestForm(email string, extra ...string) url.Values {
	v := url.Values{
		"email":       {email},
		"name":        {"Camille Martin"},
		"phone":       {""},
		"region":      {"FR"},
		"subject":     {"Copie de mes données"},
		"type":        {"access"},
		"description": {"Je souhaite une copie de toutes les données que vous avez sur moi.\nMerci."},
		"account_id":  {""},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

var (
	referenceRE = regexp.MustCompile(`GR-[2-9A-Z]{4}-[2-9A-Z]{2}`)
	verifyURLRE = regexp.MustCompile(`https?://[^\s"<>]+/privacy/verify\?token=[A-Za-z0-9_%-]+`)
	statusURLRE = regexp.MustCompile(`https?://[^\s"<>]+/privacy/status\?token=[A-Za-z0-9_%-]+`)
	taskURLRE   = regexp.MustCompile(`https?://[^\s"<>]+/privacy/task\?token=[A-Za-z0-9_%-]+`)
	codeRE      = regexp.MustCompile(`\b(\d{3}) (\d{3})\b`)
)

// mailTo waits until n emails have reached to and returns them.
func (e *centreEnv) mailTo(to string, n int) []smtptest.Message {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []smtptest.Message
		for _, m := range e.smtp.Messages() {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) {
					got = append(got, m)
				}
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d emails to %s after 20s, want %d", len(got), to, n)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// mailAbout waits for the email to to whose subject is subject.
func (e *centreEnv) mailAbout(to, subject string) smtptest.Message {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, m := range e.smtp.Messages() {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) && m.Subject == subject {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no email %q to %s after 20s", subject, to)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// plain is the text part of an email.
func plain(t *testing.T, m smtptest.Message) string {
	t.Helper()
	s, err := m.Part("text/plain")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// find returns the first match of re in s, or fails.
func find(t *testing.T, re *regexp.Regexp, s string) string {
	t.Helper()
	m := re.FindString(s)
	if m == "" {
		t.Fatalf("nothing like %s in:\n%s", re, s)
	}
	return m
}

// localPart is the path and query of a link to the test server.
func localPart(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// submitted posts a valid form and returns the reference on the page.
func (c *client) submit(t *testing.T, form url.Values) string {
	t.Helper()
	r := c.post(centreFormPath, form)
	r.mustStatus(t, http.StatusOK)
	return find(t, referenceRE, r.body)
}

// verifiedStatus submits a request as c, confirms it with the emailed link
// and returns the status page's path.
func (e *centreEnv) verifiedStatus(t *testing.T, c *client, email string, extra ...string) (ref, statusPath string) {
	t.Helper()
	ref = c.submit(t, requestForm(email, extra...))
	m := e.mailTo(email, 1)[0]
	r := c.confirmLink(t, localPart(t, find(t, verifyURLRE, plain(t, m))))
	r.mustStatus(t, http.StatusSeeOther)
	statusPath = r.Header.Get("Location")
	if !strings.HasPrefix(statusPath, centreStatusPath+"?token=") {
		t.Fatalf("verification led to %q", statusPath)
	}
	return ref, statusPath
}

// confirmLink opens an emailed confirmation link, which only shows a
// button, and presses it: it returns the answer to the button's POST.
func (c *client) confirmLink(t *testing.T, path string) *response {
	t.Helper()
	page := c.get(path)
	page.mustStatus(t, http.StatusOK)
	token, err := url.QueryUnescape(strings.TrimPrefix(path, centreVerifyPath+"?token="))
	if err != nil {
		t.Fatal(err)
	}
	page.mustContain(t, `<form method="post" action="/privacy/verify">`,
		`<input type="hidden" name="token" value="`+esc(token)+`">`)
	return c.post(centreVerifyPath, url.Values{"token": {token}})
}

// esc is s as html/template writes it in text.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}
