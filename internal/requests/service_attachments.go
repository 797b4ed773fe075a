package requests

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// MaxAttachmentSize is the largest file an agent may add to a request.
const MaxAttachmentSize = 10 << 20

// maxFilenameLen bounds a stored file name, in characters.
const maxFilenameLen = 120

// Errors of attachments.
var (
	ErrAttachmentsDisabled = i18n.NewError("requests.error.attachments_disabled")
	ErrAttachmentEmpty     = i18n.NewError("requests.error.attachment_empty")
	ErrAttachmentTooLarge  = i18n.NewError("requests.error.attachment_too_large", map[string]any{"Max": MaxAttachmentSize >> 20})
	ErrAttachmentType      = i18n.NewError("requests.error.attachment_type")
	ErrAttachmentNotFound  = i18n.NewError("requests.error.attachment_not_found")
	ErrAttachmentDeleted   = i18n.NewError("requests.error.attachment_deleted")
)

// attachmentTypes are the kinds of file accepted, by the type sniffed from
// their content (never the name or the browser's word), with the extension
// a stored name gets.
var attachmentTypes = map[string]string{
	"application/pdf":           ".pdf",
	"image/png":                 ".png",
	"image/jpeg":                ".jpg",
	"text/plain; charset=utf-8": ".txt",
}

// Attachment is a file an agent added to a request. Its content is sealed
// in the database; Deleted says it was removed (at closure or by the
// retention purge) and only this record remains.
type Attachment struct {
	ID          string
	RequestID   string
	Filename    string // sanitised; emptied by the retention purge
	ContentType string
	Size        int64
	SHA256      string // hex, of the plaintext
	Keep        bool   // kept after closure (until the retention purge)
	UploadedBy  string // audit actor
	CreatedAt   time.Time
	DeletedAt   *time.Time

	// Delivery to the person (see Deliver): when, until when (the first
	// instant it no longer works), by whom, and how many downloads so far.
	DeliveredAt       *time.Time
	DeliveryExpiresAt *time.Time
	DeliveredBy       string
	Downloads         int
}

// Deleted reports whether the file's content is gone.
func (a *Attachment) Deleted() bool { return a.DeletedAt != nil }

// AttachmentsEnabled reports whether files can be attached (the service
// was given a secret box to seal them).
func (s *Service) AttachmentsEnabled() bool { return s.box != nil }

func attachmentContext(id string) string { return "request.attachment:" + id }

// AddAttachment stores a file an agent adds to an open request: its type
// is sniffed from the content (PDF, PNG, JPEG or UTF-8 text), its name
// sanitised, its content sealed. The timeline and the audit log record it.
func (s *Service) AddAttachment(ctx context.Context, actor Actor, requestID, filename string, content []byte) (*Attachment, error) {
	if s.box == nil {
		return nil, ErrAttachmentsDisabled
	}
	if !actor.isAgent() {
		return nil, ErrForbidden
	}
	if len(content) == 0 {
		return nil, ErrAttachmentEmpty
	}
	if len(content) > MaxAttachmentSize {
		return nil, ErrAttachmentTooLarge
	}
	ctype, err := sniffAttachment(content)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	a := &Attachment{
		ID: newID(), Filename: sanitizeFilename(filename, ctype), ContentType: ctype, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.String(), CreatedAt: s.now(),
	}
	sealed, err := s.box.Seal(content, attachmentContext(a.ID))
	if err != nil {
		return nil, fmt.Errorf("requests: seal attachment: %w", err)
	}
	err = s.change(ctx, actor, requestID, func(tx *db.Tx, r *Request) error {
		if !r.Open() {
			return ErrClosed
		}
		a.RequestID = r.ID
		if _, err := tx.Exec(ctx, `INSERT INTO request_attachments
			(id, request_id, filename, content_type, size, sha256, content, keep, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.RequestID, a.Filename, a.ContentType, a.Size, a.SHA256, sealed, false, a.UploadedBy, a.CreatedAt); err != nil {
			return fmt.Errorf("requests: insert attachment: %w", err)
		}
		// The name may say who the person is: it goes in the body, which
		// the retention purge blanks; the data keeps only identifiers.
		data := map[string]any{"attachment_id": a.ID, "size": a.Size, "content_type": a.ContentType}
		if _, err := s.event(ctx, tx, r, EventAttachmentAdded, actor, Internal, a.Filename, data); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.attachment_added", r, data)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// sniffAttachment returns the accepted type of content, or
// ErrAttachmentType.
func sniffAttachment(content []byte) (string, error) {
	ctype := http.DetectContentType(content)
	if _, ok := attachmentTypes[ctype]; !ok {
		return "", ErrAttachmentType
	}
	// The sniffer reads the first 512 bytes only; text must be text all
	// through.
	if strings.HasPrefix(ctype, "text/") && !utf8.Valid(content) {
		return "", ErrAttachmentType
	}
	return ctype, nil
}

// sanitizeFilename keeps a name safe to store and to send back in a
// header: no folders, no control or format characters (bidirectional
// overrides hide a real extension), no characters file systems refuse, a
// bounded length, and the extension of the sniffed type.
func sanitizeFilename(name, ctype string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		case strings.ContainsRune(`"<>:|?*;`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ". ")
	base, ext := name, attachmentTypes[ctype]
	if have := strings.ToLower(path.Ext(name)); have == ext || (ext == ".jpg" && have == ".jpeg") {
		base, ext = name[:len(name)-len(have)], name[len(name)-len(have):]
	}
	if runes := []rune(base); len(runes) > maxFilenameLen {
		base = strings.TrimSpace(string(runes[:maxFilenameLen]))
	}
	if base == "" {
		base = "attachment"
	}
	return base + ext
}

const attachmentColumns = "id, request_id, filename, content_type, size, sha256, keep, uploaded_by, created_at, deleted_at, " +
	"delivered_at, delivery_expires_at, delivered_by, downloads"

func scanAttachment(row scanner) (*Attachment, error) {
	var a Attachment
	var deleted, delivered, expires sql.NullTime
	if err := row.Scan(&a.ID, &a.RequestID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Keep,
		&a.UploadedBy, &a.CreatedAt, &deleted, &delivered, &expires, &a.DeliveredBy, &a.Downloads); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	a.DeletedAt = timePtr(deleted)
	a.DeliveredAt, a.DeliveryExpiresAt = timePtr(delivered), timePtr(expires)
	return &a, nil
}

// Attachments lists a request's files, deleted ones included, oldest
// first.
func (s *Service) Attachments(ctx context.Context, requestID string) ([]Attachment, error) {
	cid, ok := canonicalID(requestID)
	if !ok {
		return nil, ErrNotFound
	}
	return s.listAttachments(ctx, s.db, cid)
}

func (s *Service) listAttachments(ctx context.Context, q Querier, requestID string) ([]Attachment, error) {
	rows, err := q.Query(ctx, "SELECT "+attachmentColumns+" FROM request_attachments WHERE request_id = ? ORDER BY created_at, id", requestID)
	if err != nil {
		return nil, fmt.Errorf("requests: list attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("requests: list attachments: %w", err)
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// loadAttachment reads one attachment of a request in tx.
func (s *Service) loadAttachment(ctx context.Context, tx *db.Tx, r *Request, attachmentID string) (*Attachment, error) {
	aid, ok := canonicalID(attachmentID)
	if !ok {
		return nil, ErrAttachmentNotFound
	}
	a, err := scanAttachment(tx.QueryRow(ctx, "SELECT "+attachmentColumns+" FROM request_attachments WHERE id = ? AND request_id = ?", aid, r.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAttachmentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("requests: attachment: %w", err)
	}
	return a, nil
}

// OpenAttachment returns a file and its content for an agent to download.
// Every download is in the audit log: the file holds personal data.
func (s *Service) OpenAttachment(ctx context.Context, actor Actor, requestID, attachmentID string) (*Attachment, []byte, error) {
	if s.box == nil {
		return nil, nil, ErrAttachmentsDisabled
	}
	var a *Attachment
	var content []byte
	err := s.change(ctx, actor, requestID, func(tx *db.Tx, r *Request) error {
		var err error
		if a, err = s.loadAttachment(ctx, tx, r, attachmentID); err != nil {
			return err
		}
		if a.Deleted() {
			return ErrAttachmentDeleted
		}
		var sealed string
		if err := tx.QueryRow(ctx, "SELECT content FROM request_attachments WHERE id = ?", a.ID).Scan(&sealed); err != nil {
			return fmt.Errorf("requests: attachment content: %w", err)
		}
		if content, err = s.box.Open(sealed, attachmentContext(a.ID)); err != nil {
			return fmt.Errorf("requests: open attachment %s: %w", a.ID, err)
		}
		return s.record(ctx, tx, actor, "request.attachment_downloaded", r, map[string]any{"attachment_id": a.ID})
	})
	if err != nil {
		return nil, nil, err
	}
	return a, content, nil
}

// SetAttachmentKeep chooses whether a file survives the request's closure
// (until the retention purge). Only admins and owners decide.
func (s *Service) SetAttachmentKeep(ctx context.Context, actor Actor, requestID, attachmentID string, keep bool) error {
	if actor.Kind != ActorOperator || !actor.Role.AtLeast(operator.Admin) {
		return ErrForbidden
	}
	return s.change(ctx, actor, requestID, func(tx *db.Tx, r *Request) error {
		a, err := s.loadAttachment(ctx, tx, r, attachmentID)
		if err != nil {
			return err
		}
		if a.Deleted() {
			return ErrAttachmentDeleted
		}
		if a.Keep == keep {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE request_attachments SET keep = ? WHERE id = ?", keep, a.ID); err != nil {
			return fmt.Errorf("requests: keep attachment: %w", err)
		}
		data := map[string]any{"attachment_id": a.ID, "keep": keep}
		if _, err := s.event(ctx, tx, r, EventAttachmentKept, actor, Internal, a.Filename, data); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.attachment_keep_set", r, data)
	})
}

// dropAttachmentsAtClosure deletes the files of a request that ends, except
// those the operator chose to keep and those delivered to the person whose
// delivery still runs (DropExpiredDeliveries takes them once it ends): the
// content is blanked, the row stays as a record. It runs in the
// transaction of the final move.
func (s *Service) dropAttachmentsAtClosure(ctx context.Context, tx *db.Tx, r *Request, actor Actor) error {
	list, err := s.listAttachments(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, a := range list {
		if a.Deleted() || a.Keep || a.Delivering(now) {
			continue
		}
		if err := s.dropAttachment(ctx, tx, r, &a, actor, "closure"); err != nil {
			return err
		}
	}
	return nil
}

// dropAttachment blanks one file's content, with its timeline event and
// audit entry; reason says why (closure, delivery_expired).
func (s *Service) dropAttachment(ctx context.Context, tx *db.Tx, r *Request, a *Attachment, actor Actor, reason string) error {
	if _, err := tx.Exec(ctx, "UPDATE request_attachments SET content = '', deleted_at = ? WHERE id = ?", s.now(), a.ID); err != nil {
		return fmt.Errorf("requests: delete attachment: %w", err)
	}
	data := map[string]any{"attachment_id": a.ID, "reason": reason}
	if _, err := s.event(ctx, tx, r, EventAttachmentDeleted, actor, Internal, a.Filename, data); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, "request.attachment_deleted", r, data)
}

// purgeAttachments removes every file of a request at the end of the
// retention period, kept ones included, and their names; it also blanks
// the questions of clarification pauses. Running it again changes nothing.
func (s *Service) purgeAttachments(ctx context.Context, tx *db.Tx, requestID string) (int, error) {
	res, err := tx.Exec(ctx, `UPDATE request_attachments SET content = '', filename = '', deleted_at = COALESCE(deleted_at, ?)
		WHERE request_id = ? AND (content <> '' OR filename <> '')`, s.now(), requestID)
	if err != nil {
		return 0, fmt.Errorf("requests: purge attachments: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.Exec(ctx, "UPDATE request_pauses SET question = '' WHERE request_id = ?", requestID); err != nil {
		return 0, fmt.Errorf("requests: purge pauses: %w", err)
	}
	return int(n), nil
}
