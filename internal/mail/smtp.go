package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Delivery is one rendered email handed to a Sender.
type Delivery struct {
	From, To string
	Subject  string
	Text     string
	// HTML is the alternative HTML body; empty sends text only.
	HTML string
	// MessageID is the Message-ID without angle brackets. It stays the same
	// across retries, so a receiver can drop a duplicate.
	MessageID string
	Lang      i18n.Lang
}

// Sender delivers one email. It returns once the server has accepted it.
type Sender interface {
	Send(ctx context.Context, d Delivery) error
}

// ErrNotConfigured is returned by a Sender with no server to talk to.
var ErrNotConfigured = errors.New("SMTP not configured")

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	// Host is the server's name; empty means mail is not configured and
	// stays queued in the outbox.
	Host     string
	Port     int
	Username string
	Password string
	// TLS is "starttls" (STARTTLS required), "tls" (implicit TLS, usually
	// port 465) or "none" (plain text; authentication then only to localhost).
	TLS string
	// From is the sender address, e.g. "Privacy team <privacy@example.org>".
	From string
	// TLSConfig overrides the TLS settings (extra root certificates for a
	// private CA); nil verifies the server against the system roots.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each SMTP exchange; zero means 30s.
	Timeout time.Duration
}

// SMTPSender sends mail through one SMTP server.
type SMTPSender struct {
	cfg SMTPConfig
}

// NewSMTPSender checks the configuration and returns a sender. An empty Host
// is valid: the sender then reports itself not configured.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.TLS == "" {
		cfg.TLS = "starttls"
	}
	switch cfg.TLS {
	case "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("mail: TLS must be starttls, tls or none (got %q)", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == "tls" {
			cfg.Port = 465
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: port %d out of range", cfg.Port)
	}
	if cfg.From == "" {
		cfg.From = "Garde <garde@localhost>"
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPSender{cfg: cfg}, nil
}

// Configured reports whether a server is set; the outbox keeps mail queued
// without spending attempts while it is not.
func (s *SMTPSender) Configured() bool { return s.cfg.Host != "" }

// From returns the configured sender address.
func (s *SMTPSender) From() string { return s.cfg.From }

// Send delivers d, opening one connection per message: Garde sends little
// mail, and a fresh connection never trips over a server's idle timeout.
func (s *SMTPSender) Send(ctx context.Context, d Delivery) error {
	if !s.Configured() {
		return ErrNotConfigured
	}
	m := gomail.NewMsg()
	if err := m.From(d.From); err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	if err := m.To(d.To); err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	m.Subject(d.Subject)
	m.SetMessageIDWithValue(d.MessageID)
	m.SetDate()
	if d.Lang != "" {
		m.SetGenHeader(gomail.HeaderContentLang, string(d.Lang))
	}
	// Machine-sent: vacation responders must not answer it (RFC 3834;
	// the second header is Exchange's own).
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	m.SetBodyString(gomail.TypeTextPlain, d.Text)
	if d.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, d.HTML)
	}

	c, err := gomail.NewClient(s.cfg.Host, s.clientOptions()...)
	if err != nil {
		return fmt.Errorf("SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("SMTP %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

func (s *SMTPSender) clientOptions() []gomail.Option {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = s.cfg.Host
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tc),
	}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		// Mandatory: a server that stops offering STARTTLS (or a
		// man in the middle stripping it) must not get the password.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if s.cfg.TLS == "none" {
			// Over plain text PLAIN is only sent to a server on this
			// machine; go-mail refuses anything else.
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}
