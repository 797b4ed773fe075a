// Package config resolves Garde's settings from defaults, an optional YAML
// file, GARDE_* environment variables and command-line flags, in that order
// of precedence (a flag wins). Every option is declared once, in the table
// below, with its parser; an unknown key or a bad value names where it came
// from.
package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the resolved configuration.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string
	BaseURL         string
	LogFormat       string
	LogLevel        string
	DefaultLanguage string
	SecureCookies   string // auto, true, false
	SessionTTL      time.Duration
	JobWorkers      int

	RulesDir string

	Organization           string
	Establishment          string
	TimeZone               string
	RequestTargetDays      int
	RequestRetentionMonths int
	FallbackRegion         string

	// PublicRateLimit is how many requests the privacy centre accepts
	// from one client address in 10 minutes.
	PublicRateLimit int
	// ConsentRateLimit is how many consent choices the banner's ledger
	// endpoint accepts from one client address in ConsentRateWindow.
	ConsentRateLimit  int
	ConsentRateWindow time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; empty believes none.
	TrustedProxies []netip.Prefix

	// SecretKey is base64 key text: the current key, then older ones,
	// comma-separated (see the secrets package).
	SecretKey string

	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPTLS      string // starttls, tls, none
	SMTPFrom     string

	// Sources says where each option's value came from (key → source).
	Sources map[string]string
}

// Option declares one setting: its YAML key, the flag and environment
// variable derived from it, its default, its help and its parser.
type Option struct {
	Key     string
	Default string
	Help    string
	Secret  bool
	// EnvName overrides the derived environment variable name.
	EnvName string
	set     func(c *Config, v string) error
}

// Flag is the command-line flag of the option.
func (o Option) Flag() string { return strings.ReplaceAll(o.Key, "_", "-") }

// Env is the environment variable of the option.
func (o Option) Env() string {
	if o.EnvName != "" {
		return o.EnvName
	}
	return "GARDE_" + strings.ToUpper(o.Key)
}

// Options lists every setting Garde understands.
var Options = []Option{
	{Key: "addr", Default: "127.0.0.1:8080", Help: "address the HTTP server listens on", set: func(c *Config, v string) error {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("must be host:port, e.g. 127.0.0.1:8080")
		}
		c.Addr = v
		return nil
	}},
	{Key: "data", Default: "./garde-data", Help: "directory holding the SQLite database and files", set: func(c *Config, v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("must not be empty")
		}
		c.DataDir = v
		return nil
	}},
	{Key: "database", EnvName: "GARDE_DATABASE_URL", Default: "", Help: "postgres://… to use PostgreSQL; empty for the embedded SQLite in the data directory", Secret: true, set: func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") && !strings.HasPrefix(v, "sqlite://") {
			return fmt.Errorf("must start with postgres:// or sqlite://")
		}
		c.DatabaseURL = v
		return nil
	}},
	{Key: "base_url", Default: "", Help: "public URL of Garde, used in links sent by email (default http://ADDR)", set: func(c *Config, v string) error {
		if v == "" {
			c.BaseURL = ""
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an absolute http(s) URL, e.g. https://privacy.example.com")
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{Key: "log_format", Default: "text", Help: "log format: text or json", set: oneOf(func(c *Config) *string { return &c.LogFormat }, "text", "json")},
	{Key: "log_level", Default: "info", Help: "log level: debug, info, warn or error", set: oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error")},
	{Key: "default_language", Default: "en", Help: "language used when the browser asks for none we have: en, fr or nl", set: oneOf(func(c *Config) *string { return &c.DefaultLanguage }, "en", "fr", "nl")},
	{Key: "secure_cookies", Default: "auto", Help: "mark cookies Secure: auto (when base_url is https), true or false", set: oneOf(func(c *Config) *string { return &c.SecureCookies }, "auto", "true", "false")},
	{Key: "session_ttl", Default: "12h", Help: "how long a back-office session lasts without activity", set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			return fmt.Errorf("must be a duration between 1m and 720h, e.g. 12h")
		}
		c.SessionTTL = d
		return nil
	}},
	{Key: "job_workers", Default: "4", Help: "background jobs run at once by this instance", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return fmt.Errorf("must be a whole number between 1 and 1000")
		}
		c.JobWorkers = n
		return nil
	}},
	{Key: "organization", Default: "", Help: "the business's name, shown on the privacy centre and in emails", set: func(c *Config, v string) error {
		if len(v) > 200 {
			return fmt.Errorf("must be at most 200 characters")
		}
		c.Organization = strings.TrimSpace(v)
		return nil
	}},
	{Key: "establishment", Default: "", Help: "ISO 3166 code of where the business is established (e.g. FR, CA-QC): picks the public holidays that move deadlines", set: func(c *Config, v string) error {
		if v != "" && !regionCode.MatchString(strings.ToUpper(v)) {
			return fmt.Errorf("must be an ISO 3166 country or subdivision code, e.g. FR or CA-QC")
		}
		c.Establishment = strings.ToUpper(v)
		return nil
	}},
	{Key: "timezone", Default: "UTC", Help: "IANA time zone of the business: the day a request is received is the date there", set: func(c *Config, v string) error {
		if _, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
			return fmt.Errorf("must be an IANA time zone name, e.g. Europe/Paris or America/Montreal")
		}
		c.TimeZone = v
		return nil
	}},
	{Key: "request_target_days", Default: "0", Help: "internal target to answer requests, in calendar days after receipt (0: none); the due date shown is the earlier of this and the legal date", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 365 {
			return fmt.Errorf("must be a whole number of days between 0 and 365")
		}
		c.RequestTargetDays = n
		return nil
	}},
	{Key: "request_retention_months", Default: "24", Help: "months after closure before a request's personal data is purged (statistics are kept)", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 120 {
			return fmt.Errorf("must be a whole number of months between 1 and 120")
		}
		c.RequestRetentionMonths = n
		return nil
	}},
	{Key: "fallback_region", Default: "", Help: "region whose law applies to people from regions no law is known for (e.g. FR to treat everyone under the GDPR); empty refuses such requests", set: func(c *Config, v string) error {
		if v != "" && !regionCode.MatchString(strings.ToUpper(v)) {
			return fmt.Errorf("must be an ISO 3166 country or subdivision code, e.g. FR")
		}
		c.FallbackRegion = strings.ToUpper(v)
		return nil
	}},
	{Key: "public_rate_limit", Default: "5", Help: "requests the privacy centre accepts from one client address in 10 minutes (other forms of the centre are allowed six times as many posts)", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return fmt.Errorf("must be a whole number between 1 and 1000000")
		}
		c.PublicRateLimit = n
		return nil
	}},
	{Key: "consent_rate_limit", Default: "30", Help: "consent choices the banner's endpoint accepts from one client address in each consent_rate_window", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return fmt.Errorf("must be a whole number between 1 and 1000000")
		}
		c.ConsentRateLimit = n
		return nil
	}},
	{Key: "consent_rate_window", Default: "10m", Help: "the period over which consent_rate_limit counts one address's choices", set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			return fmt.Errorf("must be a duration between 1s and 24h, e.g. 10m")
		}
		c.ConsentRateWindow = d
		return nil
	}},
	{Key: "trusted_proxies", Default: "", Help: "comma-separated addresses or CIDR ranges of reverse proxies in front of Garde; from them the client address is read in X-Forwarded-For, which is ignored otherwise", set: func(c *Config, v string) error {
		ps, err := parseProxies(v)
		if err != nil {
			return err
		}
		c.TrustedProxies = ps
		return nil
	}},
	{Key: "rules_dir", Default: "", Help: "directory of YAML files replacing or adding laws and holiday calendars", set: func(c *Config, v string) error {
		if v != "" {
			if st, err := os.Stat(v); err != nil || !st.IsDir() {
				return fmt.Errorf("must be an existing directory")
			}
		}
		c.RulesDir = v
		return nil
	}},
	{Key: "secret_key", Default: "", Help: "base64 of 32 random bytes that encrypt the secrets Garde stores; older keys may follow, comma-separated, to keep opening what they sealed (default: the file secret.key in the data directory, created on first start)", Secret: true, set: func(c *Config, v string) error {
		if err := checkSecretKeys(v); err != nil {
			return err
		}
		c.SecretKey = strings.TrimSpace(v)
		return nil
	}},
	{Key: "smtp_host", Default: "", Help: "SMTP server for outgoing mail; empty keeps mail queued in the outbox", set: func(c *Config, v string) error {
		c.SMTPHost = v
		return nil
	}},
	{Key: "smtp_port", Default: "587", Help: "SMTP port", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("must be a port number between 1 and 65535")
		}
		c.SMTPPort = n
		return nil
	}},
	{Key: "smtp_username", Default: "", Help: "SMTP user name (authentication is used when set)", set: func(c *Config, v string) error {
		c.SMTPUsername = v
		return nil
	}},
	{Key: "smtp_password", Default: "", Help: "SMTP password", Secret: true, set: func(c *Config, v string) error {
		c.SMTPPassword = v
		return nil
	}},
	{Key: "smtp_tls", Default: "starttls", Help: "SMTP transport security: starttls, tls or none", set: oneOf(func(c *Config) *string { return &c.SMTPTLS }, "starttls", "tls", "none")},
	{Key: "smtp_from", Default: "Garde <garde@localhost>", Help: "sender address of Garde's emails", set: func(c *Config, v string) error {
		if _, err := mail.ParseAddress(v); err != nil {
			return fmt.Errorf("must be an email address, e.g. Privacy <privacy@example.com>")
		}
		c.SMTPFrom = v
		return nil
	}},
}

// parseProxies reads a comma-separated list of CIDR ranges; a bare address
// is a range of one.
func parseProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR range; want e.g. 10.0.0.0/8, 192.0.2.1, fd00::/8", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

var regionCode = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

func oneOf(field func(*Config) *string, allowed ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		for _, a := range allowed {
			if v == a {
				*field(c) = v
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
	}
}

// SecureCookie reports whether cookies get the Secure attribute.
func (c *Config) SecureCookie() bool {
	switch c.SecureCookies {
	case "true":
		return true
	case "false":
		return false
	}
	return strings.HasPrefix(c.PublicURL(), "https://")
}

// PublicURL is base_url, or http://addr when it is not set.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}

// Value returns the resolved value of an option as text.
func (c *Config) Value(key string) string {
	switch key {
	case "addr":
		return c.Addr
	case "data":
		return c.DataDir
	case "database":
		return c.DatabaseURL
	case "base_url":
		return c.BaseURL
	case "log_format":
		return c.LogFormat
	case "log_level":
		return c.LogLevel
	case "default_language":
		return c.DefaultLanguage
	case "secure_cookies":
		return c.SecureCookies
	case "session_ttl":
		return c.SessionTTL.String()
	case "job_workers":
		return strconv.Itoa(c.JobWorkers)
	case "organization":
		return c.Organization
	case "establishment":
		return c.Establishment
	case "timezone":
		return c.TimeZone
	case "request_target_days":
		return strconv.Itoa(c.RequestTargetDays)
	case "request_retention_months":
		return strconv.Itoa(c.RequestRetentionMonths)
	case "fallback_region":
		return c.FallbackRegion
	case "public_rate_limit":
		return strconv.Itoa(c.PublicRateLimit)
	case "consent_rate_limit":
		return strconv.Itoa(c.ConsentRateLimit)
	case "consent_rate_window":
		return c.ConsentRateWindow.String()
	case "trusted_proxies":
		ps := make([]string, len(c.TrustedProxies))
		for i, p := range c.TrustedProxies {
			ps[i] = p.String()
		}
		return strings.Join(ps, ",")
	case "rules_dir":
		return c.RulesDir
	case "secret_key":
		return c.SecretKey
	case "smtp_host":
		return c.SMTPHost
	case "smtp_port":
		return strconv.Itoa(c.SMTPPort)
	case "smtp_username":
		return c.SMTPUsername
	case "smtp_password":
		return c.SMTPPassword
	case "smtp_tls":
		return c.SMTPTLS
	case "smtp_from":
		return c.SMTPFrom
	}
	return ""
}
