package requests

import (
	"slices"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

func TestAssignNotesAndReplies(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		agent := f.as(f.agent)
		r := f.reach(StateVerified)

		for _, bad := range []string{f.viewer.ID, "nope", "0190d9c2-0000-7000-8000-000000000000"} {
			if err := f.svc.Assign(f.ctx, agent, r.ID, bad); err != ErrAssignee {
				t.Fatalf("assign %s: %v", bad, err)
			}
		}
		if err := f.ops.Disable(f.ctx, operator.ActorCLI, f.agent2.Email); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Assign(f.ctx, agent, r.ID, f.agent2.ID); err != ErrAssignee {
			t.Fatalf("disabled agent: %v", err)
		}
		if err := f.svc.Assign(f.ctx, f.as(f.viewer), r.ID, f.agent.ID); err != ErrForbidden {
			t.Fatalf("viewer assigning: %v", err)
		}
		if err := f.svc.Assign(f.ctx, agent, r.ID, strings.ToUpper(f.agent.ID)); err != nil {
			t.Fatal(err)
		}
		if got := f.get(r.ID); got.AssigneeID != f.agent.ID {
			t.Fatalf("assignee %q", got.AssigneeID)
		}

		if _, err := f.svc.AddNote(f.ctx, agent, r.ID, "  "); err != ErrBodyRequired {
			t.Fatalf("empty note: %v", err)
		}
		note, err := f.svc.AddNote(f.ctx, agent, r.ID, "Checked the shop: two orders.")
		if err != nil || note.Visibility != Internal || note.Actor != "operator:"+f.agent.ID {
			t.Fatalf("note: %v %+v", err, note)
		}
		before := len(f.mails(jo))
		reply, err := f.svc.Reply(f.ctx, agent, r.ID, "Bonjour,\n\nPouvez-vous préciser la boutique concernée ?\n\nMerci <3")
		if err != nil || reply.Visibility != VisibleSubject {
			t.Fatalf("reply: %v %+v", err, reply)
		}
		if n := len(f.mails(jo)); n != before+1 {
			t.Fatalf("note or reply mailed %d times", n-before)
		}
		m := f.lastMail(jo, TemplateReply)
		if !strings.Contains(m.Subject, "Un message au sujet de votre demande") || !strings.Contains(m.Text, "> Pouvez-vous préciser la boutique concernée ?") ||
			!strings.Contains(m.HTML, "Merci &lt;3") || !strings.Contains(m.HTML, "<blockquote") {
			t.Fatalf("reply mail:\n%s\n%s", m.Text, m.HTML)
		}

		// The person sees the reply, not the note, and answers.
		token := linkToken(t, m.Text, PathStatus)
		view, err := f.svc.Status(f.ctx, token)
		if err != nil || !view.CanReply || !view.CanWithdraw || view.Authority == "" {
			t.Fatalf("status: %v %+v", err, view)
		}
		var bodies []string
		for _, msg := range view.Messages {
			bodies = append(bodies, msg.Body)
		}
		if slices.Contains(bodies, "Checked the shop: two orders.") || !slices.Contains(bodies, reply.Body) {
			t.Fatalf("messages seen by the person: %q", bodies)
		}
		if err := f.svc.PostSubjectMessage(f.ctx, token, ""); err != ErrBodyRequired {
			t.Fatalf("empty message: %v", err)
		}
		if err := f.svc.PostSubjectMessage(f.ctx, token, "C'est la boutique de Lyon."); err != nil {
			t.Fatal(err)
		}
		// Only the assignee hears of it, in their language.
		am := f.lastMail(f.agent.Email, TemplateSubjectMessage)
		if am.Lang != "fr" || !strings.Contains(am.Text, PathRequest+r.ID) || strings.Contains(am.Text, "Lyon") {
			t.Fatalf("assignee mail:\n%s", am.Text)
		}
		if len(f.mails(f.owner.Email)) != 0 {
			t.Fatal("an operator other than the assignee was told")
		}
		view, _ = f.svc.Status(f.ctx, token)
		lastMsg := view.Messages[len(view.Messages)-1]
		if !lastMsg.FromSubject || lastMsg.Body != "C'est la boutique de Lyon." {
			t.Fatalf("last message %+v", lastMsg)
		}
		if a := f.auditActions(r.ID); !slices.Equal(a[len(a)-4:], []string{"request.assigned", "request.note_added", "request.replied", "request.subject_message"}) {
			t.Fatalf("audit %v", a)
		}
		// Tampered or expired status links say nothing.
		flipped := []byte(token)
		flipped[10] ^= 1 // another base64 letter: one bit of the ID changes
		for _, bad := range []string{"", "abc", string(flipped), strings.Repeat("A", 75)} {
			if _, err := f.svc.Status(f.ctx, bad); err != ErrStatusInvalid {
				t.Fatalf("status %q: %v", bad, err)
			}
		}
		f.clock.Add(StatusTTL)
		if _, err := f.svc.Status(f.ctx, token); err != ErrStatusInvalid {
			t.Fatalf("expired status link: %v", err)
		}
	})
}

func TestUnassignedMessagesGoToEveryAgent(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite))
	f.reach(StateVerified)
	token := statusTokenOf(t, f)
	if err := f.svc.PostSubjectMessage(f.ctx, token, "Hello?"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*operator.Operator{f.owner, f.admin, f.agent, f.agent2} {
		if len(f.mails(o.Email)) != 1 {
			t.Errorf("%s got %d mails", o.Email, len(f.mails(o.Email)))
		}
	}
	if len(f.mails(f.viewer.Email)) != 0 {
		t.Error("a viewer was told")
	}
	if m := f.lastMail(f.agent2.Email, TemplateSubjectMessage); m.Lang != "nl" || !strings.Contains(m.Subject, "Nieuw bericht") {
		t.Errorf("Dutch agent: %s %s", m.Lang, m.Subject)
	}
}

func TestRejectionNamesTheAuthority(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in := input()
		in.Region, in.Phone, in.Language = "CA-QC", "", i18n.FR
		r := f.verified(in)
		if err := f.svc.Reject(f.ctx, f.as(f.agent), r.ID, "Nous ne détenons pas de compte à ce nom."); err != nil {
			t.Fatal(err)
		}
		r = f.get(r.ID)
		if r.State != StateRejected || r.Outcome != OutcomeRejected || r.RejectionReason == "" || r.ClosedAt == nil {
			t.Fatalf("%+v", r)
		}
		m := f.lastMail(jo, TemplateRejection)
		for _, want := range []string{"Nous ne pouvons pas donner suite", "> Nous ne détenons pas de compte à ce nom.",
			"Commission d'accès à l'information du Québec", "https://www.cai.gouv.qc.ca/", "saisir la justice"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("rejection lacks %q:\n%s", want, m.Text)
			}
		}
		view, err := f.svc.Status(f.ctx, linkToken(t, m.Text, PathStatus))
		if err != nil || view.State != StateRejected || view.RejectionReason == "" || view.CanReply || view.CanWithdraw ||
			!strings.Contains(view.Authority, "Québec") {
			t.Fatalf("status: %v %+v", err, view)
		}
		if err := f.svc.PostSubjectMessage(f.ctx, linkToken(t, m.Text, PathStatus), "Pourquoi ?"); err != ErrClosed {
			t.Fatalf("message on a rejected request: %v", err)
		}
		// An unverified request is rejected without mail to the address.
		rr := f.reach(StateReceived)
		before := len(f.mails(jo))
		if err := f.svc.Reject(f.ctx, f.as(f.agent), rr.ID, "Spam."); err != nil {
			t.Fatal(err)
		}
		if len(f.mails(jo)) != before {
			t.Fatal("rejection mailed to an unverified address")
		}
	})
}

func TestCompletionAndWithdrawal(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		r := f.reach(StateInProgress)
		if err := f.svc.Complete(f.ctx, f.as(f.agent), r.ID, OutcomeNoData, "Aucun compte trouvé à cette adresse."); err != nil {
			t.Fatal(err)
		}
		m := f.lastMail(jo, TemplateClosure)
		if !strings.Contains(m.Text, "nous ne détenons aucune donnée personnelle vous concernant") ||
			!strings.Contains(m.Text, "> Aucun compte trouvé à cette adresse.") {
			t.Fatalf("closure:\n%s", m.Text)
		}
		if r := f.get(r.ID); r.Outcome != OutcomeNoData || r.CloseNote == "" || r.State != StateCompleted {
			t.Fatalf("%+v", r)
		}

		// The person withdraws another request from its status page.
		f.reach(StateVerified)
		token := statusTokenOf(t, f)
		if err := f.svc.Withdraw(f.ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Withdraw(f.ctx, token); err == nil {
			t.Fatal("withdrawn twice")
		}
		m = f.lastMail(jo, TemplateClosure)
		if !strings.Contains(m.Text, "a été retirée, comme vous l'avez demandé") || strings.Contains(m.Text, "Notre commentaire") {
			t.Fatalf("withdrawal:\n%s", m.Text)
		}
		view, err := f.svc.Status(f.ctx, token)
		if err != nil || view.State != StateClosed || view.Outcome != OutcomeWithdrawn {
			t.Fatalf("%v %+v", err, view)
		}
		var actor string
		if err := f.db.QueryRow(f.ctx, "SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&actor); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(actor, "subject:") || strings.Contains(actor, "example") {
			t.Fatalf("withdrawal actor %q", actor)
		}
	})
}
