package requests

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

const jo = "jo.martin@example.fr"

func TestVerifyByLink(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		f.clock.Add(26 * time.Hour)
		token := linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)
		v, err := f.svc.VerifyByToken(f.ctx, token)
		if err != nil || v.AlreadyVerified || v.Reference != rc.Reference || v.RequestID != rc.ID {
			t.Fatalf("verify: %v %+v", err, v)
		}
		r := f.get(rc.ID)
		if r.State != StateVerified || r.VerifiedAt == nil || !r.VerifiedAt.Equal(start.Add(26*time.Hour)) {
			t.Fatalf("%+v", r)
		}
		// The deadline still runs from receipt.
		if day(&r.DueDate) != "2026-03-02" {
			t.Fatalf("due %s", day(&r.DueDate))
		}
		ack := f.lastMail(jo, TemplateAcknowledge)
		if !strings.Contains(ack.Text, "au plus tard le 2 mars 2026") || !strings.Contains(ack.Text, PathStatus+"?token=") {
			t.Fatalf("acknowledgement:\n%s", ack.Text)
		}
		// The status token works and names this request.
		view, err := f.svc.Status(f.ctx, v.StatusToken)
		if err != nil || view.Reference != rc.Reference || view.State != StateVerified {
			t.Fatalf("status: %v %+v", err, view)
		}
		// A second click changes nothing and sends nothing.
		before := len(f.mails(jo))
		v2, err := f.svc.VerifyByToken(f.ctx, token)
		if err != nil || !v2.AlreadyVerified {
			t.Fatalf("second click: %v %+v", err, v2)
		}
		if after := len(f.mails(jo)); after != before {
			t.Fatalf("second click sent %d mails", after-before)
		}
		if a := f.auditActions(rc.ID); !slices.Equal(a, []string{"request.submitted", "request.state_changed"}) {
			t.Fatalf("audit %v", a)
		}
		// Reminders are scheduled before the due date.
		var at []string
		for _, j := range f.jobs(ReminderArgs{}.Kind()) {
			at = append(at, j.ScheduledAt.UTC().Format("2006-01-02 15:04"))
		}
		if want := []string{"2026-02-23 07:00", "2026-02-28 07:00", "2026-03-03 07:00"}; !slices.Equal(at, want) {
			t.Fatalf("reminders at %v, want %v", at, want)
		}
		for _, bad := range []string{"", "nope", strings.Repeat("a", 43), strings.Repeat("x", 500)} {
			if _, err := f.svc.VerifyByToken(f.ctx, bad); err != ErrVerificationInvalid {
				t.Fatalf("token %q: %v", bad, err)
			}
		}
	})
}

func TestVerifyByCodeAndLockout(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		m := f.lastMail(jo, TemplateVerify)
		code := mailCode(t, m.Text)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		// Typed loosely: lower case, spaces.
		ref := strings.ToLower(strings.ReplaceAll(rc.Reference, "-", " "))
		for i := 1; i < MaxCodeAttempts; i++ {
			if _, err := f.svc.VerifyByCode(f.ctx, ref, wrong); err != ErrCodeInvalid {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if _, err := f.svc.VerifyByCode(f.ctx, ref, wrong); err != ErrCodeLocked {
			t.Fatalf("fifth wrong code: %v", err)
		}
		// Locked: even the right code is refused now…
		if _, err := f.svc.VerifyByCode(f.ctx, ref, code); err != ErrCodeLocked {
			t.Fatalf("right code after lock: %v", err)
		}
		if r := f.get(rc.ID); r.State != StateReceived {
			t.Fatalf("state %s", r.State)
		}
		if a := f.auditActions(rc.ID); !slices.Contains(a, "request.verification_locked") {
			t.Fatalf("audit %v", a)
		}
		// …but a new email gives a new code that works.
		f.clock.Add(6 * time.Minute)
		if err := f.svc.ResendVerification(f.ctx, rc.Reference, "JO.MARTIN@example.fr"); err != nil {
			t.Fatal(err)
		}
		code2 := mailCode(t, f.lastMail(jo, TemplateVerify).Text)
		v, err := f.svc.VerifyByCode(f.ctx, rc.Reference, code2[:3]+" "+code2[3:])
		if err != nil || v.AlreadyVerified || v.StatusToken == "" {
			t.Fatalf("new code: %v %+v", err, v)
		}
		if r := f.get(rc.ID); r.State != StateVerified {
			t.Fatalf("state %s", r.State)
		}
		// Unknown references and malformed codes say the same thing.
		for _, c := range [][2]string{{"GR-2345-67", "123456"}, {rc.Reference, "12345"}, {"x", "123456"}, {rc.Reference, "12a456"}} {
			if _, err := f.svc.VerifyByCode(f.ctx, c[0], c[1]); err != ErrCodeInvalid {
				t.Fatalf("%v: %v", c, err)
			}
		}
	})
}

func TestResendLimits(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		first := linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)
		if err := f.svc.ResendVerification(f.ctx, rc.Reference, jo); err != ErrResendTooSoon {
			t.Fatalf("at once: %v", err)
		}
		for i := 1; i <= MaxResends; i++ {
			f.clock.Add(5 * time.Minute)
			if err := f.svc.ResendVerification(f.ctx, rc.Reference, jo); err != nil {
				t.Fatalf("resend %d: %v", i, err)
			}
		}
		f.clock.Add(time.Hour)
		if err := f.svc.ResendVerification(f.ctx, rc.Reference, jo); err != ErrResendExhausted {
			t.Fatalf("after %d resends: %v", MaxResends, err)
		}
		if n := len(f.mails(jo)); n != 1+MaxResends {
			t.Fatalf("%d verification mails", n)
		}
		// Only the newest link works.
		if _, err := f.svc.VerifyByToken(f.ctx, first); err != ErrVerificationInvalid {
			t.Fatalf("old link: %v", err)
		}
		if _, err := f.svc.VerifyByToken(f.ctx, linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)); err != nil {
			t.Fatalf("newest link: %v", err)
		}
		// Nothing to resend once verified: a neutral nil, no mail.
		f.clock.Add(time.Hour)
		before := len(f.mails(jo))
		if err := f.svc.ResendVerification(f.ctx, rc.Reference, jo); err != nil || len(f.mails(jo)) != before {
			t.Fatalf("resend after verification: %v", err)
		}
	})
}

func TestUnverifiedRequestsExpireAfterSevenDays(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		token := linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)

		// Run early, the job waits for the rest of the period.
		f.clock.Add(VerificationTTL - time.Hour)
		wait, err := f.svc.expire(f.ctx, rc.ID)
		if err != nil || wait != time.Hour {
			t.Fatalf("early: %v %v", wait, err)
		}
		if r := f.get(rc.ID); r.State != StateReceived {
			t.Fatalf("expired early: %s", r.State)
		}
		f.clock.Add(time.Hour)
		if _, err := f.svc.VerifyByToken(f.ctx, token); err != ErrVerificationInvalid {
			t.Fatalf("link at expiry: %v", err)
		}
		if wait, err := f.svc.expire(f.ctx, rc.ID); err != nil || wait != 0 {
			t.Fatalf("expire: %v %v", wait, err)
		}
		r := f.get(rc.ID)
		if r.State != StateExpired || r.Outcome != OutcomeExpired || r.ClosedAt == nil {
			t.Fatalf("%+v", r)
		}
		// Running again (a retried job) changes nothing.
		if _, err := f.svc.expire(f.ctx, rc.ID); err != nil {
			t.Fatal(err)
		}
		if a := f.auditActions(rc.ID); !slices.Equal(a, []string{"request.submitted", "request.state_changed"}) {
			t.Fatalf("audit %v", a)
		}
		if _, err := f.svc.VerifyByToken(f.ctx, token); err != ErrVerificationInvalid {
			t.Fatalf("link after expiry: %v", err)
		}
		// A verified request is left alone by its expiry job.
		rc2 := f.submit(input())
		f.verifyLink(jo)
		f.clock.Add(VerificationTTL)
		if _, err := f.svc.expire(f.ctx, rc2.ID); err != nil {
			t.Fatal(err)
		}
		if r := f.get(rc2.ID); r.State != StateVerified {
			t.Fatalf("verified request expired: %s", r.State)
		}
	})
}

// Two clicks at once (a mail scanner and the person): one verification,
// one acknowledgement, no error.
func TestConcurrentVerification(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		token := linkToken(t, f.lastMail(jo, TemplateVerify).Text, PathVerify)
		const n = 4
		errs := make(chan error, n)
		already := make(chan bool, n)
		for range n {
			go func() {
				v, err := f.svc.VerifyByToken(f.ctx, token)
				errs <- err
				already <- err == nil && v.AlreadyVerified
			}()
		}
		fresh := 0
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			if !<-already {
				fresh++
			}
		}
		if fresh != 1 {
			t.Fatalf("%d verifications", fresh)
		}
		if acks := f.count("SELECT COUNT(*) FROM mail_outbox WHERE template = ?", TemplateAcknowledge); acks != 1 {
			t.Fatalf("%d acknowledgements", acks)
		}
		if r := f.get(rc.ID); r.State != StateVerified || r.Version != 2 {
			t.Fatalf("state %s version %d", r.State, r.Version)
		}
	})
}
