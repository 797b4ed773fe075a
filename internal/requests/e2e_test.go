package requests

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// The whole path on a working queue and a real SMTP server: submit in
// French, receive the verification email, verify with its link, receive
// the acknowledgement with the due date, in French.
func TestSubmitVerifyAcknowledgeOverSMTP(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{})
		sender, err := mail.NewSMTPSender(mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: "none",
			From: "Confidentialité ACME <privacy@acme.example>", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		al := audit.New(d)
		q := jobs.New(d, quiet)
		ob := mail.NewOutbox(d, q, cat, sender, quiet)
		ob.SetOrganization("ACME")
		svc := NewService(Deps{
			DB: d, Queue: q, Audit: al, Outbox: ob, Operators: operator.NewService(d, al, 0), Log: quiet,
			Deadlines: NewRulesDeadlines(rules.Embedded(), "FR", nil), BaseURL: "https://privacy.acme.example",
		})
		if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(stop)
		})

		rc, err := svc.Submit(ctx, input(), SubmitMeta{})
		if err != nil {
			t.Fatal(err)
		}
		msgs := srv.WaitFor(t, 1, 15*time.Second)
		m := msgs[0]
		text, err := m.Part("text/plain")
		if err != nil {
			t.Fatal(err)
		}
		if m.To[0] != jo || m.Subject != "Confirmez votre demande "+rc.Reference || !strings.Contains(text, "Bonjour Jo Martin,") {
			t.Fatalf("verification mail: %v %q\n%s", m.To, m.Subject, text)
		}
		code := mailCode(t, text)
		token := linkToken(t, text, "https://privacy.acme.example"+PathVerify)

		// Once sent, the stored copy no longer holds a working link or code.
		deadline := time.Now().Add(10 * time.Second)
		for {
			var body, status string
			if err := d.QueryRow(ctx, "SELECT body_text, status FROM mail_outbox WHERE template = ?", TemplateVerify).Scan(&body, &status); err != nil {
				t.Fatal(err)
			}
			if status == mail.StatusSent {
				if strings.Contains(body, token) || strings.Contains(body, code[:3]+" "+code[3:]) {
					t.Fatalf("the sent copy keeps the secrets:\n%s", body)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("verification mail still %s", status)
			}
			time.Sleep(20 * time.Millisecond)
		}

		v, err := svc.VerifyByToken(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		msgs = srv.WaitFor(t, 2, 15*time.Second)
		ack := msgs[1]
		ackText, err := ack.Part("text/plain")
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Get(ctx, v.RequestID)
		if err != nil {
			t.Fatal(err)
		}
		due := FormatDate("fr", r.DueDate)
		if ack.Subject != "Votre demande "+rc.Reference+" est enregistrée" || !strings.Contains(ackText, "au plus tard le "+due) ||
			!strings.Contains(ackText, "https://privacy.acme.example"+PathStatus+"?token=") {
			t.Fatalf("acknowledgement %q:\n%s", ack.Subject, ackText)
		}
		html, err := ack.Part("text/html")
		if err != nil || !strings.Contains(html, `lang="fr"`) || !strings.Contains(html, "Suivre ma demande") {
			t.Fatalf("acknowledgement HTML: %v\n%s", err, html)
		}
		if view, err := svc.Status(ctx, linkToken(t, ackText, "https://privacy.acme.example"+PathStatus)); err != nil || view.State != StateVerified {
			t.Fatalf("status from the email: %v %+v", err, view)
		}
	})
}
