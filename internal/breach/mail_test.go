package breach

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// The notices to the people of Quebec go out through the outbox over real
// SMTP, each in the person's language, from the saved drafts; the
// notification is recorded with them.
func TestSendNoticesByEmail(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		smtp := smtptest.Start(t, smtptest.Options{})
		sender, err := mail.NewSMTPSender(mail.SMTPConfig{Host: smtp.Host, Port: smtp.Port, TLS: "none",
			From: "Boutique <vie.privee@lumiere.example>", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.DiscardHandler)
		cat := i18n.MustLoad()
		q := jobs.New(d, log)
		outbox := mail.NewOutbox(d, q, cat, sender, log)
		if err := q.Build(jobs.Options{Workers: 2, PollInterval: 50 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(c)
		})
		aware := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Second)
		s, err := NewService(Deps{DB: d, Audit: audit.New(d), Rules: rules.Embedded(), Catalog: cat,
			Location: zone(t, "America/Toronto"), Organization: "Boutique Lumière inc.", Outbox: outbox})
		if err != nil {
			t.Fatal(err)
		}
		inc, err := s.Open(ctx, actor, quebecFranceOntario(aware))
		if err != nil {
			t.Fatal(err)
		}
		to := []Recipient{{"Luc@Example.ca", i18n.FR}, {"ann@example.ca", i18n.EN}, {"luc@example.ca", i18n.FR}}
		var fe FieldErrors
		if _, err := s.SendNotices(ctx, actor, inc.ID, "quebec/persons", to); !errors.As(err, &fe) || fe["obligation"] != ErrNotOwed {
			t.Fatalf("before the assessment: %v", err)
		}
		if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "quebec", Level: "yes", Consulted: true, Reasoning: "Risk.",
			Factors: map[string]string{"sensitivity": "medium", "consequences": "medium", "probability": "high"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendNotices(ctx, actor, inc.ID, "quebec/persons", to); !errors.As(err, &fe) || fe["recipients"] == nil || fe["recipients"].ID != "breach.error.draft_unsaved" {
			t.Fatalf("without saved drafts: %v", err)
		}
		if _, err := s.SendNotices(ctx, actor, inc.ID, "quebec/persons", []Recipient{{"not an address", i18n.FR}}); !errors.As(err, &fe) || fe["recipients"].ID != "breach.error.recipient_invalid" {
			t.Fatalf("bad address: %v", err)
		}
		for _, l := range []i18n.Lang{i18n.FR, i18n.EN} {
			dr, err := s.Draft(ctx, inc.ID, "quebec/persons", l)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveDraft(ctx, actor, inc.ID, "quebec/persons", l, dr.Body); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.SendNotices(ctx, actor, inc.ID, "quebec/persons", to)
		if err != nil {
			t.Fatal(err)
		}
		if n.Phase != 1 {
			t.Errorf("phase %d", n.Phase)
		}
		msgs := smtp.WaitFor(t, 2, 30*time.Second)
		bySubject := map[string]smtptest.Message{}
		for _, m := range msgs {
			bySubject[m.To[0]] = m
		}
		fr, en := bySubject["luc@example.ca"], bySubject["ann@example.ca"]
		if fr.Subject != "Avis d’incident de confidentialité — "+inc.Reference || en.Subject != "Notice of a confidentiality incident — "+inc.Reference {
			t.Fatalf("subjects %q / %q", fr.Subject, en.Subject)
		}
		body, err := fr.Part("text/plain")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "1. Renseignements personnels visés") || !strings.Contains(body, "5. Ce que vous pouvez faire") {
			t.Errorf("French notice:\n%s", body)
		}
		v, _ := s.Get(ctx, inc.ID)
		if o := obligation(t, v, "quebec/persons"); o.Status != StatusSent {
			t.Errorf("persons obligation %s", o.Status)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			emails, err := s.NoticeEmails(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(emails) == 2 && emails[0].Status == mail.StatusSent && emails[1].Status == mail.StatusSent {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("notice emails %+v", emails)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
