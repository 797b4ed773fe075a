package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestRequestPagesEveryLanguage renders every request and system page,
// and the pages their refused forms answer with, in en, fr and nl: each
// is checked like the other back-office pages (language, title, no inline
// script or style, no message ID, no missing translation), shows no raw
// ID or code, and has its own title in French and Dutch.
func TestRequestPagesEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	ctx := context.Background()
	agentActor := requests.OperatorActor(e.users[operator.Agent])
	sys, err := e.svc.CreateSystem(ctx, requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "Boutique", OwnerEmail: "shop@example.org", Kind: requests.SystemManual, Description: "Orders.", Active: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateSystem(ctx, requests.OperatorActor(e.users[operator.Admin]), requests.SystemInput{
		Name: "CRM", OwnerEmail: "crm@example.org", Kind: requests.SystemAutomatic, Active: false,
	}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Now().AddDate(0, -2, 0))
	overdue := e.verified(submission("old@example.fr", "FR", i18n.FR, requests.TypeAccess))
	e.clock.Set(time.Time{})
	received := e.submit(submission("new@example.nl", "NL", i18n.NL, requests.TypeErasure))
	verified := e.verified(submission("ca@example.com", "US-CA", i18n.EN, requests.TypeOptOutSale))
	checking := e.verified(submission("qc@example.ca", "CA-QC", i18n.FR, requests.TypeRectification))
	for _, step := range []func() error{
		func() error { return e.svc.Assign(ctx, agentActor, checking, e.users[operator.Agent].ID) },
		func() error {
			return e.svc.StartIdentityCheck(ctx, agentActor, checking, "Email differs from the account.")
		},
		func() error { _, err := e.svc.AddNote(ctx, agentActor, checking, "Asked for a document."); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	finished := e.verified(submission("be@example.be", "BE", i18n.NL, requests.TypePortability))
	tasks, err := e.svc.Tasks(ctx, finished)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	for _, step := range []func() error{
		func() error { return e.svc.CompleteTask(ctx, agentActor, tasks[0].ID, "Exported.") },
		func() error { return e.svc.Extend(ctx, agentActor, finished, "Large export.") },
		func() error { _, err := e.svc.Reply(ctx, agentActor, finished, "Here it comes."); return err },
		func() error {
			return e.svc.Complete(ctx, agentActor, finished, requests.OutcomePartial, "Part of the data is kept.")
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}

	// Files and clarification pauses: a UK request whose clock stopped
	// twice, and a closed request with one file kept and one deleted.
	uk := e.verified(submission("uk@example.co.uk", "GB", i18n.EN, requests.TypeAccess))
	paused := e.verified(submission("uk2@example.co.uk", "GB", i18n.EN, requests.TypeErasure))
	withFiles := e.verified(submission("files@example.fr", "FR", i18n.FR, requests.TypeAccess))
	adminActor := requests.OperatorActor(e.users[operator.Admin])
	var kept, dropped *requests.Attachment
	for _, step := range []func() error{
		func() error {
			_, err := e.svc.AddAttachment(ctx, agentActor, paused, "Passport.pdf", scanPDF)
			return err
		},
		func() error { return e.svc.PauseForClarification(ctx, agentActor, paused, "Which account?") },
		func() error { return e.svc.ResumeAfterClarification(ctx, agentActor, paused) },
		func() error { return e.svc.PauseForClarification(ctx, agentActor, paused, "Which address?") },
		func() error {
			kept, err = e.svc.AddAttachment(ctx, agentActor, withFiles, "Letter.txt", letterTX)
			return err
		},
		func() error {
			dropped, err = e.svc.AddAttachment(ctx, agentActor, withFiles, "Scan.pdf", scanPDF)
			return err
		},
		func() error { return e.svc.SetAttachmentKeep(ctx, adminActor, withFiles, kept.ID, true) },
		func() error { return e.svc.Close(ctx, agentActor, withFiles, requests.OutcomeDuplicate, "") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	// A result delivered to the person while the work goes on.
	delivering := e.verified(submission("result@example.fr", "FR", i18n.FR, requests.TypeAccess))
	var result *requests.Attachment
	for _, step := range []func() error{
		func() error { return e.svc.Start(ctx, agentActor, delivering) },
		func() error {
			result, err = e.svc.AddAttachment(ctx, agentActor, delivering, "Export.pdf", scanPDF)
			return err
		},
		func() error {
			_, err := e.svc.AddAttachment(ctx, agentActor, delivering, "Notes.txt", letterTX)
			return err
		},
		func() error {
			return e.svc.Deliver(ctx, agentActor, delivering, requests.DeliverInput{AttachmentIDs: []string{result.ID}, Message: "Voici."})
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	file := func(req string, a *requests.Attachment) string { return "/requests/" + req + "/attachments/" + a.ID }

	clients := map[string]*client{
		"viewer": e.as(operator.Viewer),
		"agent":  e.as(operator.Agent),
		"admin":  e.as(operator.Admin),
	}
	rq := func(id string) string { return "/requests/" + id }
	pages := []pageCase{
		{"queue", 200, getAs("agent", "/requests")},
		{"queue of a viewer", 200, getAs("viewer", "/requests")},
		{"queue filtered", 200, getAs("agent", "/requests?state=all&type=access&law=gdpr&due=overdue&assignee=none")},
		{"queue empty", 200, getAs("agent", "/requests?state=rejected")},
		{"queue bad filter", 400, getAs("agent", "/requests?state=lost")},
		{"request overdue", 200, getAs("agent", rq(overdue))},
		{"request received", 200, getAs("agent", rq(received))},
		{"request verified", 200, getAs("agent", rq(verified))},
		{"request in identity check", 200, getAs("agent", rq(checking))},
		{"request completed", 200, getAs("agent", rq(finished))},
		{"request of a viewer", 200, getAs("viewer", rq(checking))},
		{"request refused move", 409, postAs("agent", rq(received)+"/start", url.Values{})},
		{"request invalid form", 422, postAs("agent", rq(verified)+"/reject", url.Values{"reason": {""}})},
		{"request invalid choice", 422, postAs("agent", rq(checking)+"/identity/confirm", url.Values{"method": {"magic"}})},
		{"request not found", 404, getAs("agent", "/requests/nope")},
		{"request action refused to a viewer", 403, postAs("viewer", rq(verified)+"/note", url.Values{"body": {"x"}})},
		{"systems of an agent", 200, getAs("agent", "/systems")},
		{"systems of an admin", 200, getAs("admin", "/systems")},
		{"systems errors", 422, postAs("admin", "/systems", url.Values{"owner_email": {"nope"}, "kind": {"x"}})},
		{"system edit", 200, getAs("admin", "/systems/"+sys.ID)},
		{"system edit errors", 422, postAs("admin", "/systems/"+sys.ID, url.Values{"name": {""}, "kind": {"manual"}})},
		{"dashboard with requests", 200, getAs("viewer", "/")},
		{"request pausable", 200, getAs("agent", rq(uk))},
		{"request paused", 200, getAs("agent", rq(paused))},
		{"request paused of an admin", 200, getAs("admin", rq(paused))},
		{"request with files", 200, getAs("admin", rq(withFiles))},
		{"request with files of a viewer", 200, getAs("viewer", rq(withFiles))},
		{"request upload without a file", 422, postAs("agent", rq(uk)+"/attachments", url.Values{})},
		{"request pause refused", 422, postAs("agent", rq(verified)+"/pause", url.Values{"question": {"Which?"}})},
		{"request pause without question", 422, postAs("agent", rq(uk)+"/pause", url.Values{"question": {""}})},
		{"request resume not paused", 422, postAs("agent", rq(uk)+"/resume", url.Values{})},
		{"attachment deleted", 410, getAs("agent", file(withFiles, dropped))},
		{"attachment refused to a viewer", 403, getAs("viewer", file(withFiles, kept))},
		{"attachment keep refused to an agent", 403, postAs("agent", file(withFiles, kept)+"/keep", url.Values{"keep": {"1"}})},
		{"request delivering", 200, getAs("agent", rq(delivering))},
		{"request delivering of a viewer", 200, getAs("viewer", rq(delivering))},
		{"request deliver errors", 422, postAs("agent", rq(delivering)+"/deliver", url.Values{"days": {"99"}})},
		{"request deliver refused move", 409, postAs("agent", rq(verified)+"/deliver", url.Values{"file": {result.ID}})},
		{"deliver refused to a viewer", 403, postAs("viewer", rq(delivering)+"/deliver", url.Values{"file": {result.ID}})},
		{"pause refused to a viewer", 403, postAs("viewer", rq(uk)+"/pause", url.Values{"question": {"x"}})},
	}
	english := map[string]string{}
	for _, lang := range i18n.Langs {
		for _, c := range clients {
			c.setLang(lang)
		}
		for _, pc := range pages {
			t.Run(string(lang)+"/"+pc.name, func(t *testing.T) {
				r := pc.get(e.env, clients)
				r.mustStatus(t, pc.status)
				e.checkPage(t, r, lang)
				checkNoRawIDs(t, r)
				m := titleRE.FindStringSubmatch(r.body)
				if m == nil {
					t.Fatal("no title")
				}
				if lang == i18n.EN {
					english[pc.name] = m[1]
				} else if m[1] == english[pc.name] {
					t.Errorf("title %q is the same as in English", m[1])
				}
			})
		}
	}
	// The pages above changed nothing.
	if s := e.request(received).State; s != requests.StateReceived {
		t.Errorf("received request now %s", s)
	}
	if s := e.request(checking).State; s != requests.StateIdentityCheck {
		t.Errorf("checked request now %s", s)
	}
}
