package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

var quiet = slog.New(slog.DiscardHandler)

// newOutbox builds an outbox on a real queue (two workers, 50 ms polling)
// that is not started yet; start runs it until the test ends.
func newOutbox(t *testing.T, d *db.DB, sender Sender) (*Outbox, *jobs.Queue) {
	t.Helper()
	q := jobs.New(d, quiet)
	o := NewOutbox(d, q, cat, sender, quiet)
	if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	return o, q
}

func start(t *testing.T, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
}

func senderFor(t *testing.T, srv *smtptest.Server, user, pass string) *SMTPSender {
	t.Helper()
	mode := "none"
	if srv.RootCAs != nil {
		mode = "starttls"
	}
	s, err := NewSMTPSender(SMTPConfig{Host: srv.Host, Port: srv.Port, Username: user, Password: pass, TLS: mode,
		From: "Garde <privacy@acme.example>", TLSConfig: &tls.Config{RootCAs: srv.RootCAs}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitRow polls the outbox row until ok accepts it.
func waitRow(t *testing.T, o *Outbox, id string, timeout time.Duration, ok func(Item) bool) Item {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		it, err := o.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(it) {
			return it
		}
		if time.Now().After(deadline) {
			t.Fatalf("row %s never reached the expected state; last: status=%s attempts=%d last_error=%q", id, it.Status, it.Attempts, it.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sendJobs(t *testing.T, q *jobs.Queue) []*rivertype.JobRow {
	t.Helper()
	res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(SendArgs{}.Kind()))
	if err != nil {
		t.Fatal(err)
	}
	return res.Jobs
}

func TestDeliversLocalizedMailOverStartTLSWithAuth(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{StartTLS: true, Username: "garde", Password: "pw"})
		o, q := newOutbox(t, d, senderFor(t, srv, "garde", "pw"))
		o.SetOrganization("ACME")
		ids := map[i18n.Lang]string{}
		for _, lang := range i18n.Langs {
			id, err := o.EnqueueNow(ctx, Message{To: string(lang) + "@example.net", Lang: lang, Template: TemplateOperatorInvite, Data: inviteData()})
			if err != nil {
				t.Fatal(err)
			}
			ids[lang] = id
		}
		start(t, q)
		msgs := srv.WaitFor(t, 3, 15*time.Second)
		for _, lang := range i18n.Langs {
			var m *smtptest.Message
			for i := range msgs {
				if msgs[i].To[0] == string(lang)+"@example.net" {
					m = &msgs[i]
				}
			}
			if m == nil {
				t.Fatalf("no message for %s", lang)
			}
			want := cat.For(lang).T("mail.operator_invite.subject")
			if m.Subject != want || want == "mail.operator_invite.subject" {
				t.Errorf("%s subject %q, want %q", lang, m.Subject, want)
			}
			if isNonASCII(want) && !strings.Contains(m.Header.Get("Subject"), "=?UTF-8?") {
				t.Errorf("%s subject not MIME-encoded: %q", lang, m.Header.Get("Subject"))
			}
			if !m.TLS || m.AuthUser != "garde" || m.Header.Get("Content-Language") != string(lang) {
				t.Errorf("%s: TLS=%v auth=%q lang=%q", lang, m.TLS, m.AuthUser, m.Header.Get("Content-Language"))
			}
			text, err := m.Part("text/plain")
			if err != nil || !strings.Contains(text, string(inviteData()["SetupURL"].(Secret))) {
				t.Errorf("%s text part lacks the link: %q %v", lang, text, err)
			}
			it := waitRow(t, o, ids[lang], 5*time.Second, func(it Item) bool { return it.Status == StatusSent })
			if it.Attempts != 1 || it.SentAt == nil || it.LastError != "" || it.MessageID != ids[lang]+"@acme.example" {
				t.Errorf("%s row: %+v", lang, it)
			}
			if got := m.Header.Get("Message-Id"); got != "<"+it.MessageID+">" {
				t.Errorf("%s Message-ID %q, row has %q", lang, got, it.MessageID)
			}
			if it.Subject != m.Subject || !strings.Contains(it.BodyText, "ACME") || it.Lang != lang {
				t.Errorf("%s stored content differs from what was sent: %+v", lang, it)
			}
		}
		counts, err := o.Counts(ctx)
		if err != nil || counts[StatusSent] != 3 || counts[StatusQueued] != 0 || len(counts) != 4 {
			t.Fatalf("Counts = %v, %v", counts, err)
		}
	})
}

func TestTransientFailuresAreRetried(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{FailNext: 2})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		// Long enough to see the row between tries, short enough for a test.
		o.retryDelay = func(int) time.Duration { return 400 * time.Millisecond }
		id, err := o.EnqueueNow(context.Background(), Message{To: "jo@example.net", Lang: i18n.NL, Template: TemplateTest})
		if err != nil {
			t.Fatal(err)
		}
		start(t, q)
		it := waitRow(t, o, id, 10*time.Second, func(it Item) bool { return it.Status == StatusRetrying })
		if it.Attempts < 1 || !strings.Contains(it.LastError, "451") {
			t.Fatalf("after a refusal: attempts=%d last_error=%q", it.Attempts, it.LastError)
		}
		it = waitRow(t, o, id, 10*time.Second, func(it Item) bool { return it.Status == StatusSent })
		if it.Attempts != 3 || it.LastError != "" {
			t.Fatalf("sent row: attempts=%d last_error=%q", it.Attempts, it.LastError)
		}
		if srv.Failures() != 2 || len(srv.Messages()) != 1 {
			t.Fatalf("server saw %d refusals and %d messages", srv.Failures(), len(srv.Messages()))
		}
		if m := srv.Messages()[0]; m.Subject != "Testmail van Garde" {
			t.Fatalf("subject %q", m.Subject)
		}
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{FailNext: 1000})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		o.retryDelay = func(int) time.Duration { return 10 * time.Millisecond }
		id, err := o.EnqueueNow(context.Background(), Message{To: "jo@example.net", Template: TemplateTest})
		if err != nil {
			t.Fatal(err)
		}
		start(t, q)
		it := waitRow(t, o, id, 20*time.Second, func(it Item) bool { return it.Status == StatusFailed })
		if it.Attempts != MaxAttempts || srv.Failures() != MaxAttempts || !strings.Contains(it.LastError, "451") {
			t.Fatalf("failed row: attempts=%d, server refusals=%d, last_error=%q", it.Attempts, srv.Failures(), it.LastError)
		}
		failed, err := o.List(context.Background(), ListFilter{Status: StatusFailed})
		if err != nil || len(failed) != 1 || failed[0].ID != id {
			t.Fatalf("List(failed) = %v, %v", failed, err)
		}
	})
}

func TestRolledBackEnqueueLeavesNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := o.Enqueue(ctx, tx, Message{To: "jo@example.net", Template: TemplateTest}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var rows, jobRows int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM mail_outbox").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM river_job").Scan(&jobRows); err != nil {
			t.Fatal(err)
		}
		if rows != 0 || jobRows != 0 {
			t.Fatalf("after rollback: %d outbox rows, %d jobs", rows, jobRows)
		}
		// The same call committed does store both, so the counts above mean something.
		if _, err := o.EnqueueNow(ctx, Message{To: "jo@example.net", Template: TemplateTest}); err != nil {
			t.Fatal(err)
		}
		if n := len(sendJobs(t, q)); n != 1 {
			t.Fatalf("%d send jobs after a committed enqueue", n)
		}
	})
}

func TestRunningTwiceSendsOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		id, err := o.EnqueueNow(ctx, Message{To: "jo@example.net", Template: TemplateTest})
		if err != nil {
			t.Fatal(err)
		}
		// Runs at once, then one more after: one message. A run that finds
		// the row taken comes back later (a snooze), it does not fail.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { errs[i] = o.deliver(ctx, id, false) })
		}
		wg.Wait()
		for _, err := range errs {
			var snooze *river.JobSnoozeError
			if err != nil && !errors.As(err, &snooze) {
				t.Fatal(err)
			}
		}
		if err := o.deliver(ctx, id, false); err != nil {
			t.Fatal(err)
		}
		// And the queued River job for it, worked for real.
		start(t, q)
		deadline := time.Now().Add(10 * time.Second)
		for {
			js := sendJobs(t, q)
			if len(js) == 1 && js[0].State == rivertype.JobStateCompleted {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("send job not completed: %+v", js[0])
			}
			time.Sleep(20 * time.Millisecond)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages sent, want 1", n)
		}
		it, _ := o.Get(ctx, id)
		if it.Status != StatusSent || it.Attempts != 1 {
			t.Fatalf("row: status=%s attempts=%d", it.Status, it.Attempts)
		}
	})
}

func TestWithoutSMTPMailWaits(t *testing.T) {
	unconfigured, err := NewSMTPSender(SMTPConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for name, sender := range map[string]Sender{"nil sender": nil, "no host": unconfigured} {
		t.Run(name, func(t *testing.T) {
			dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
				o, q := newOutbox(t, d, sender)
				id, err := o.EnqueueNow(context.Background(), Message{To: "jo@example.net", Template: TemplateTest})
				if err != nil {
					t.Fatal(err)
				}
				start(t, q)
				it := waitRow(t, o, id, 10*time.Second, func(it Item) bool { return it.LastError != "" })
				if it.Status != StatusQueued || it.Attempts != 0 || it.LastError != "SMTP not configured" {
					t.Fatalf("row: status=%s attempts=%d last_error=%q", it.Status, it.Attempts, it.LastError)
				}
				// Snoozed, not failed: River will look again in ten minutes
				// without counting an attempt.
				deadline := time.Now().Add(5 * time.Second)
				for {
					js := sendJobs(t, q)
					if js[0].State == rivertype.JobStateScheduled {
						if js[0].Attempt != 0 || time.Until(js[0].ScheduledAt) < 9*time.Minute {
							t.Fatalf("job: attempt=%d scheduled in %s", js[0].Attempt, time.Until(js[0].ScheduledAt))
						}
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("job state %s", js[0].State)
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		})
	}
}

func TestEnqueueRejectsBadInput(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, _ := newOutbox(t, d, nil)
		long := strings.Repeat("a", 250) + "@example.org"
		cases := []struct {
			m      Message
			wantID string
		}{
			{Message{To: "", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "not-an-address", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "Jo <jo@example.net>", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "<jo@example.net>", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: " jo@example.net", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "jo@example.net\r\nBcc: x@example.org", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "a@b.c, d@e.f", Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: long, Template: TemplateTest}, "mail.error.invalid_address"},
			{Message{To: "jo@example.net", Template: "no_such"}, "mail.error.unknown_template"},
			{Message{To: "jo@example.net", Template: TemplateTest, Lang: "de"}, "mail.error.invalid_language"},
			{Message{To: "jo@example.net", Template: TemplateOperatorInvite}, "mail.error.missing_data"},
		}
		for _, tc := range cases {
			_, err := o.EnqueueNow(ctx, tc.m)
			var le *i18n.Error
			if !errors.As(err, &le) || le.ID != tc.wantID {
				t.Errorf("Enqueue(%q, %q, %q) = %v, want %s", tc.m.To, tc.m.Template, tc.m.Lang, err, tc.wantID)
			}
		}
		if items, err := o.List(ctx, ListFilter{}); err != nil || len(items) != 0 {
			t.Fatalf("rejected mail stored: %d %v", len(items), err)
		}
		var le *i18n.Error
		if _, err := o.List(ctx, ListFilter{Status: "lost"}); !errors.As(err, &le) || le.ID != "mail.error.invalid_status" {
			t.Fatalf("List(bad status) = %v", err)
		}
		if _, err := o.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(unknown) = %v", err)
		}
		// An address of the longest allowed length is fine.
		ok := strings.Repeat("a", 254-len("@example.org")) + "@example.org"
		if _, err := o.EnqueueNow(ctx, Message{To: ok, Template: TemplateTest}); err != nil {
			t.Fatalf("254-character address: %v", err)
		}
	})
}

func TestListNewestFirstWithLimit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o, _ := newOutbox(t, d, nil)
		var ids []string
		for i := range 5 {
			id, err := o.EnqueueNow(ctx, Message{To: fmt.Sprintf("p%d@example.net", i), Template: TemplateTest, Lang: i18n.FR})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		items, err := o.List(ctx, ListFilter{Limit: 3})
		if err != nil || len(items) != 3 {
			t.Fatalf("List: %d %v", len(items), err)
		}
		for i, it := range items {
			if it.ID != ids[4-i] {
				t.Fatalf("position %d is %s (%s), want %s", i, it.ID, it.To, ids[4-i])
			}
		}
		it, err := o.Get(ctx, ids[0])
		if err != nil || it.To != "p0@example.net" || it.Lang != i18n.FR || it.Status != StatusQueued || it.SentAt != nil ||
			it.Subject != "E-mail de test de Garde" || !strings.Contains(it.BodyHTML, "<html lang=\"fr\">") || it.CreatedAt.IsZero() {
			t.Fatalf("Get: %+v %v", it, err)
		}
		counts, err := o.Counts(ctx)
		if err != nil || counts[StatusQueued] != 5 || counts[StatusSent] != 0 {
			t.Fatalf("Counts = %v %v", counts, err)
		}
	})
}

func isNonASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return true
		}
	}
	return false
}
