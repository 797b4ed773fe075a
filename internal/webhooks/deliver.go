package webhooks

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/signature"

	"github.com/riverqueue/river"

	"github.com/garde-privacy/garde/internal/jobs"
)

// MaxAttempts is how many times a delivery is tried before it is given up
// on. With the backoff (attempt⁴ seconds) the last try comes about four
// hours and a quarter after the first.
const MaxAttempts = 10

// lease is how long a run holds a delivery while sending: well beyond
// RequestTimeout, so it only expires when the run died.
const lease = 2 * time.Minute

// userAgent names Garde to receivers.
const userAgent = "Garde-Webhooks/1"

// DeliverArgs is the job that sends one delivery.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind is the job's stable name.
func (DeliverArgs) Kind() string { return "deliver_webhook" }

// InsertOpts gives every delivery MaxAttempts tries.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func registerWorker(s *Service) { jobs.Register(s.queue, &deliverWorker{s: s}) }

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.deliver(ctx, job.Args.DeliveryID, job.Attempt, job.Attempt >= job.MaxAttempts)
}

// NextRetry follows the schedule the page shows.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.s.retryDelay(job.Attempt))
}

// Timeout leaves room for the request and the bookkeeping around it.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return RequestTimeout + 30*time.Second
}

// deliver sends one delivery. A delivery already delivered or given up on
// is left alone, so a job that runs twice never sends twice. A run claims
// the row by bumping its attempt counter from the value it read and holding
// it until locked_until; a run finding it held waits for the holder.
func (s *Service) deliver(ctx context.Context, id string, attempt int, last bool) error {
	var d Delivery
	var url, sealed string
	var active bool
	var lockedUntil sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT d.endpoint_id, d.event, d.payload, d.status, d.attempts, d.locked_until, e.url, e.secret, e.active
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`, id).
		Scan(&d.EndpointID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &lockedUntil, &url, &sealed, &active)
	if errors.Is(err, sql.ErrNoRows) {
		// The endpoint was deleted, and its deliveries with it.
		return river.JobCancel(fmt.Errorf("webhook delivery %s does not exist", id))
	}
	if err != nil {
		return err
	}
	if d.Status == StatusDelivered || d.Status == StatusFailed {
		return nil
	}
	now := s.clock()
	if !active {
		_, err := s.db.Exec(ctx, `UPDATE webhook_deliveries SET status = ?, last_error = ?, next_attempt_at = NULL, updated_at = ?
			WHERE id = ? AND status IN (?, ?)`, StatusFailed, "endpoint switched off: not sent", now, id, StatusPending, StatusRetrying)
		return err
	}
	if lockedUntil.Valid && lockedUntil.Time.After(now) {
		return river.JobSnooze(lockedUntil.Time.Sub(now) + time.Second)
	}
	res, err := s.db.Exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, locked_until = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status IN (?, ?)`, now.Add(lease), now, id, d.Attempts, StatusPending, StatusRetrying)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		s.log.InfoContext(ctx, "webhooks: another run is sending this delivery", "delivery_id", id)
		return river.JobSnooze(time.Minute)
	}

	code, sendErr := s.post(ctx, id, url, sealed, &d)
	// Record the outcome even if the job's context ran out meanwhile.
	rctx := context.WithoutCancel(ctx)
	now = s.clock()
	if sendErr == nil {
		if _, err := s.db.Exec(rctx, `UPDATE webhook_deliveries SET status = ?, last_status_code = ?, last_error = '', next_attempt_at = NULL,
			locked_until = NULL, delivered_at = ?, updated_at = ? WHERE id = ?`, StatusDelivered, code, now, now, id); err != nil {
			// The receiver has it: retrying would send it twice.
			s.log.ErrorContext(ctx, "webhooks: delivered but could not record it", "delivery_id", id, "err", err)
			return river.JobCancel(fmt.Errorf("delivered but not recorded: %w", err))
		}
		s.log.InfoContext(ctx, "webhooks: delivered", "delivery_id", id, "event", d.Event, "status_code", code, "attempt", d.Attempts+1)
		return nil
	}
	status := StatusRetrying
	var next any = now.Add(s.retryDelay(attempt))
	if last {
		status, next = StatusFailed, nil
	}
	if _, err := s.db.Exec(rctx, `UPDATE webhook_deliveries SET status = ?, last_status_code = ?, last_error = ?, next_attempt_at = ?,
		locked_until = NULL, updated_at = ? WHERE id = ?`, status, code, truncate(sendErr.Error(), 500), next, now, id); err != nil {
		s.log.ErrorContext(ctx, "webhooks: could not record a failed delivery", "delivery_id", id, "err", err)
	}
	s.log.WarnContext(ctx, "webhooks: delivery failed", "delivery_id", id, "event", d.Event, "status", status, "attempt", d.Attempts+1, "err", sendErr)
	return sendErr
}

// post sends the delivery once and returns the status code received (0
// when none) and why it did not count as delivered.
func (s *Service) post(ctx context.Context, id, url, sealed string, d *Delivery) (int, error) {
	secret, err := s.box.Open(sealed, secretContext(d.EndpointID))
	if err != nil {
		return 0, fmt.Errorf("the signing secret cannot be opened: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("bad endpoint URL: %w", err)
	}
	ts := s.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Garde-Event", d.Event)
	req.Header.Set("Garde-Delivery", id)
	req.Header.Set("Garde-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("Garde-Signature", signature.Sign(secret, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, errors.New(describeTransportError(err))
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; the content is not kept.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Errorf("the receiver answered %s to %q: redirects are not followed, give the final URL", resp.Status, truncate(resp.Header.Get("Location"), 200))
	default:
		return resp.StatusCode, fmt.Errorf("the receiver answered %s", resp.Status)
	}
}

// describeTransportError says why no answer came, without Go's wrapping
// ("Post \"https://…\": …") that repeats the URL.
func describeTransportError(err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Sprintf("no answer within %s", RequestTimeout)
	}
	msg := err.Error()
	if i := strings.Index(msg, "\": "); i >= 0 && strings.HasPrefix(msg, "Post \"") {
		msg = msg[i+3:]
	}
	return msg
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
