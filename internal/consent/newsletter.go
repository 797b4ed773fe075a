package consent

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
)

// Newsletter re-permission (seed 002): subscribers added before the law,
// or by someone other than themselves, are asked to confirm; those who do
// not are archived at the deadline and can only come back by their own
// action.

// Newsletter is the purpose of the newsletter's consent.
const Newsletter Purpose = "newsletter"

// How a subscriber was added, as the imported list says.
const (
	AddedActive  = "active"  // they asked for it themselves
	AddedPassive = "passive" // someone else added them (a checkout box ticked for them…)
	AddedUnknown = "unknown"
)

// Subscriber statuses.
const (
	SubSubscribed = "subscribed" // opted in: nothing to ask
	SubToAsk      = "to_ask"
	SubAsked      = "asked"
	SubConfirmed  = "confirmed"
	SubArchived   = "archived"
)

// SubStatuses lists the statuses in the campaign's order.
var SubStatuses = []string{SubSubscribed, SubToAsk, SubAsked, SubConfirmed, SubArchived}

// TemplateRepermission asks a subscriber to confirm. Data: Name,
// ConfirmURL (Secret), Deadline (time.Time).
const TemplateRepermission = "newsletter_repermission"

// PathNewsletterConfirm is the privacy centre page of the confirm link.
const PathNewsletterConfirm = "/privacy/newsletter/confirm"

// Re-permission defaults.
const (
	DefaultRepermissionDays = 30
	// RepermissionPerHour caps the emails of a campaign per hour, so a
	// large list does not get the business's mail server flagged.
	RepermissionPerHour = 200
	MaxImportBytes      = 5 << 20
	maxImportErrors     = 100
)

func init() {
	mail.Register(TemplateRepermission, mail.Spec{
		Subject:    "consent.mail.repermission.subject",
		Paragraphs: []string{"consent.mail.repermission.greeting", "consent.mail.repermission.body"},
		Action:     &mail.Action{Label: "consent.mail.repermission.action", URLKey: "ConfirmURL"},
		Closing:    []string{"consent.mail.repermission.deadline"},
		Required:   []string{"ConfirmURL", "Deadline"},
		Secrets:    []string{"ConfirmURL"},
	}.Render)
}

// Errors of the campaign.
var (
	ErrImportHeader  = i18n.NewError("consent.error.import_header")
	ErrLinkInvalid   = i18n.NewError("consent.error.link_invalid")
	ErrNoOutbox      = i18n.NewError("consent.error.no_outbox")
	ErrHowAdded      = i18n.NewError("consent.error.how_added_invalid")
	ErrSubscribedAt  = i18n.NewError("consent.error.subscribed_at_invalid")
	ErrImportTooLong = i18n.NewError("consent.error.import_too_long", map[string]any{"Max": MaxImportBytes})
	// ErrLineUnreadable is a line that is not CSV (a stray or unclosed quote).
	ErrLineUnreadable = i18n.NewError("newsletter.error.line_unreadable")
)

// LineError is a refused line of an import.
type LineError struct {
	Line int
	Err  *i18n.Error
}

// ImportResult counts what an import did.
type ImportResult struct {
	Rows       int         // lines read, header excluded
	Subscribed int         // active: kept as they are, with their consent recorded
	ToAsk      int         // passive or unknown: to ask
	Skipped    int         // already known (archived ones never come back by import)
	Refused    int         // bad lines
	Errors     []LineError // the first bad lines, with why
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// ImportSubscribers reads a CSV list (email, name, subscribed_at,
// how_added, with that header) and classifies each subscriber. Bad lines
// are reported and skipped; the others are imported in one transaction.
func (s *Service) ImportSubscribers(ctx context.Context, actor string, r io.Reader) (*ImportResult, error) {
	return s.importSubscribers(ctx, actor, r, false)
}

// ImportSubscribersStrict is ImportSubscribers for a person fixing a file:
// when any line is refused nothing is written, and the result lists why.
func (s *Service) ImportSubscribersStrict(ctx context.Context, actor string, r io.Reader) (*ImportResult, error) {
	return s.importSubscribers(ctx, actor, r, true)
}

// subscriberLine is a good line of an imported list.
type subscriberLine struct {
	email, name, how string
	at               *time.Time
}

// readSubscribers parses and checks a list; it writes nothing.
func readSubscribers(r io.Reader, now time.Time) ([]subscriberLine, *ImportResult, error) {
	// One byte more than allowed tells a file that is too long from one
	// that is exactly at the limit.
	lr := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	// Spreadsheets set to French or Dutch save CSV with semicolons: the
	// header line says which separator the file uses.
	br := bufio.NewReader(lr)
	first, _ := br.ReadString('\n')
	cr := csv.NewReader(io.MultiReader(strings.NewReader(first), br))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil || len(head) < 4 || !slicesEqualFold(head[:4], []string{"email", "name", "subscribed_at", "how_added"}) {
		if lr.N == 0 {
			return nil, nil, ErrImportTooLong
		}
		return nil, nil, ErrImportHeader
	}
	res := &ImportResult{}
	var rows []subscriberLine
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		res.Rows++
		var line int
		fail := func(e *i18n.Error) {
			res.Refused++
			if len(res.Errors) < maxImportErrors {
				res.Errors = append(res.Errors, LineError{Line: line, Err: e})
			}
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, nil, err
			}
			// The reader has moved past the broken record: the next one
			// is read as usual.
			line = pe.StartLine
			fail(ErrLineUnreadable)
			continue
		}
		line, _ = cr.FieldPos(0)
		for len(rec) < 4 {
			rec = append(rec, "")
		}
		email, ok := normalEmail(rec[0])
		if !ok {
			fail(ErrEmailInvalid)
			continue
		}
		how := strings.ToLower(strings.TrimSpace(rec[3]))
		if how == "" {
			how = AddedUnknown
		}
		if how != AddedActive && how != AddedPassive && how != AddedUnknown {
			fail(ErrHowAdded)
			continue
		}
		var at *time.Time
		if v := strings.TrimSpace(rec[2]); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t, err = time.Parse(time.DateOnly, v)
			}
			if err != nil || t.After(now) {
				fail(ErrSubscribedAt)
				continue
			}
			t = t.UTC()
			at = &t
		}
		if seen[email] {
			res.Skipped++
			continue
		}
		seen[email] = true
		rows = append(rows, subscriberLine{email, truncate(strings.TrimSpace(rec[1]), 200), how, at})
	}
	if lr.N == 0 {
		// The end of the file was cut off: its last line cannot be trusted.
		return nil, nil, ErrImportTooLong
	}
	return rows, res, nil
}

func (s *Service) importSubscribers(ctx context.Context, actor string, r io.Reader, strict bool) (*ImportResult, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	rows, res, err := readSubscribers(r, now)
	if err != nil {
		return nil, err
	}
	if strict && res.Refused > 0 {
		return res, nil
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range rows {
			var exists int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM consent_subscribers WHERE email = ?", r.email).Scan(&exists); err != nil {
				return err
			}
			if exists > 0 {
				res.Skipped++
				continue
			}
			status := SubToAsk
			if r.how == AddedActive {
				status = SubSubscribed
			}
			if _, err := tx.Exec(ctx, `INSERT INTO consent_subscribers(id, email, name, subscribed_at, how_added, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID(), r.email, r.name, r.at, r.how, status, now, now); err != nil {
				return err
			}
			if status == SubToAsk {
				res.ToAsk++
				continue
			}
			res.Subscribed++
			// Their own opt-in, on the list's word: recorded as of when
			// they subscribed, so proof and state say so.
			given := now
			if r.at != nil && r.at.After(now.Add(-maxPastGiven*time.Hour)) {
				given = r.at.Truncate(time.Microsecond)
			}
			e := &Event{ID: newID(), SubjectID: r.email, Kind: KindChoice, Granted: []Purpose{Newsletter}, Method: Express,
				Source: SourceImport, Actor: actor, GivenAt: given, RecordedAt: now}
			if err := s.store.InsertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		_, err := s.audit.Record(ctx, tx, actor, "consent.subscribers_imported", "consent_subscribers", map[string]any{
			"rows": res.Rows, "subscribed": res.Subscribed, "to_ask": res.ToAsk, "skipped": res.Skipped, "errors": res.Refused})
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func slicesEqualFold(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(a[i], "\ufeff")), b[i]) {
			return false
		}
	}
	return true
}

// SendRepermission emails up to limit subscribers still to ask, through
// the outbox, in lang, and never more than RepermissionPerHour in an hour.
// It returns how many were queued.
func (s *Service) SendRepermission(ctx context.Context, actor string, lang i18n.Lang, limit int) (int, error) {
	if s.outbox == nil {
		return 0, ErrNoOutbox
	}
	if !lang.Valid() {
		lang = i18n.EN
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	deadline := now.AddDate(0, 0, s.repermissionDays)
	sent := 0
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var lastHour int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM consent_subscribers WHERE asked_at > ?", now.Add(-time.Hour)).Scan(&lastHour); err != nil {
			return err
		}
		n := min(limit, s.perHour-lastHour)
		if n <= 0 {
			return nil
		}
		rows, err := tx.Query(ctx, "SELECT id, email, name FROM consent_subscribers WHERE status = ? ORDER BY created_at, id LIMIT ?", SubToAsk, n)
		if err != nil {
			return err
		}
		type sub struct{ id, email, name string }
		var subs []sub
		for rows.Next() {
			var x sub
			if err := rows.Scan(&x.id, &x.email, &x.name); err != nil {
				rows.Close()
				return err
			}
			subs = append(subs, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, x := range subs {
			raw := make([]byte, 24)
			rand.Read(raw)
			token := base64.RawURLEncoding.EncodeToString(raw)
			if _, err := tx.Exec(ctx, `UPDATE consent_subscribers SET status = ?, token_hash = ?, asked_at = ?, deadline = ?, updated_at = ?
				WHERE id = ?`, SubAsked, hashToken(token), now, deadline, now, x.id); err != nil {
				return err
			}
			name := x.name
			if name == "" {
				name = x.email
			}
			if _, err := s.outbox.Enqueue(ctx, tx, mail.Message{To: x.email, Lang: lang, Template: TemplateRepermission,
				Data: map[string]any{"Name": name, "ConfirmURL": mail.Secret(s.baseURL + PathNewsletterConfirm + "?token=" + token),
					"Deadline": deadline}}); err != nil {
				return err
			}
			sent++
		}
		_, err = s.audit.Record(ctx, tx, actor, "consent.repermission_sent", "consent_subscribers", map[string]any{"emails": sent})
		return err
	})
	if err != nil {
		return 0, err
	}
	return sent, nil
}

// Subscriber is what the confirm page shows.
type Subscriber struct {
	Email  string
	Status string
}

// LookupConfirmation returns the subscriber a confirm link is for.
func (s *Service) LookupConfirmation(ctx context.Context, token string) (*Subscriber, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrLinkInvalid
	}
	var sub Subscriber
	err := s.db.QueryRow(ctx, "SELECT email, status FROM consent_subscribers WHERE token_hash = ?", hashToken(token)).Scan(&sub.Email, &sub.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLinkInvalid
	}
	return &sub, err
}

// ConfirmSubscription records the person's express consent to the
// newsletter. An archived subscriber confirming comes back: it is their
// own action.
func (s *Service) ConfirmSubscription(ctx context.Context, token, lang string) (*Subscriber, error) {
	sub, err := s.LookupConfirmation(ctx, token)
	if err != nil {
		return nil, err
	}
	if sub.Status == SubConfirmed {
		return sub, nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE consent_subscribers SET status = ?, confirmed_at = ?, archived_at = NULL, updated_at = ?
			WHERE token_hash = ?`, SubConfirmed, now, now, hashToken(token)); err != nil {
			return err
		}
		e := &Event{ID: newID(), SubjectID: sub.Email, Kind: KindChoice, Granted: []Purpose{Newsletter}, Method: Express,
			Source: SourceForm, Language: lang, Actor: ActorPublic, GivenAt: now, RecordedAt: now}
		if err := s.store.InsertEvent(ctx, tx, e); err != nil {
			return err
		}
		return s.sideEffects(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	sub.Status = SubConfirmed
	return sub, nil
}

// ArchiveUnconfirmed archives the subscribers asked whose deadline passed.
func (s *Service) ArchiveUnconfirmed(ctx context.Context, actor string) (int, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var n int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE consent_subscribers SET status = ?, archived_at = ?, updated_at = ?
			WHERE status = ? AND deadline < ?`, SubArchived, now, now, SubAsked, now)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = s.audit.Record(ctx, tx, actor, "consent.subscribers_archived", "consent_subscribers", map[string]any{"archived": n})
		return err
	})
	return int(n), err
}

// SubscriberCounts counts the subscribers at each stage.
func (s *Service) SubscriberCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, st := range SubStatuses {
		out[st] = 0
	}
	rows, err := s.db.Query(ctx, "SELECT status, COUNT(*) FROM consent_subscribers GROUP BY status")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
