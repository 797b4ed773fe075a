package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
)

func newSender(t *testing.T, srv *smtptest.Server, mode, user, pass string) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(SMTPConfig{
		Host: srv.Host, Port: srv.Port, Username: user, Password: pass, TLS: mode,
		From:      "Équipe vie privée <privacy@example.org>",
		TLSConfig: &tls.Config{RootCAs: srv.RootCAs},
		Timeout:   5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func delivery() Delivery {
	return Delivery{
		From: "Équipe vie privée <privacy@example.org>", To: "jo@example.net",
		Subject: "Votre mot de passe a été modifié ✓", Text: "Bonjour Zoë,\n\nligne très longue " + strings.Repeat("é", 100),
		HTML: "<p>Bonjour Zoë</p>", MessageID: "0190-abc@example.org", Lang: i18n.FR,
	}
}

func TestSMTPSenderStartTLSWithAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "garde", Password: "s3cret"})
	s := newSender(t, srv, "starttls", "garde", "s3cret")
	d := delivery()
	if err := s.Send(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, 1, 5*time.Second)[0]
	if !m.TLS || m.AuthUser != "garde" {
		t.Fatalf("TLS=%v auth=%q: the client must upgrade and authenticate", m.TLS, m.AuthUser)
	}
	if m.From != "privacy@example.org" || len(m.To) != 1 || m.To[0] != "jo@example.net" {
		t.Fatalf("envelope %s → %v", m.From, m.To)
	}
	if m.Subject != d.Subject {
		t.Fatalf("subject %q, want %q", m.Subject, d.Subject)
	}
	for header, want := range map[string]string{
		"Message-Id":       "<0190-abc@example.org>",
		"Content-Language": "fr",
		"Auto-Submitted":   "auto-generated",
	} {
		if got := m.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
	text, err := m.Part("text/plain")
	if err != nil || strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n") != d.Text {
		t.Fatalf("text part %q, %v", text, err)
	}
	html, err := m.Part("text/html")
	if err != nil || !strings.Contains(html, "<p>Bonjour Zoë</p>") {
		t.Fatalf("html part %q, %v", html, err)
	}
}

func TestSMTPSenderImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{ImplicitTLS: true, Username: "garde", Password: "pw"})
	if err := newSender(t, srv, "tls", "garde", "pw").Send(context.Background(), delivery()); err != nil {
		t.Fatal(err)
	}
	if m := srv.WaitFor(t, 1, 5*time.Second)[0]; !m.TLS || m.AuthUser != "garde" {
		t.Fatalf("TLS=%v auth=%q", m.TLS, m.AuthUser)
	}
}

func TestSMTPSenderPlainToLocalhost(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	if err := newSender(t, srv, "none", "", "").Send(context.Background(), delivery()); err != nil {
		t.Fatal(err)
	}
	if m := srv.WaitFor(t, 1, 5*time.Second)[0]; m.TLS {
		t.Fatal("no TLS was asked for")
	}
}

func TestSMTPSenderRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("wrong password", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "garde", Password: "right"})
		if err := newSender(t, srv, "starttls", "garde", "wrong").Send(ctx, delivery()); err == nil {
			t.Fatal("sent with a wrong password")
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "garde", Password: "right"})
		if err := newSender(t, srv, "starttls", "", "").Send(ctx, delivery()); err == nil {
			t.Fatal("sent without authenticating")
		}
	})
	t.Run("starttls required but not offered", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		err := newSender(t, srv, "starttls", "", "").Send(ctx, delivery())
		if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
			t.Fatalf("err = %v, want a STARTTLS refusal", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d message(s) went out in clear", n)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{StartTLS: true})
		s, err := NewSMTPSender(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "starttls", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(ctx, delivery()); err == nil {
			t.Fatal("trusted a self-signed certificate")
		}
	})
	t.Run("temporary failure", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{FailNext: 1})
		err := newSender(t, srv, "none", "", "").Send(ctx, delivery())
		if err == nil || !strings.Contains(err.Error(), "451") {
			t.Fatalf("err = %v, want the server's 451", err)
		}
		if err := newSender(t, srv, "none", "", "").Send(ctx, delivery()); err != nil {
			t.Fatalf("second try: %v", err)
		}
	})
	t.Run("not configured", func(t *testing.T) {
		s, err := NewSMTPSender(SMTPConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Configured() || !errors.Is(s.Send(ctx, delivery()), ErrNotConfigured) {
			t.Fatal("a sender without host claims to be configured")
		}
	})
}

func TestNewSMTPSenderChecksItsConfig(t *testing.T) {
	for _, cfg := range []SMTPConfig{
		{Host: "mx", TLS: "ssl"},
		{Host: "mx", Port: 70000},
		{Host: "mx", From: "not an address"},
	} {
		if _, err := NewSMTPSender(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
	s, err := NewSMTPSender(SMTPConfig{Host: "mx", TLS: "tls"})
	if err != nil || s.cfg.Port != 465 || s.From() == "" {
		t.Fatalf("defaults: %+v %v", s, err)
	}
}
