package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// MaxAttempts is how many times the outbox tries to deliver a message
// before marking it failed. With River's backoff (attempt⁴ seconds) the
// last try comes about an hour and a half after the first.
const MaxAttempts = 8

// notConfiguredSnooze is how long a message waits before checking again
// whether SMTP has been configured.
const notConfiguredSnooze = 10 * time.Minute

// SecretMaxAge is how long a message holding a Secret may wait to be sent
// (typically because SMTP is not configured). Past it, the worker gives the
// message up instead of sending it: it is marked failed and its secrets are
// removed, since a link that old has most likely expired, and a working one
// should not sit in the database indefinitely. Messages without secrets
// keep waiting.
const SecretMaxAge = 30 * 24 * time.Hour

// ErrSecretsExpired is the last error of a message given up on because it
// waited longer than SecretMaxAge.
var ErrSecretsExpired = errors.New("not sent within 30 days: given up and its one-time links and codes removed")

// sendLease is how long a run holds a row while sending; well beyond the
// SMTP timeouts, so it only expires when the run died.
const sendLease = 10 * time.Minute

// SendArgs is the job that delivers one outbox row.
type SendArgs struct {
	OutboxID string `json:"outbox_id"`
}

// Kind is the job's stable name.
func (SendArgs) Kind() string { return "send_mail" }

// InsertOpts gives every send job MaxAttempts tries.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	o *Outbox
}

func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return w.o.deliver(ctx, job.Args.OutboxID, job.Attempt >= job.MaxAttempts)
}

func (w *sendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	if w.o.retryDelay == nil {
		return time.Time{} // River's backoff
	}
	return time.Now().Add(w.o.retryDelay(job.Attempt))
}

// configured reports whether the sender has a server to talk to.
func (o *Outbox) configured() bool {
	if o.sender == nil {
		return false
	}
	if c, ok := o.sender.(interface{ Configured() bool }); ok {
		return c.Configured()
	}
	return true
}

// from is the sender address: the sender's own when it has one.
func (o *Outbox) from() string {
	if f, ok := o.sender.(interface{ From() string }); ok && f.From() != "" {
		return f.From()
	}
	return "Garde <garde@localhost>"
}

// messageID derives the Message-ID from the outbox ID, so every retry of a
// message carries the same one.
func (o *Outbox) messageID(id string) string {
	domain := "localhost"
	if a, err := parseFrom(o.from()); err == nil {
		if at := strings.LastIndexByte(a, '@'); at >= 0 && at < len(a)-1 {
			domain = a[at+1:]
		}
	}
	return id + "@" + domain
}

// deliver sends one outbox row. A row already sent (or given up on) is left
// alone, so a job that runs twice never sends twice. A run claims the row
// by bumping its attempt counter from the value it read and holding it
// until locked_until: of two runs racing on one row only one claims it, and
// a run finding the row held waits for the holder to finish. The statement
// that marks a row sent or failed also replaces its secrets with the marker.
func (o *Outbox) deliver(ctx context.Context, id string, lastAttempt bool) error {
	var lockedUntil sql.NullTime
	var rawSecrets string
	it, err := scanItem(o.db.QueryRow(ctx, "SELECT "+itemColumns+", locked_until, secrets FROM mail_outbox WHERE id = ?", id), &lockedUntil, &rawSecrets)
	if errors.Is(err, sql.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("outbox row %s does not exist", id))
	}
	if err != nil {
		return err
	}
	secrets, err := decodeSecrets(rawSecrets)
	if err != nil {
		return fmt.Errorf("outbox row %s: %w", id, err)
	}
	if it.Status == StatusSent || it.Status == StatusFailed {
		return nil
	}
	// What the row keeps once it is done with.
	done := o.redactItem(it, secrets)
	now := time.Now().UTC()
	if lockedUntil.Valid && lockedUntil.Time.After(now) {
		// Come back when the holder is done (or has died): the row
		// is then sent, or free again.
		return river.JobSnooze(lockedUntil.Time.Sub(now) + time.Second)
	}
	if len(secrets) > 0 && now.Sub(it.CreatedAt) > SecretMaxAge {
		// The attempts guard loses to a run that claimed the row since
		// we read it; that run then sends it and redacts it.
		if _, err := o.db.Exec(ctx, `UPDATE mail_outbox SET status = ?, last_error = ?, subject = ?, body_text = ?, body_html = ?, secrets = '[]', updated_at = ?
			WHERE id = ? AND attempts = ? AND status IN (?, ?)`,
			StatusFailed, ErrSecretsExpired.Error(), done.Subject, done.BodyText, done.BodyHTML, now, id, it.Attempts, StatusQueued, StatusRetrying); err != nil {
			return err
		}
		o.log.WarnContext(ctx, "mail: given up, waited too long with one-time secrets", "outbox_id", id, "template", it.Template)
		return nil
	}
	if !o.configured() {
		// Waiting for configuration is not a failed attempt.
		if _, err := o.db.Exec(ctx, `UPDATE mail_outbox SET last_error = ?, updated_at = ? WHERE id = ? AND status IN (?, ?)`,
			ErrNotConfigured.Error(), now, id, StatusQueued, StatusRetrying); err != nil {
			return err
		}
		return river.JobSnooze(notConfiguredSnooze)
	}
	res, err := o.db.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, locked_until = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status IN (?, ?)`, now.Add(sendLease), now, id, it.Attempts, StatusQueued, StatusRetrying)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		// Another run claimed it between our read and our update.
		o.log.InfoContext(ctx, "mail: another run is delivering this message", "outbox_id", id)
		return river.JobSnooze(time.Minute)
	}

	msgID := o.messageID(id)
	sendErr := o.sender.Send(ctx, Delivery{
		From: o.from(), To: it.To, Subject: it.Subject, Text: it.BodyText, HTML: it.BodyHTML,
		MessageID: msgID, Lang: it.Lang,
	})
	// Record the outcome even if the job's context ran out meanwhile.
	rctx := context.WithoutCancel(ctx)
	now = time.Now().UTC()
	if sendErr == nil {
		if _, err := o.db.Exec(rctx, `UPDATE mail_outbox SET status = ?, sent_at = ?, message_id = ?, last_error = '', locked_until = NULL, updated_at = ?,
			subject = ?, body_text = ?, body_html = ?, secrets = '[]' WHERE id = ?`,
			StatusSent, now, msgID, now, done.Subject, done.BodyText, done.BodyHTML, id); err != nil {
			// The server has the message: retrying would send it twice.
			o.log.ErrorContext(ctx, "mail: sent but could not record it", "outbox_id", id, "err", err)
			return river.JobCancel(fmt.Errorf("sent but not recorded: %w", err))
		}
		o.log.InfoContext(ctx, "mail: sent", "outbox_id", id, "template", it.Template, "attempt", it.Attempts+1)
		return nil
	}
	if errors.Is(sendErr, ErrNotConfigured) {
		// A sender that learned it has no server: give the attempt back.
		if _, err := o.db.Exec(rctx, `UPDATE mail_outbox SET attempts = attempts - 1, last_error = ?, locked_until = NULL, updated_at = ? WHERE id = ?`,
			ErrNotConfigured.Error(), now, id); err != nil {
			return err
		}
		return river.JobSnooze(notConfiguredSnooze)
	}
	status, q := StatusRetrying, `UPDATE mail_outbox SET status = ?, last_error = ?, locked_until = NULL, updated_at = ? WHERE id = ?`
	args := []any{status, truncate(sendErr.Error(), 1000), now, id}
	if lastAttempt {
		// Given up on: nothing will send it, so its secrets go now.
		status, q = StatusFailed, `UPDATE mail_outbox SET status = ?, last_error = ?, locked_until = NULL, updated_at = ?,
			subject = ?, body_text = ?, body_html = ?, secrets = '[]' WHERE id = ?`
		args = []any{status, truncate(sendErr.Error(), 1000), now, done.Subject, done.BodyText, done.BodyHTML, id}
	}
	if _, err := o.db.Exec(rctx, q, args...); err != nil {
		o.log.ErrorContext(ctx, "mail: could not record a failed send", "outbox_id", id, "err", err)
	}
	o.log.WarnContext(ctx, "mail: send failed", "outbox_id", id, "status", status, "attempt", it.Attempts+1, "err", sendErr)
	return sendErr
}

func parseFrom(s string) (string, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
