package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
)

// TestBrowserAgentWalk: a person in France asks for their data in French
// and confirms with the link of the email they receive over real SMTP; an
// agent signs in in a real browser, finds the request with the due date
// computed under the GDPR, replies, extends the deadline and completes
// it. Each step's email reaches the person, in French.
func TestBrowserAgentWalk(t *testing.T) {
	ctx := browser(t)
	smtp := smtptest.Start(t, smtptest.Options{})
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{Host: smtp.Host, Port: smtp.Port, TLS: "none",
		From: "Garde <privacy@acme.example>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := newReqEnv(t, reqOptions{sender: sender, workers: 2})
	e.seed()
	const person = "camille@example.fr"

	// mailTo waits for the n-th email to the person and checks it is in
	// French: its subject is the French one, with the reference.
	waitMail := func(n int, subject string) (smtptest.Message, string) {
		t.Helper()
		msgs := smtp.WaitFor(t, n, 30*time.Second)
		m := msgs[n-1]
		if len(m.To) != 1 || m.To[0] != person {
			t.Fatalf("email %d went to %v", n, m.To)
		}
		if m.Subject != subject {
			t.Fatalf("email %d subject %q, want %q", n, m.Subject, subject)
		}
		body, err := m.Part("text/plain")
		if err != nil {
			t.Fatal(err)
		}
		return m, body
	}

	// The person submits, as the privacy centre does.
	id := e.submit(submission(person, "FR", i18n.FR, requests.TypeAccess))
	ref := e.request(id).Reference
	_, body := waitMail(1, "Confirmez votre demande "+ref)
	m := verifyTokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the verification email:\n%s", body)
	}
	if _, err := e.svc.VerifyByToken(context.Background(), m[1]); err != nil {
		t.Fatal(err)
	}
	req := e.request(id)
	law, err := rules.Embedded().Lookup("gdpr")
	if err != nil {
		t.Fatal(err)
	}
	dl, err := law.Due(rules.Access, rules.DateOf(req.ReceivedAt), rules.DueOptions{Region: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	due := dl.Legal.Time()
	_, body = waitMail(2, "Votre demande "+ref+" est enregistrée")
	if want := requests.FormatDate(i18n.FR, due); !strings.Contains(body, want) {
		t.Errorf("acknowledgement lacks the due date %q:\n%s", want, body)
	}

	d := drive(t, ctx, "agent")
	text, expect, click := d.text, d.expect, d.click
	typeInto := func(id, v string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), v)); err != nil {
			t.Fatalf("type into %s: %v", id, err)
		}
	}

	// The agent signs in and opens the request from the queue.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	typeInto("login-email", "agent@example.org")
	typeInto("login-password", password)
	click(`form[action="/login"] button[type="submit"]`)
	expect("h1", "Dashboard")
	click(`.nav a[href="/requests"]`)
	expect("h1", "Requests")
	expect(`.queue tbody th a`, ref)
	shot(t, ctx, "queue")
	click(`.queue tbody th a`)
	expect("h1", "Request "+ref)
	expect(".due-line", "Due on "+due.Format("2006-01-02"))
	if got := text("#deadlines-title + .details div:first-child dd"); !strings.Contains(got, "GDPR") && !strings.Contains(got, "General Data Protection") {
		t.Errorf("law shown as %q", got)
	}
	shot(t, ctx, "request")

	// Reply: sent in the person's language, whatever the agent's.
	typeInto("reply-body", "Bonjour Camille,\nnous rassemblons vos données.")
	click(`form[action$="/reply"] button[type="submit"]`)
	expect(".flash", "The message is on its way to the person.")
	_, body = waitMail(3, "Un message au sujet de votre demande "+ref)
	if !strings.Contains(body, "nous rassemblons vos données.") || !strings.Contains(body, "Voici notre message") {
		t.Errorf("reply email:\n%s", body)
	}

	// Extend: the new date is the GDPR's latest.
	limit := *e.request(id).ExtensionLimit
	typeInto("extend-reason", "Vos données sont réparties dans plusieurs systèmes.")
	click(`form[action$="/extend"] button[type="submit"]`)
	expect(".flash", "The deadline has been extended and the person informed.")
	expect(".due-line", "Due on "+limit.Format("2006-01-02"))
	_, body = waitMail(4, "Nous avons besoin de plus de temps pour votre demande "+ref)
	if !strings.Contains(body, requests.FormatDate(i18n.FR, limit)) || !strings.Contains(body, "réparties dans plusieurs systèmes") {
		t.Errorf("extension email:\n%s", body)
	}

	// Complete: the request is closed, the person told.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("complete-outcome"), "fulfilled")); err != nil {
		t.Fatal(err)
	}
	click(`form[action$="/complete"] button[type="submit"]`)
	expect(".flash", "The request is completed.")
	expect(".request-status .badge", "Completed")
	shot(t, ctx, "completed")
	_, body = waitMail(5, "Votre demande "+ref+" est close")
	if !strings.Contains(body, "tout ce que vous avez demandé a été fait") {
		t.Errorf("closure email:\n%s", body)
	}
	if r := e.request(id); r.State != requests.StateCompleted || r.Outcome != requests.OutcomeFulfilled {
		t.Errorf("request %s %s", r.State, r.Outcome)
	}

	// Every email went out in French.
	for _, it := range e.outboxTo(person) {
		if it.Lang != i18n.FR || it.Status != mail.StatusSent {
			t.Errorf("email %s: %s, %s", it.Template, it.Lang, it.Status)
		}
	}
	d.noRefusals()
}
