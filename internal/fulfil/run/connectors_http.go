package run

import (
	"net"
	"net/url"
	"strings"
	"unicode"
)

// maxEndpointLen bounds an endpoint URL.
const maxEndpointLen = 2000

// checkEndpoint accepts an absolute https URL without credentials (the
// signature authenticates Garde), or http to this machine, and returns it
// without its fragment.
func checkEndpoint(raw string) (string, error) {
	if len(raw) > maxEndpointLen || strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", ErrEndpointInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", ErrEndpointInvalid
	}
	if u.User != nil {
		return "", ErrEndpointCredentials
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return "", ErrEndpointHTTPS
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Bounds of a secret an admin enters (one the business already uses).
const (
	minSecretLen = 24
	maxSecretLen = 256
)

func checkSecret(s string) error {
	if len(s) < minSecretLen || len(s) > maxSecretLen {
		return ErrSecretLength
	}
	for _, r := range s {
		if r < '!' || r > '~' {
			return ErrSecretChars
		}
	}
	return nil
}

// systemKey names an HTTP system in access packages ("web_shop" for "Web
// shop"): letters, digits and _ only, as the files of the package are
// named after it.
func systemKey(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
	}
	if b.Len() == 0 {
		return "system"
	}
	return b.String()
}
