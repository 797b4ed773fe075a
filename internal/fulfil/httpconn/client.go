package httpconn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/signature"
)

// Defaults of a Client.
const (
	DefaultTimeout = 60 * time.Second
	// DefaultMaxAnswer bounds an answer: the records of one person.
	DefaultMaxAnswer = 64 << 20
	// SecretPrefix starts the secrets Garde makes, so people recognise one.
	SecretPrefix = "gfsec_"
	// Tolerance is how far a call's timestamp may be from the receiver's
	// clock before Verify refuses it as a replay.
	Tolerance = 5 * time.Minute
	userAgent = "Garde-Fulfil/1"
)

// NewSecret makes a signing secret for an endpoint.
func NewSecret() (string, error) { return signature.NewSecret(SecretPrefix) }

// Sign is the Garde-Signature value of body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string { return signature.Sign(secret, ts, body) }

// Verify checks a call as a receiver does: the signature over the raw body
// and a timestamp within Tolerance of now.
func Verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	return signature.Verify(secret, h, body, now, Tolerance)
}

// Error is a call that did not give a usable answer. Permanent errors are
// refusals (4xx) that calling again cannot change.
type Error struct {
	Permanent bool
	Status    int // the HTTP status, 0 when none came
	Msg       string
}

func (e *Error) Error() string { return e.Msg }

// Client sends calls.
type Client struct {
	HTTP      *http.Client  // http.DefaultClient's transport when nil; redirects are never followed
	Timeout   time.Duration // DefaultTimeout when 0
	MaxAnswer int64         // DefaultMaxAnswer when 0
	Now       func() time.Time
}

func (c *Client) httpClient() *http.Client {
	base := c.HTTP
	if base == nil {
		base = &http.Client{}
	}
	cl := *base
	// A redirect would send the person's identities to another address.
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cl
}

// Do posts the call to endpoint, signed with secret, and returns the
// checked answer. Every failure is an *Error.
func (c *Client) Do(ctx context.Context, endpoint string, secret []byte, call Call) (*Answer, error) {
	if !call.Action.Valid() {
		return nil, &Error{Permanent: true, Msg: fmt.Sprintf("unknown action %q", call.Action)}
	}
	body, err := json.Marshal(call)
	if err != nil {
		return nil, &Error{Permanent: true, Msg: err.Error()}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	limit := c.MaxAnswer
	if limit <= 0 {
		limit = DefaultMaxAnswer
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Permanent: true, Msg: "bad endpoint URL: " + err.Error()}
	}
	ts := now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Garde-Event", "fulfil."+string(call.Action))
	req.Header.Set("Garde-Delivery", call.ID)
	req.Header.Set("Garde-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("Garde-Signature", Sign(secret, ts, body))
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, &Error{Msg: transportError(err, timeout)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &Error{Status: resp.StatusCode, Msg: "the answer broke off: " + transportError(err, timeout)}
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests:
		return nil, &Error{Status: resp.StatusCode, Msg: "the endpoint answered " + resp.Status + excerpt(data)}
	case resp.StatusCode >= 300 && resp.StatusCode < 500:
		msg := "the endpoint refused the call: " + resp.Status + excerpt(data)
		if resp.StatusCode < 400 {
			msg = "the endpoint answered " + resp.Status + ": redirects are not followed, give the final URL"
		}
		return nil, &Error{Permanent: true, Status: resp.StatusCode, Msg: msg}
	default:
		return nil, &Error{Status: resp.StatusCode, Msg: "the endpoint failed: " + resp.Status + excerpt(data)}
	}
	if int64(len(data)) > limit {
		return nil, &Error{Status: resp.StatusCode, Msg: fmt.Sprintf("the answer is larger than %d MB", limit>>20)}
	}
	a, err := parseAnswer(call.Action, data)
	if err != nil {
		return nil, &Error{Status: resp.StatusCode, Msg: err.Error()}
	}
	return a, nil
}

// excerpt quotes the start of an error answer, which often says why.
func excerpt(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return " (" + strings.Join(strings.Fields(s), " ") + ")"
}

// transportError says why no answer came, without Go's wrapping that
// repeats the URL.
func transportError(err error, timeout time.Duration) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	msg := err.Error()
	if i := strings.Index(msg, "\": "); i >= 0 && strings.HasPrefix(msg, "Post \"") {
		msg = msg[i+3:]
	}
	return msg
}
