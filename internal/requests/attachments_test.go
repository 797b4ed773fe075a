package requests

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// withBox gives the service a secret box, as the application does.
func withBox(t *testing.T) func(*Deps) {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return func(d *Deps) { d.Box = box }
}

// Small but real files: the first bytes are what the type is sniffed from.
var (
	pdfFile  = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 20)...)
	textFile = []byte("Passport number checked by phone with the person.\nÉmis à Lyon.\n")
)

func TestAttachmentRoundTrip(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r := f.verified(input())
		agent := f.as(f.agent)

		a, err := f.svc.AddAttachment(f.ctx, agent, r.ID, `C:\scans\passeport "Jo" Martin.PDF`, pdfFile)
		if err != nil {
			t.Fatal(err)
		}
		if a.ContentType != "application/pdf" || a.Size != int64(len(pdfFile)) || len(a.SHA256) != 64 {
			t.Errorf("attachment %+v", a)
		}
		if a.Filename != "passeport _Jo_ Martin.PDF" {
			t.Errorf("filename %q", a.Filename)
		}
		// The stored bytes are sealed: neither the content nor a piece of
		// it is in the row.
		var stored string
		if err := d.QueryRow(f.ctx, "SELECT content FROM request_attachments WHERE id = ?", a.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored == "" || strings.Contains(stored, "PDF") || strings.Contains(stored, "Catalog") {
			t.Errorf("content stored in clear: %.60q", stored)
		}

		got, content, err := f.svc.OpenAttachment(f.ctx, agent, r.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(content, pdfFile) || got.Filename != a.Filename {
			t.Errorf("round trip: %q %q", got.Filename, content)
		}
		if _, _, err := f.svc.OpenAttachment(f.ctx, f.as(f.admin), r.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		// Viewers neither add nor download.
		if _, _, err := f.svc.OpenAttachment(f.ctx, f.as(f.viewer), r.ID, a.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("viewer download: %v", err)
		}
		if _, err := f.svc.AddAttachment(f.ctx, f.as(f.viewer), r.ID, "x.txt", textFile); !errors.Is(err, ErrForbidden) {
			t.Errorf("viewer upload: %v", err)
		}
		// An attachment is reached only through its own request.
		otherIn := input()
		otherIn.Email = "other@example.fr"
		other := f.verified(otherIn)
		if _, _, err := f.svc.OpenAttachment(f.ctx, agent, other.ID, a.ID); !errors.Is(err, ErrAttachmentNotFound) {
			t.Errorf("other request: %v", err)
		}

		acts := f.auditActions(r.ID)
		if n := countOf(acts, "request.attachment_downloaded"); n != 2 {
			t.Errorf("%d download entries, want 2: %v", n, acts)
		}
		if countOf(acts, "request.attachment_added") != 1 {
			t.Errorf("audit %v", acts)
		}
		es := f.events(r.ID)
		if last := es[len(es)-1]; last.Kind != EventAttachmentAdded || last.Body != a.Filename || last.Visibility != Internal {
			t.Errorf("timeline %+v", last)
		}
	})
}

func TestAttachmentRefusals(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r := f.verified(input())
		agent := f.as(f.agent)
		exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0xff}, 100)...)
		html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
		latin1 := append(bytes.Repeat([]byte("a"), 600), 0xe9, 'x')
		for name, c := range map[string]struct {
			content []byte
			id      string
		}{
			"executable":          {exe, "requests.error.attachment_type"},
			"html named pdf":      {html, "requests.error.attachment_type"},
			"text not UTF-8":      {latin1, "requests.error.attachment_type"},
			"empty":               {nil, "requests.error.attachment_empty"},
			"one byte over 10MiB": {append(bytes.Repeat([]byte("a"), MaxAttachmentSize), 'b'), "requests.error.attachment_too_large"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := f.svc.AddAttachment(f.ctx, agent, r.ID, "file.pdf", c.content)
				wantErr(t, err, c.id)
			})
		}
		if n := f.count("SELECT COUNT(*) FROM request_attachments"); n != 0 {
			t.Errorf("%d rows after refusals", n)
		}
		// Exactly the limit is fine, and a PNG gets its extension.
		big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), MaxAttachmentSize-9)...)
		if _, err := f.svc.AddAttachment(f.ctx, agent, r.ID, "scan", big); err != nil {
			t.Fatalf("10 MiB: %v", err)
		}
		a, err := f.svc.AddAttachment(f.ctx, agent, r.ID, "../../etc/\u202eevil.exe", pngFile)
		if err != nil {
			t.Fatal(err)
		}
		if a.Filename != "evil.exe.png" || a.ContentType != "image/png" {
			t.Errorf("png %q %q", a.Filename, a.ContentType)
		}
		// Without a box, attachments are off with a clear error.
		g := newFixture(t, dbtest.Open(t, d.Dialect))
		q := g.verified(input())
		_, err = g.svc.AddAttachment(g.ctx, g.as(g.agent), q.ID, "a.txt", textFile)
		wantErr(t, err, "requests.error.attachments_disabled")
		if g.svc.AttachmentsEnabled() {
			t.Error("enabled without a box")
		}
	})
}

func TestAttachmentsDeletedAtClosureUnlessKept(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r := f.verified(input())
		agent := f.as(f.agent)
		drop, err := f.svc.AddAttachment(f.ctx, agent, r.ID, "letter.txt", textFile)
		if err != nil {
			t.Fatal(err)
		}
		keep, err := f.svc.AddAttachment(f.ctx, agent, r.ID, "id.pdf", pdfFile)
		if err != nil {
			t.Fatal(err)
		}
		// Agents may not choose to keep; admins may.
		if err := f.svc.SetAttachmentKeep(f.ctx, agent, r.ID, keep.ID, true); !errors.Is(err, ErrForbidden) {
			t.Fatalf("agent keep: %v", err)
		}
		if err := f.svc.SetAttachmentKeep(f.ctx, f.as(f.admin), r.ID, keep.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Complete(f.ctx, agent, r.ID, OutcomeFulfilled, ""); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.Attachments(f.ctx, r.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("list %v %v", list, err)
		}
		for _, a := range list {
			var content string
			if err := d.QueryRow(f.ctx, "SELECT content FROM request_attachments WHERE id = ?", a.ID).Scan(&content); err != nil {
				t.Fatal(err)
			}
			switch a.ID {
			case drop.ID:
				if !a.Deleted() || content != "" {
					t.Errorf("not kept, still there: deleted=%v content=%d", a.Deleted(), len(content))
				}
			case keep.ID:
				if a.Deleted() || content == "" || !a.Keep {
					t.Errorf("kept, but deleted=%v content=%d", a.Deleted(), len(content))
				}
			}
		}
		_, _, err = f.svc.OpenAttachment(f.ctx, agent, r.ID, drop.ID)
		wantErr(t, err, "requests.error.attachment_deleted")
		if _, c, err := f.svc.OpenAttachment(f.ctx, agent, r.ID, keep.ID); err != nil || !bytes.Equal(c, pdfFile) {
			t.Fatalf("kept file: %v", err)
		}
		acts := f.auditActions(r.ID)
		if countOf(acts, "request.attachment_deleted") != 1 || countOf(acts, "request.attachment_keep_set") != 1 {
			t.Errorf("audit %v", acts)
		}
		deleted := 0
		for _, e := range f.events(r.ID) {
			if e.Kind == EventAttachmentDeleted {
				deleted++
			}
		}
		if deleted != 1 {
			t.Errorf("%d deletion events", deleted)
		}
		// Nothing is added to a finished request.
		_, err = f.svc.AddAttachment(f.ctx, agent, r.ID, "late.txt", textFile)
		wantErr(t, err, "requests.error.closed")

		// The retention purge takes the kept file too, and the names.
		f.clock.Add(25 * 31 * 24 * time.Hour)
		if n, err := f.svc.PurgeExpired(f.ctx); err != nil || n != 1 {
			t.Fatalf("purge %d %v", n, err)
		}
		if n := f.count("SELECT COUNT(*) FROM request_attachments WHERE content <> '' OR filename <> '' OR deleted_at IS NULL"); n != 0 {
			t.Errorf("%d attachments left after the purge", n)
		}
	})
}

func TestAttachmentsDeletedAtRejection(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r := f.verified(input())
		if _, err := f.svc.AddAttachment(f.ctx, f.as(f.agent), r.ID, "id.png", pngFile); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reject(f.ctx, f.as(f.agent), r.ID, "Identity could not be confirmed."); err != nil {
			t.Fatal(err)
		}
		if n := f.count("SELECT COUNT(*) FROM request_attachments WHERE deleted_at IS NULL OR content <> ''"); n != 0 {
			t.Errorf("%d attachments left after rejection", n)
		}
	})
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
