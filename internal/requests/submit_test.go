package requests

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestSubmitSavesRequestMailAndExpiryJobTogether(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		rc := f.submit(input())
		if _, ok := ParseReference(rc.Reference); !ok || !strings.HasPrefix(rc.Reference, "GR-") {
			t.Fatalf("reference %q", rc.Reference)
		}
		r := f.get(rc.ID)
		if r.State != StateReceived || r.Email != "jo.martin@example.fr" || r.Phone != "+33612345678" ||
			r.Region != "FR" || r.LawID != "gdpr" || r.Language != i18n.FR || r.Source != SourceForm ||
			r.Description != "Bonjour,\nje voudrais une copie de mes données." || r.AccountID != "acct-42" {
			t.Fatalf("stored request: %+v", r)
		}
		// Received Saturday 31 January: one month ends Saturday 28
		// February, moved to Monday 2 March; extended, Thursday 30 April.
		if day(&r.DueDate) != "2026-03-02" || day(r.LegalDueDate) != "2026-03-02" || day(r.ExtensionLimit) != "2026-04-30" ||
			day(r.ExtensionNoticeBy) != "2026-03-02" || r.AcknowledgeBy != nil || r.InternalTarget != nil {
			t.Fatalf("dates: due %s legal %s ext %s notice %s ack %s", day(&r.DueDate), day(r.LegalDueDate),
				day(r.ExtensionLimit), day(r.ExtensionNoticeBy), day(r.AcknowledgeBy))
		}

		m := f.lastMail("jo.martin@example.fr", TemplateVerify)
		if m.Lang != "fr" || !strings.Contains(m.Subject, "Confirmez votre demande "+rc.Reference) ||
			!strings.Contains(m.Text, "demande d'accès à vos données") || !strings.Contains(m.Text, "07/02/2026 à 10:00 UTC") {
			t.Fatalf("verification mail:\n%s\n%s", m.Subject, m.Text)
		}
		linkToken(t, m.Text, PathVerify)
		mailCode(t, m.Text)
		if es := kinds(f.events(rc.ID)); !slices.Equal(es, []EventKind{EventSubmitted, EventEmailSent}) {
			t.Fatalf("timeline %v", es)
		}
		if a := f.auditActions(rc.ID); !slices.Equal(a, []string{"request.submitted"}) {
			t.Fatalf("audit %v", a)
		}
		jobs := f.jobs(ExpireArgs{}.Kind())
		if len(jobs) != 1 || !jobs[0].ScheduledAt.Equal(start.Add(VerificationTTL)) {
			t.Fatalf("expire jobs %v", jobs)
		}
		// The audit log never names the person.
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE actor LIKE ? OR details LIKE ?", "%example.fr%", "%example.fr%"); n != 0 {
			t.Fatalf("the audit log holds the address %d time(s)", n)
		}
	})
}

func TestSubmitRefusesEachBadFieldInFrench(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	fr := cat.For(i18n.FR)
	long := func(n int) string { return strings.Repeat("é", n) }
	cases := []struct {
		field  string
		change func(*SubmitInput)
		id     string
		text   string // part of the French message
	}{
		{FieldEmail, func(in *SubmitInput) { in.Email = "" }, "requests.error.email_required", "Saisissez votre adresse e-mail"},
		{FieldEmail, func(in *SubmitInput) { in.Email = "Jo <jo@example.fr>" }, "requests.error.email_invalid", "adresse e-mail valide"},
		{FieldEmail, func(in *SubmitInput) { in.Email = "jo@localhost" }, "requests.error.email_invalid", "adresse e-mail valide"},
		{FieldName, func(in *SubmitInput) { in.Name = "  " }, "requests.error.name_required", "Saisissez votre nom"},
		{FieldName, func(in *SubmitInput) { in.Name = long(201) }, "requests.error.name_long", "200 caractères"},
		{FieldName, func(in *SubmitInput) { in.Name = "Jo\x00" }, "requests.error.text_invalid", "caractères non autorisés"},
		{FieldPhone, func(in *SubmitInput) { in.Phone = "call me" }, "requests.error.phone_invalid", "format international"},
		{FieldPhone, func(in *SubmitInput) { in.Phone = "+0612" }, "requests.error.phone_invalid", "format international"},
		{FieldSubject, func(in *SubmitInput) { in.Subject = "" }, "requests.error.subject_required", "l'objet de votre demande"},
		{FieldSubject, func(in *SubmitInput) { in.Subject = "a\nb" }, "requests.error.text_invalid", "caractères non autorisés"},
		{FieldType, func(in *SubmitInput) { in.Type = "" }, "requests.error.type_required", "type de demande"},
		{FieldType, func(in *SubmitInput) { in.Type = "delete_everything" }, "requests.error.type_invalid", "inconnu"},
		{FieldDescription, func(in *SubmitInput) { in.Description = "\n \n" }, "requests.error.description_required", "Décrivez"},
		{FieldDescription, func(in *SubmitInput) { in.Description = long(5001) }, "requests.error.description_long", "5000 caractères"},
		{FieldDescription, func(in *SubmitInput) { in.Description = "bell\a" }, "requests.error.text_invalid", "caractères non autorisés"},
		{FieldAccountID, func(in *SubmitInput) { in.AccountID = long(101) }, "requests.error.account_id_long", "100 caractères"},
		{FieldRegion, func(in *SubmitInput) { in.Region, in.Phone = "", "" }, "requests.error.region_required", "pays ou la région"},
		{FieldRegion, func(in *SubmitInput) { in.Region, in.Phone = "France", "" }, "requests.error.region_invalid", "code de pays"},
		{FieldRegion, func(in *SubmitInput) { in.Region, in.Phone = "JP", "" }, "requests.error.region_unknown", "pas encore recevoir"},
		{FieldLanguage, func(in *SubmitInput) { in.Language = "de" }, "requests.error.language_invalid", "néerlandais"},
	}
	for _, c := range cases {
		in := input()
		c.change(&in)
		_, err := f.svc.Submit(f.ctx, in, SubmitMeta{})
		var fe FieldErrors
		if !errors.As(err, &fe) {
			t.Fatalf("%s %s: error %v, want FieldErrors", c.field, c.id, err)
		}
		if len(fe) != 1 || fe[c.field] == nil || fe[c.field].ID != c.id {
			t.Fatalf("%s: got %v", c.id, fe)
		}
		if msg := fe[c.field].Localize(fr); !strings.Contains(msg, c.text) {
			t.Errorf("%s in French: %q lacks %q", c.id, msg, c.text)
		}
	}
	// Every bad field at once: all reported, in form order.
	_, err := f.svc.Submit(f.ctx, SubmitInput{Phone: "x", Type: "?", AccountID: long(101), Region: "??", Language: "xx"}, SubmitMeta{})
	var fe FieldErrors
	if !errors.As(err, &fe) || !slices.Equal(fe.Ordered(), Fields) {
		t.Fatalf("all fields: %v", err)
	}
	// Nothing was saved, nothing sent.
	if n := f.count("SELECT COUNT(*) FROM requests"); n != 0 {
		t.Fatalf("%d requests saved", n)
	}
	if n := f.count("SELECT COUNT(*) FROM mail_outbox"); n != 0 {
		t.Fatalf("%d mails queued", n)
	}
}

func TestPhoneNumbers(t *testing.T) {
	for _, c := range []struct{ in, region, want string }{
		{"", "FR", ""},
		{"+33 6 12 34 56 78", "US-CA", "+33612345678"},
		{"0033 6 12 34 56 78", "BE", "+33612345678"},
		{"06.12.34.56.78", "FR", "+33612345678"},
		{"0470 12 34 56", "BE", "+32470123456"},
		{"06-12345678", "NL", "+31612345678"},
		{"(514) 555-0199", "CA-QC", "+15145550199"},
		{"1 514 555 0199", "CA-QC", "+15145550199"},
	} {
		got, ok := normalizePhone(c.in, c.region)
		if !ok || got != c.want {
			t.Errorf("normalizePhone(%q, %s) = %q, %v; want %q", c.in, c.region, got, ok, c.want)
		}
	}
	for _, c := range []struct{ in, region string }{
		{"0612345678", "JP"}, {"12", "FR"}, {"+1 (555) abc", "US-CA"}, {"555 0199", "US-CA"}, {"06 12 34 56 78 +", "FR"},
	} {
		if got, ok := normalizePhone(c.in, c.region); ok {
			t.Errorf("normalizePhone(%q, %s) = %q, want refused", c.in, c.region, got)
		}
	}
}

func TestReferences(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		ref, err := newReference()
		if err != nil {
			t.Fatal(err)
		}
		canon, ok := ParseReference(strings.ToLower(strings.ReplaceAll(ref, "-", " ")))
		if !ok || canon != ref {
			t.Fatalf("%s read back as %q, %v", ref, canon, ok)
		}
		seen[ref] = true
	}
	if len(seen) < 1990 {
		t.Fatalf("only %d distinct references in 2000", len(seen))
	}
	for _, bad := range []string{"", "GR-", "GR-1234-56", "GR-ABCD-EFG", "GR-OOOO-II", "GR-ÀBCD-EF", "XX-ABCD-EF"} {
		if got, ok := ParseReference(bad); ok {
			t.Errorf("ParseReference(%q) = %q", bad, got)
		}
	}
	// A code that itself starts with GR reads the same with or without
	// the prefix.
	for _, in := range []string{"GR-GRAB-CD", "grab cd", "GRGRABCD"} {
		if got, _ := ParseReference(in); got != "GR-GRAB-CD" {
			t.Errorf("ParseReference(%q) = %q", in, got)
		}
	}
	if got, _ := ParseReference("gr 7k3f q9"); got != "GR-7K3F-Q9" {
		t.Errorf("ParseReference(gr 7k3f q9) = %q", got)
	}
}

// The form answers the same way whoever the address belongs to: an
// operator, someone who asked before, or nobody known.
func TestSubmitIsNeutral(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.submit(input())
		for _, email := range []string{"jo.martin@example.fr", f.agent.Email, "nobody.known@example.net"} {
			in := input()
			in.Email = email
			rc, err := f.svc.Submit(f.ctx, in, SubmitMeta{})
			if err != nil || rc.ID == "" || rc.Reference == "" {
				t.Fatalf("%s: %v %+v", email, err, rc)
			}
			if m := f.lastMail(email, TemplateVerify); m.Template != TemplateVerify {
				t.Fatalf("%s: %+v", email, m)
			}
		}
		// Resending answers nil for anything unknown or mismatched.
		for _, c := range [][2]string{{"GR-2345-67", "jo.martin@example.fr"}, {"not a ref", "x@example.org"}, {"GR-2345-67", "not an email"}} {
			if err := f.svc.ResendVerification(f.ctx, c[0], c[1]); err != nil {
				t.Fatalf("resend %v: %v", c, err)
			}
		}
	})
}

// A failure half-way (here the mail cannot be stored) leaves nothing.
func TestSubmitIsAllOrNothing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, func(deps *Deps) { deps.Outbox = failingMailer{} })
		if _, err := f.svc.Submit(f.ctx, input(), SubmitMeta{}); err == nil {
			t.Fatal("submit succeeded without its mail")
		}
		for _, table := range []string{"requests", "request_events", "audit_log WHERE action LIKE 'request.%'", "river_job"} {
			if n := f.count("SELECT COUNT(*) FROM " + table); n != 0 {
				t.Errorf("%s: %d rows left", table, n)
			}
		}
	})
}

type failingMailer struct{}

func (failingMailer) Enqueue(ctx context.Context, tx *db.Tx, m mail.Message) (string, error) {
	// Write first, like the outbox does, so the rollback is what is tested.
	if _, err := tx.Exec(ctx, "INSERT INTO secret_keys(name, value, created_at) VALUES ('probe', 'x', ?)", time.Now().UTC()); err != nil {
		return "", err
	}
	return "", errors.New("mail server on fire")
}

func TestAPISubmissionVerifiedByTheBusiness(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in := input()
		in.Region, in.Type, in.Language, in.Phone = "US-CA", TypeErasure, i18n.EN, "+1 415 555 0100"
		// Only an agent or token may vouch for a person.
		if _, err := f.svc.Submit(f.ctx, in, SubmitMeta{Verified: true}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("form vouching: %v", err)
		}
		if _, err := f.svc.Submit(f.ctx, in, SubmitMeta{Source: SourceAPI, Actor: f.as(f.viewer)}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("viewer: %v", err)
		}
		rc, err := f.svc.Submit(f.ctx, in, SubmitMeta{Source: SourceAPI, Actor: TokenActor("tok1"), Verified: true})
		if err != nil {
			t.Fatal(err)
		}
		r := f.get(rc.ID)
		// CCPA: 45 days, acknowledgement within 10 business days.
		if r.State != StateVerified || r.Source != SourceAPI || day(&r.DueDate) != "2026-03-17" ||
			day(r.AcknowledgeBy) != "2026-02-13" || day(r.ExtensionLimit) != "2026-05-01" {
			t.Fatalf("%+v", r)
		}
		ms := f.mails("jo.martin@example.fr")
		if len(ms) != 1 || ms[0].Template != TemplateAcknowledge || !strings.Contains(ms[0].Text, "17 March 2026") {
			t.Fatalf("mails %+v", ms)
		}
		if a := f.auditActions(rc.ID); !slices.Equal(a, []string{"request.submitted", "request.state_changed"}) {
			t.Fatalf("audit %v", a)
		}
		var actor, details string
		if err := f.db.QueryRow(f.ctx, "SELECT actor, details FROM audit_log WHERE action = 'request.state_changed'").Scan(&actor, &details); err != nil {
			t.Fatal(err)
		}
		if actor != "token:tok1" || !strings.Contains(details, "verified_by_submitter") {
			t.Fatalf("audit: %s %s", actor, details)
		}
		if n := len(f.jobs(ExpireArgs{}.Kind())); n != 0 {
			t.Fatalf("%d expiry jobs for a verified request", n)
		}
	})
}
