package requests

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// delivering is a verified French request in progress with a PDF attached;
// from, if given, is the person's address.
func delivering(t *testing.T, f *fixture, from ...string) (*Request, *Attachment) {
	t.Helper()
	in := input()
	if len(from) > 0 {
		in.Email = from[0]
	}
	r := f.verified(in)
	if err := f.svc.Start(f.ctx, f.as(f.agent), r.ID); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.AddAttachment(f.ctx, f.as(f.agent), r.ID, "copie-des-données.pdf", pdfFile)
	if err != nil {
		t.Fatal(err)
	}
	return r, a
}

func TestDeliverAndDownload(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r, a := delivering(t, f)
		// Not delivered yet: nothing to download, even with a valid link.
		token := statusTokenOf(t, f)
		if v, err := f.svc.Status(f.ctx, token); err != nil || v.HasDownload || len(v.Downloads) != 0 {
			t.Fatalf("before delivery: %+v %v", v, err)
		}
		_, _, err := f.svc.DownloadDelivered(f.ctx, token, a.ID)
		wantErr(t, err, "requests.error.attachment_not_found")

		// Saturday 31 January, 3 days: until the end of Monday 2 February.
		err = f.svc.Deliver(f.ctx, f.as(f.agent), r.ID, DeliverInput{
			AttachmentIDs: []string{a.ID, strings.ToUpper(a.ID)}, Message: "Voici la copie de vos données.", ValidDays: 3})
		if err != nil {
			t.Fatal(err)
		}
		m := f.lastMail(jo, TemplateDelivery)
		if m.Lang != "fr" || !strings.Contains(m.Text, "2 février 2026") || !strings.Contains(m.Text, "Voici la copie de vos données.") ||
			!strings.Contains(m.Subject, r.Reference) {
			t.Errorf("delivery mail %s: %s\n%s", m.Lang, m.Subject, m.Text)
		}
		token = linkToken(t, m.Text, PathStatus)

		v, err := f.svc.Status(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if !v.HasDownload || len(v.Downloads) != 1 {
			t.Fatalf("status downloads %+v", v.Downloads)
		}
		if df := v.Downloads[0]; df.ID != a.ID || df.Filename != a.Filename || df.Size != int64(len(pdfFile)) ||
			df.ContentType != "application/pdf" || df.LastDay != date("2026-02-02") {
			t.Errorf("delivered file %+v", df)
		}
		if last := v.Messages[len(v.Messages)-1]; last.Kind != EventDelivered || last.Body != "Voici la copie de vos données." {
			t.Errorf("visible timeline ends with %+v", last)
		}

		got, content, err := f.svc.DownloadDelivered(f.ctx, token, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(content, pdfFile) || got.Filename != a.Filename || got.Downloads != 1 {
			t.Errorf("download %q %d %q", got.Filename, got.Downloads, content)
		}
		var actor string
		if err := d.QueryRow(f.ctx, "SELECT actor FROM audit_log WHERE action = 'request.result_downloaded' AND target = ?",
			"request:"+r.ID).Scan(&actor); err != nil {
			t.Fatalf("download audit entry: %v", err)
		}
		if !strings.HasPrefix(actor, "subject:") || strings.Contains(actor, "example") {
			t.Errorf("download actor %q", actor)
		}
		acts := f.auditActions(r.ID)
		if countOf(acts, "request.delivered") != 1 || countOf(acts, "request.result_downloaded") != 1 {
			t.Errorf("audit %v", acts)
		}
		if _, _, err := f.svc.DownloadDelivered(f.ctx, token, a.ID); err != nil {
			t.Fatal(err)
		}
		list, _ := f.svc.Attachments(f.ctx, r.ID)
		if list[0].Downloads != 2 || list[0].DeliveredBy != f.as(f.agent).String() {
			t.Errorf("attachment after downloads %+v", list[0])
		}
		// The person sees their downloads on their timeline.
		v, _ = f.svc.Status(f.ctx, token)
		if last := v.Messages[len(v.Messages)-1]; last.Kind != EventResultDownloaded {
			t.Errorf("timeline ends with %v", last.Kind)
		}

		// Monday 23:59 still works; Tuesday 00:00 no longer does.
		f.clock.Set(time.Date(2026, 2, 2, 23, 59, 0, 0, time.UTC))
		if _, _, err := f.svc.DownloadDelivered(f.ctx, token, a.ID); err != nil {
			t.Fatalf("last day: %v", err)
		}
		f.clock.Set(time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC))
		_, _, err = f.svc.DownloadDelivered(f.ctx, token, a.ID)
		wantErr(t, err, "requests.error.delivery_expired")
		if v, _ := f.svc.Status(f.ctx, token); v.HasDownload || len(v.Downloads) != 0 {
			t.Errorf("expired delivery still listed: %+v", v.Downloads)
		}
		if n := countOf(f.auditActions(r.ID), "request.result_downloaded"); n != 3 {
			t.Errorf("%d download entries, want 3 (refusals write none)", n)
		}
		// A damaged link is refused as such.
		_, _, err = f.svc.DownloadDelivered(f.ctx, token+"x", a.ID)
		if !errors.Is(err, ErrStatusInvalid) {
			t.Errorf("bad token: %v", err)
		}
	})
}

func TestDeliverRefusals(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		agent := f.as(f.agent)

		// Not verified yet.
		rc := f.submit(input())
		_, err := f.svc.AddAttachment(f.ctx, agent, rc.ID, "a.txt", textFile)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := f.svc.Attachments(f.ctx, rc.ID)
		err = f.svc.Deliver(f.ctx, agent, rc.ID, DeliverInput{AttachmentIDs: []string{list[0].ID}})
		wantErr(t, err, "requests.error.delivery_state")
		f.verifyLink(jo)
		// Verified but not started is refused too: delivery is part of
		// the work.
		err = f.svc.Deliver(f.ctx, agent, rc.ID, DeliverInput{AttachmentIDs: []string{list[0].ID}})
		wantErr(t, err, "requests.error.delivery_state")

		r, a := delivering(t, f, "sam@example.fr")
		for name, c := range map[string]struct {
			in DeliverInput
			id string
		}{
			"no file":           {DeliverInput{}, "requests.error.delivery_no_files"},
			"unknown file":      {DeliverInput{AttachmentIDs: []string{"0190b7a4-0000-7000-8000-000000000000"}}, "requests.error.attachment_not_found"},
			"not an id":         {DeliverInput{AttachmentIDs: []string{"'; DROP TABLE x"}}, "requests.error.attachment_not_found"},
			"other request's":   {DeliverInput{AttachmentIDs: []string{list[0].ID}}, "requests.error.attachment_not_found"},
			"31 days":           {DeliverInput{AttachmentIDs: []string{a.ID}, ValidDays: 31}, "requests.error.delivery_days"},
			"negative days":     {DeliverInput{AttachmentIDs: []string{a.ID}, ValidDays: -1}, "requests.error.delivery_days"},
			"message too long":  {DeliverInput{AttachmentIDs: []string{a.ID}, Message: strings.Repeat("a", MaxBodyLen+1)}, "requests.error.body_long"},
			"one good, one bad": {DeliverInput{AttachmentIDs: []string{a.ID, list[0].ID}}, "requests.error.attachment_not_found"},
		} {
			t.Run(name, func(t *testing.T) {
				wantErr(t, f.svc.Deliver(f.ctx, agent, r.ID, c.in), c.id)
			})
		}
		if err := f.svc.Deliver(f.ctx, f.as(f.viewer), r.ID, DeliverInput{AttachmentIDs: []string{a.ID}}); !errors.Is(err, ErrForbidden) {
			t.Errorf("viewer: %v", err)
		}
		if n := f.count("SELECT COUNT(*) FROM request_attachments WHERE delivered_at IS NOT NULL"); n != 0 {
			t.Errorf("%d files delivered after refusals", n)
		}
		// The default validity is 7 days, today included.
		if err := f.svc.Deliver(f.ctx, agent, r.ID, DeliverInput{AttachmentIDs: []string{a.ID}}); err != nil {
			t.Fatal(err)
		}
		m := f.lastMail("sam@example.fr", TemplateDelivery)
		if !strings.Contains(m.Text, "6 février 2026") {
			t.Errorf("default validity:\n%s", m.Text)
		}
		// A file is downloaded only through its own request's link.
		_, _, err = f.svc.DownloadDelivered(f.ctx, statusTokenOf(t, f), a.ID)
		wantErr(t, err, "requests.error.attachment_not_found")
		// Once finished, nothing more is delivered.
		if err := f.svc.Complete(f.ctx, agent, r.ID, OutcomeFulfilled, ""); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.svc.Deliver(f.ctx, agent, r.ID, DeliverInput{AttachmentIDs: []string{a.ID}}), "requests.error.delivery_state")
	})
}

func TestDeliveredFileOutlivesClosureUntilExpiry(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r, a := delivering(t, f)
		other, err := f.svc.AddAttachment(f.ctx, f.as(f.agent), r.ID, "notes.txt", textFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Deliver(f.ctx, f.as(f.agent), r.ID, DeliverInput{AttachmentIDs: []string{a.ID}, ValidDays: 2}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Complete(f.ctx, f.as(f.agent), r.ID, OutcomeFulfilled, "Tout est dans le fichier."); err != nil {
			t.Fatal(err)
		}
		byID := func() map[string]Attachment {
			list, err := f.svc.Attachments(f.ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]Attachment{}
			for _, x := range list {
				out[x.ID] = x
			}
			return out
		}
		files := byID()
		if files[a.ID].DeletedAt != nil || files[other.ID].DeletedAt == nil {
			t.Fatalf("after closure: delivered deleted=%v, other deleted=%v", files[a.ID].DeletedAt, files[other.ID].DeletedAt)
		}
		// The person downloads after the closure, from the closure email.
		token := linkToken(t, f.lastMail(jo, TemplateClosure).Text, PathStatus)
		if _, c, err := f.svc.DownloadDelivered(f.ctx, token, a.ID); err != nil || !bytes.Equal(c, pdfFile) {
			t.Fatalf("download after closure: %v", err)
		}
		// The daily sweep leaves a running delivery alone…
		if n, err := f.svc.DropExpiredDeliveries(f.ctx); err != nil || n != 0 {
			t.Fatalf("sweep before expiry: %d %v", n, err)
		}
		// …and deletes the file once it has ended, once.
		f.clock.Add(3 * 24 * time.Hour)
		if n, err := f.svc.DropExpiredDeliveries(f.ctx); err != nil || n != 1 {
			t.Fatalf("sweep after expiry: %d %v", n, err)
		}
		if n, err := f.svc.DropExpiredDeliveries(f.ctx); err != nil || n != 0 {
			t.Fatalf("second sweep: %d %v", n, err)
		}
		files = byID()
		if files[a.ID].DeletedAt == nil {
			t.Error("delivered file kept after the delivery ended")
		}
		if n := f.count("SELECT COUNT(*) FROM request_attachments WHERE content <> ''"); n != 0 {
			t.Errorf("%d files with content left", n)
		}
		_, _, err = f.svc.DownloadDelivered(f.ctx, token, a.ID)
		wantErr(t, err, "requests.error.delivery_expired")
		if countOf(f.auditActions(r.ID), "request.attachment_deleted") != 2 {
			t.Errorf("audit %v", f.auditActions(r.ID))
		}
	})
}

func TestExpiredDeliveryOfOpenRequestWaitsForClosure(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, withBox(t))
		r, a := delivering(t, f)
		if err := f.svc.Deliver(f.ctx, f.as(f.agent), r.ID, DeliverInput{AttachmentIDs: []string{a.ID}, ValidDays: 1}); err != nil {
			t.Fatal(err)
		}
		// Expired while the request is still open: the file stays with
		// the request, and closure deletes it as any other.
		f.clock.Add(2 * 24 * time.Hour)
		if n, err := f.svc.DropExpiredDeliveries(f.ctx); err != nil || n != 0 {
			t.Fatalf("sweep on an open request: %d %v", n, err)
		}
		if err := f.svc.Complete(f.ctx, f.as(f.agent), r.ID, OutcomeFulfilled, ""); err != nil {
			t.Fatal(err)
		}
		list, _ := f.svc.Attachments(f.ctx, r.ID)
		if !list[0].Deleted() {
			t.Error("expired delivery survived the closure")
		}
	})
}
