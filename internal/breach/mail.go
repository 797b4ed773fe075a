package breach

import (
	"context"
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	gmail "github.com/garde-privacy/garde/internal/mail"
)

// Mailer stores an email in the caller's transaction; *mail.Outbox is one.
type Mailer interface {
	Enqueue(ctx context.Context, tx *db.Tx, m gmail.Message) (string, error)
}

// TemplateNotice is the email carrying a notice to a person: the text of
// the notice's draft in the person's language, as saved.
const TemplateNotice = "breach_notice"

// MaxRecipients bounds one sending; a larger group is sent in batches or
// told by a public communication.
const MaxRecipients = 10000

func init() {
	gmail.Register(TemplateNotice, func(_ *i18n.Localizer, data map[string]any) (string, string, string, error) {
		title, _ := data["Title"].(string)
		body, _ := data["Body"].(string)
		if title == "" || body == "" {
			return "", "", "", i18n.NewError("breach.error.required")
		}
		// The body starts with the title, already the subject.
		if rest, ok := strings.CutPrefix(body, title); ok {
			body = strings.TrimLeft(rest, "\n")
		}
		var b strings.Builder
		for _, para := range strings.Split(body, "\n\n") {
			if strings.TrimSpace(para) == "" {
				continue
			}
			b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>\n")
		}
		return title, body + "\n", b.String(), nil
	})
}

// Recipient is a person to email a notice to, in their language.
type Recipient struct {
	Email string
	Lang  i18n.Lang
}

// NoticeEmail is one notice emailed, with the outbox's status.
type NoticeEmail struct {
	Obligation string
	Email      string
	Language   string
	Status     string
	CreatedAt  time.Time
}

// ErrMailDisabled: the service was built without an outbox.
var ErrMailDisabled = i18n.NewError("breach.error.mail_disabled")

// SendNotices emails a notice to the persons concerned, each in their
// language, through the outbox, and records the notification (one phase)
// in the same transaction. Each language needs a saved version of the
// draft: the text a person receives is one a human has read.
func (s *Service) SendNotices(ctx context.Context, actor, id, key string, to []Recipient) (*Notification, error) {
	if s.outbox == nil {
		return nil, ErrMailDisabled
	}
	seen := map[string]bool{}
	var list []Recipient
	for _, r := range to {
		r.Email = strings.ToLower(strings.TrimSpace(r.Email))
		if r.Lang == "" {
			r.Lang = i18n.EN
		}
		a, err := mail.ParseAddress(r.Email)
		if err != nil || a.Address != r.Email || len(r.Email) > 254 || !utf8.ValidString(r.Email) {
			return nil, FieldErrors{"recipients": i18n.NewError("breach.error.recipient_invalid", map[string]any{"Email": r.Email})}
		}
		if !r.Lang.Valid() {
			return nil, FieldErrors{"recipients": ErrLanguageInvalid}
		}
		if !seen[r.Email] {
			seen[r.Email] = true
			list = append(list, r)
		}
	}
	switch {
	case len(list) == 0:
		return nil, FieldErrors{"recipients": ErrRequired}
	case len(list) > MaxRecipients:
		return nil, FieldErrors{"recipients": ErrTooLong(MaxRecipients)}
	}
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ob, err := v.obligation(key)
	if err != nil {
		return nil, err
	}
	if ob.Notice.Audience != ToPersons || !ob.Status.Owed() || ob.Status == StatusAwaitingAssessment {
		return nil, FieldErrors{"obligation": ErrNotOwed}
	}
	drafts := map[i18n.Lang]*Draft{}
	for _, r := range list {
		if drafts[r.Lang] != nil {
			continue
		}
		d, err := s.draftOf(v, key, r.Lang)
		if err != nil {
			return nil, err
		}
		if d.Version == 0 {
			return nil, FieldErrors{"recipients": i18n.NewError("breach.error.draft_unsaved", map[string]any{"Lang": string(r.Lang)})}
		}
		drafts[r.Lang] = d
	}
	now := s.Now()
	n := &Notification{ID: newID(), IncidentID: v.Incident.ID, Obligation: key, Phase: len(ob.Sent) + 1, SentAt: now.Truncate(time.Second),
		RecordedBy: actor, RecordedAt: now}
	_, err = s.change(ctx, actor, v.Incident.ID, func(tx *db.Tx, inc *Incident) (*Event, map[string]any, error) {
		langs := map[string]any{}
		for _, r := range list {
			d := drafts[r.Lang]
			oid, err := s.outbox.Enqueue(ctx, tx, gmail.Message{To: r.Email, Lang: r.Lang, Template: TemplateNotice,
				Data: map[string]any{"Title": d.Title, "Body": d.Body}})
			if err != nil {
				return nil, nil, err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO breach_notice_emails(id, breach_id, obligation, outbox_id, email, language, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, newID(), inc.ID, key, oid, r.Email, string(r.Lang), now); err != nil {
				return nil, nil, fmt.Errorf("breach: notice email: %w", err)
			}
			langs[string(r.Lang)] = fmt.Sprint(drafts[r.Lang].Version)
		}
		if err := s.store.InsertNotification(ctx, tx, n); err != nil {
			return nil, nil, err
		}
		data := map[string]any{"obligation": key, "phase": n.Phase, "sent_at": n.SentAt.Format(time.RFC3339),
			"emails": len(list), "draft_versions": langs}
		return &Event{Kind: EventNotified, Data: data}, map[string]any{"obligation": key, "emails": len(list)}, nil
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// NoticeEmails lists the notices emailed for an incident with where each
// stands in the outbox.
func (s *Service) NoticeEmails(ctx context.Context, id string) ([]NoticeEmail, error) {
	id, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT e.obligation, e.email, e.language, COALESCE(m.status, ''), e.created_at
		FROM breach_notice_emails e LEFT JOIN mail_outbox m ON m.id = e.outbox_id
		WHERE e.breach_id = ? ORDER BY e.created_at, e.email`, id)
	if err != nil {
		return nil, fmt.Errorf("breach: notice emails: %w", err)
	}
	defer rows.Close()
	var out []NoticeEmail
	for rows.Next() {
		var e NoticeEmail
		if err := rows.Scan(&e.Obligation, &e.Email, &e.Language, &e.Status, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("breach: notice emails: %w", err)
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
