// Package mail sends Garde's emails through an outbox: a message is
// rendered and stored in the transaction of the change that causes it,
// together with the job that sends it, then delivered over SMTP by that job
// with retries. The stored subject and bodies are the record of what was sent;
// one-time secrets in them (values given as Secret) are replaced by a marker
// once the message is sent or given up on.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
)

// Outbox statuses.
const (
	StatusQueued   = "queued"
	StatusSent     = "sent"
	StatusRetrying = "retrying"
	StatusFailed   = "failed"
)

// Statuses lists every status, in the order the back office shows them.
var Statuses = []string{StatusQueued, StatusRetrying, StatusSent, StatusFailed}

// Message is an email to enqueue.
type Message struct {
	// To is a bare address (no display name).
	To string
	// Lang is the recipient's language; empty means English.
	Lang i18n.Lang
	// Template is a registered template name.
	Template string
	// Data fills the template. Put links and codes that must not stay
	// readable in the database as Secret values.
	Data map[string]any
}

// Outbox stores outgoing mail and sends it in the background.
type Outbox struct {
	db     *db.DB
	q      *jobs.Queue
	cat    *i18n.Catalog
	sender Sender
	log    *slog.Logger
	org    atomic.Pointer[string]
	// retryDelay replaces River's backoff when set (tests shorten it).
	retryDelay func(attempt int) time.Duration
}

// NewOutbox returns the outbox and registers its sending worker on q, which
// must not be built yet. A nil sender, or one whose Configured method says
// false, keeps mail queued until a server is configured.
func NewOutbox(d *db.DB, q *jobs.Queue, cat *i18n.Catalog, sender Sender, log *slog.Logger) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	o := &Outbox{db: d, q: q, cat: cat, sender: sender, log: log}
	jobs.Register(q, &sendWorker{o: o})
	return o
}

// SetOrganization sets the organisation named in the footer of mail
// rendered from now on.
func (o *Outbox) SetOrganization(name string) {
	name = strings.TrimSpace(name)
	o.org.Store(&name)
}

func (o *Outbox) organization() string {
	if p := o.org.Load(); p != nil {
		return *p
	}
	return ""
}

// Enqueue renders m and stores it with its sending job in the caller's
// transaction: if the transaction rolls back, nothing is sent. It returns the
// outbox ID. Bad input is an *i18n.Error.
func (o *Outbox) Enqueue(ctx context.Context, tx *db.Tx, m Message) (string, error) {
	to, err := checkAddress(m.To)
	if err != nil {
		return "", err
	}
	lang := m.Lang
	if lang == "" {
		lang = i18n.EN
	}
	if !lang.Valid() {
		return "", i18n.NewError("mail.error.invalid_language", map[string]any{"Lang": string(lang)})
	}
	r, err := Render(o.cat, lang, m.Template, m.Data, o.organization())
	if err != nil {
		return "", err
	}
	// The bodies keep the secrets until the worker has sent them; the
	// list says what to remove then.
	secrets, err := encodeSecrets(collectSecrets(m.Data))
	if err != nil {
		return "", fmt.Errorf("mail: secrets: %w", err)
	}
	id := uuid.Must(uuid.NewV7()).String()
	now := time.Now().UTC()
	if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox(id, to_addr, locale, template, subject, body_text, body_html, secrets, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, to, string(lang), m.Template, r.Subject, r.Text, r.HTML, secrets, StatusQueued, now, now); err != nil {
		return "", fmt.Errorf("mail: store: %w", err)
	}
	if _, err := o.q.InsertTx(ctx, tx, SendArgs{OutboxID: id}, nil); err != nil {
		return "", fmt.Errorf("mail: enqueue: %w", err)
	}
	return id, nil
}

// EnqueueNow is Enqueue in a transaction of its own.
func (o *Outbox) EnqueueNow(ctx context.Context, m Message) (string, error) {
	var id string
	err := o.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = o.Enqueue(ctx, tx, m)
		return err
	})
	return id, err
}

// maxAddressLen is the longest address SMTP can carry (RFC 5321's path
// limit of 256 minus the angle brackets).
const maxAddressLen = 254

// checkAddress accepts a bare address such as jo@example.org: a display
// name or anything around the address is refused, since the stored address
// must be exactly where the mail goes.
func checkAddress(s string) (string, error) {
	bad := i18n.NewError("mail.error.invalid_address", map[string]any{"Address": s})
	if s == "" || len(s) > maxAddressLen || strings.ContainsAny(s, "\r\n") {
		return "", bad
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", bad
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", bad
	}
	return s, nil
}
