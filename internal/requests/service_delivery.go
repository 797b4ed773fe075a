package requests

import (
	"context"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// Delivery of a result: an agent hands chosen files of a verified request
// in progress to the person, who downloads them from their status page
// (status link, so only the verified address holder) until the delivery
// expires. Delivering does not move the request: the agent completes it
// afterwards as usual (outcome, closure email), and a running delivery
// outlives the closure so the person can still download; once it has
// expired the usual closure rules apply to the file again.

// Limits of a delivery's validity, in days.
const (
	DefaultDeliveryDays = 7
	MaxDeliveryDays     = 30
)

// Errors of deliveries.
var (
	ErrDeliveryState   = i18n.NewError("requests.error.delivery_state")
	ErrDeliveryNoFiles = i18n.NewError("requests.error.delivery_no_files")
	ErrDeliveryDays    = i18n.NewError("requests.error.delivery_days", map[string]any{"Min": 1, "Max": MaxDeliveryDays})
	ErrDeliveryExpired = i18n.NewError("requests.error.delivery_expired")
)

// DeliverInput is what an agent delivers.
type DeliverInput struct {
	// AttachmentIDs are the files of the request to hand over.
	AttachmentIDs []string
	// Message, optional, goes to the person with the email and on the
	// status page.
	Message string
	// ValidDays is how many days, today included, the files can be
	// downloaded (DefaultDeliveryDays when 0, 1 to MaxDeliveryDays).
	ValidDays int
}

// DeliveredFile is a file the person may download now.
type DeliveredFile struct {
	ID          string
	Filename    string
	ContentType string
	Size        int64
	// LastDay is the last civil date the download works (it stops at the
	// end of that day, UTC).
	LastDay time.Time
}

// Delivering reports whether the file is delivered and its delivery still
// runs at now.
func (a *Attachment) Delivering(now time.Time) bool {
	return a.DeliveredAt != nil && a.DeliveryExpiresAt != nil && !a.Deleted() && now.Before(*a.DeliveryExpiresAt)
}

// DeliveryLastDay is the last civil date a delivered file can be
// downloaded; zero for a file never delivered.
func (a *Attachment) DeliveryLastDay() time.Time {
	if a.DeliveryExpiresAt == nil {
		return time.Time{}
	}
	return civil(a.DeliveryExpiresAt.Add(-time.Nanosecond))
}

// Deliverable reports whether r is in the state where results are
// delivered: verified, and being worked on.
func Deliverable(r *Request) bool {
	return r.State == StateInProgress && r.VerifiedAt != nil && r.PurgedAt == nil
}

// Deliver hands the chosen files to the person: they can download them
// from their status page until the end of the last valid day, and they
// are told so by email in their language. Delivering a file again starts
// its validity afresh. The timeline (visible to the person) and the audit
// log record it.
func (s *Service) Deliver(ctx context.Context, actor Actor, id string, in DeliverInput) error {
	if s.box == nil {
		return ErrAttachmentsDisabled
	}
	if !actor.isAgent() {
		return ErrForbidden
	}
	days := in.ValidDays
	if days == 0 {
		days = DefaultDeliveryDays
	}
	if days < 1 || days > MaxDeliveryDays {
		return ErrDeliveryDays
	}
	msg, err := checkText(in.Message, MaxBodyLen, nil, ErrBodyLong)
	if err != nil {
		return err
	}
	var ids []string
	seen := map[string]bool{}
	for _, raw := range in.AttachmentIDs {
		aid, ok := canonicalID(raw)
		if !ok {
			return ErrAttachmentNotFound
		}
		if !seen[aid] {
			seen[aid] = true
			ids = append(ids, aid)
		}
	}
	if len(ids) == 0 {
		return ErrDeliveryNoFiles
	}
	k, err := s.keys(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	lastDay := civil(now).AddDate(0, 0, days-1)
	expires := lastDay.AddDate(0, 0, 1)
	return s.change(ctx, actor, id, func(tx *db.Tx, r *Request) error {
		if !Deliverable(r) {
			return ErrDeliveryState
		}
		for _, aid := range ids {
			a, err := s.loadAttachment(ctx, tx, r, aid)
			if err != nil {
				return err
			}
			if a.Deleted() {
				return ErrAttachmentDeleted
			}
			if _, err := tx.Exec(ctx, `UPDATE request_attachments SET delivered_at = ?, delivery_expires_at = ?, delivered_by = ?
				WHERE id = ?`, now, expires, actor.String(), a.ID); err != nil {
				return fmt.Errorf("requests: deliver attachment: %w", err)
			}
		}
		data := map[string]any{"attachment_ids": ids, "files": len(ids), "last_day": lastDay.Format("2006-01-02")}
		if _, err := s.event(ctx, tx, r, EventDelivered, actor, VisibleSubject, msg, data); err != nil {
			return err
		}
		if err := s.record(ctx, tx, actor, "request.delivered", r, map[string]any{
			"attachment_ids": ids, "last_day": data["last_day"], "valid_days": days,
		}); err != nil {
			return err
		}
		return s.mailSubject(ctx, tx, k, r, TemplateDelivery, map[string]any{"Message": msg, "LastDate": lastDay})
	})
}

// deliveredFiles lists the files of a request the person may download at
// now.
func (s *Service) deliveredFiles(ctx context.Context, q Querier, requestID string, now time.Time) ([]DeliveredFile, error) {
	list, err := s.listAttachments(ctx, q, requestID)
	if err != nil {
		return nil, err
	}
	var out []DeliveredFile
	for _, a := range list {
		if a.Delivering(now) {
			out = append(out, DeliveredFile{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, LastDay: a.DeliveryLastDay()})
		}
	}
	return out, nil
}

// DownloadDelivered returns a delivered file and its content to the
// person holding the request's status link. A file of another request, or
// one never delivered, is ErrAttachmentNotFound; one whose delivery ended
// is ErrDeliveryExpired. Every download is counted, on the timeline and in
// the audit log.
func (s *Service) DownloadDelivered(ctx context.Context, token, attachmentID string) (*Attachment, []byte, error) {
	if s.box == nil {
		return nil, nil, ErrAttachmentNotFound
	}
	k, err := s.keys(ctx)
	if err != nil {
		return nil, nil, err
	}
	var a *Attachment
	var content []byte
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.statusRequest(ctx, tx, k, token)
		if err != nil {
			return err
		}
		if a, err = s.loadAttachment(ctx, tx, r, attachmentID); err != nil {
			return err
		}
		if a.DeliveredAt == nil {
			return ErrAttachmentNotFound
		}
		if !a.Delivering(s.now()) {
			return ErrDeliveryExpired
		}
		var sealed string
		if err := tx.QueryRow(ctx, "SELECT content FROM request_attachments WHERE id = ?", a.ID).Scan(&sealed); err != nil {
			return fmt.Errorf("requests: attachment content: %w", err)
		}
		if content, err = s.box.Open(sealed, attachmentContext(a.ID)); err != nil {
			return fmt.Errorf("requests: open attachment %s: %w", a.ID, err)
		}
		if _, err := tx.Exec(ctx, "UPDATE request_attachments SET downloads = downloads + 1 WHERE id = ?", a.ID); err != nil {
			return fmt.Errorf("requests: count download: %w", err)
		}
		a.Downloads++
		actor := k.subjectActor(r.Email)
		data := map[string]any{"attachment_id": a.ID}
		// The person sees their own downloads: one they did not make
		// tells them their link went astray.
		if _, err := s.event(ctx, tx, r, EventResultDownloaded, actor, VisibleSubject, a.Filename, data); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.result_downloaded", r, map[string]any{"attachment_id": a.ID})
	})
	if err != nil {
		return nil, nil, err
	}
	return a, content, nil
}

// DropExpiredDeliveries deletes the files that outlived their request's
// end only because a delivery ran, now that it has ended (unless an admin
// chose to keep them). The daily retention job runs it; running it again
// changes nothing. It returns how many files it deleted.
func (s *Service) DropExpiredDeliveries(ctx context.Context) (int, error) {
	terminal := []any{false, s.now()}
	holders := ""
	for _, st := range States {
		if st.Terminal() {
			terminal = append(terminal, string(st))
			if holders != "" {
				holders += ", "
			}
			holders += "?"
		}
	}
	rows, err := s.db.Query(ctx, `SELECT a.id, a.request_id FROM request_attachments a JOIN requests r ON r.id = a.request_id
		WHERE a.deleted_at IS NULL AND a.keep = ? AND a.delivery_expires_at IS NOT NULL AND a.delivery_expires_at <= ?
		AND r.state IN (`+holders+`)`, terminal...)
	if err != nil {
		return 0, fmt.Errorf("requests: expired deliveries: %w", err)
	}
	type pair struct{ file, request string }
	var found []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.file, &p.request); err != nil {
			rows.Close()
			return 0, fmt.Errorf("requests: expired deliveries: %w", err)
		}
		found = append(found, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("requests: expired deliveries: %w", err)
	}
	n := 0
	for _, p := range found {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			r, err := s.store.GetRequest(ctx, tx, p.request)
			if err != nil {
				return err
			}
			a, err := s.loadAttachment(ctx, tx, r, p.file)
			if err != nil {
				return err
			}
			// Checked again in the transaction: an admin may have chosen
			// to keep it meanwhile.
			if a.Deleted() || a.Keep || a.Delivering(s.now()) || r.Open() {
				return nil
			}
			n++
			return s.dropAttachment(ctx, tx, r, a, SystemActor, "delivery_expired")
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Now is the service's clock, in UTC (pages compare delivery times with
// it).
func (s *Service) Now() time.Time { return s.now() }
