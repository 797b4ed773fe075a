package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestBrowserCentreFrench is a person's first request, in a real browser:
// open the form, switch to French, send it with a mistake, follow the
// error summary to the field, send it right; the confirmation email
// arrives over SMTP in French; its link and button open the status page, in French,
// with the due date; the person writes a message.
func TestBrowserCentreFrench(t *testing.T) {
	ctx := browser(t)
	e := newCentreEnv(t)

	var mu sync.Mutex
	var consoleLog []string
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			mu.Lock()
			consoleLog = append(consoleLog, ev.Entry.Text)
			mu.Unlock()
		}
	}()

	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	expect := func(sel, want string) {
		t.Helper()
		if got := text(sel); got != want {
			shot(t, ctx, "centre-unexpected")
			t.Fatalf("%s shows %q, want %q", sel, got, want)
		}
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}
	click := func(sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
	}
	do := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	// The form, first in the browser's English, then in French.
	do(chromedp.Navigate(e.srv.URL + "/privacy"))
	expect("h1", "Your privacy rights")
	click(`a.button[href="/privacy/request"]`)
	expect("h1", "Make a privacy request")
	click(`.lang-switch button[value="fr"]`)
	expect("h1", "Faire une demande sur vos données")
	if l := eval(`document.documentElement.lang`); l != "fr" {
		t.Fatalf("lang %q", l)
	}

	// Sent without a description: the summary says so, in French, and its
	// link leads to the field, what was typed kept.
	do(chromedp.SendKeys(chromedp.ID("req-email"), "camille@example.fr"))
	do(chromedp.SendKeys(chromedp.ID("req-name"), "Camille Martin"))
	do(chromedp.SetValue(chromedp.ID("req-region"), "FR"))
	do(chromedp.SendKeys(chromedp.ID("req-subject"), "Copie de mes données"))
	do(chromedp.Click(chromedp.ID("req-type-access")))
	click(`form[action="/privacy/request"] button[type="submit"]`)
	expect(".error-summary h2", "Il y a un problème")
	expect(`.error-summary a[href="#req-description"]`, "Décrivez ce que vous demandez.")
	if got := eval(`document.getElementById("req-email").value + "|" + document.getElementById("req-region").value + "|" + document.querySelector("input[name=type]:checked").value`); got != "camille@example.fr|FR|access" {
		t.Fatalf("values after the error: %q", got)
	}
	do(chromedp.Click(chromedp.CSS(`.error-summary a[href="#req-description"]`)))
	if id := eval(`document.activeElement.id`); id != "req-description" {
		t.Errorf("the error link focused %q, not the description", id)
	}
	shot(t, ctx, "centre-form-errors-fr")
	do(chromedp.SendKeys(chromedp.ID("req-description"), "Je souhaite une copie de mes données.\nMerci."))
	click(`form[action="/privacy/request"] button[type="submit"]`)
	expect("h1", "Consultez votre messagerie")
	ref := text(".centre-reference strong")
	if !referenceRE.MatchString(ref) {
		t.Fatalf("reference %q", ref)
	}
	shot(t, ctx, "centre-sent-fr")

	// The email, over SMTP, in French.
	m := e.mailAbout("camille@example.fr", "Confirmez votre demande "+ref)
	body := plain(t, m)
	for _, want := range []string{"Bonjour Camille Martin,", "Nous avons bien reçu votre demande", ref} {
		if !strings.Contains(body, want) {
			t.Errorf("verification email lacks %q:\n%s", want, body)
		}
	}
	link := find(t, verifyURLRE, body)
	if !strings.HasPrefix(link, e.srv.URL+requests.PathVerify+"?token=") {
		t.Fatalf("link %q does not lead to this server", link)
	}

	// The link opens a page with a button (opening a link changes nothing:
	// mail scanners do it too); the button opens the status page, in
	// French, with the due date.
	do(chromedp.Navigate(link))
	expect("h1", "Confirmez votre demande")
	click(`form[action="/privacy/verify"] button[type="submit"]`)
	expect("h1", "Votre demande "+ref)
	expect(".flash", "Merci : votre adresse e-mail est confirmée et votre demande est enregistrée.")
	req, err := e.svc.GetByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	due := requests.FormatDate(i18n.FR, req.DueDate)
	expect(".centre-due", due)
	if !strings.Contains(text("main"), "Nous vous répondrons au plus tard le "+due+".") {
		t.Error("the status page does not say the due date in a sentence")
	}
	if rp := eval(`document.querySelector('meta[name="referrer"]').content`); rp != "no-referrer" {
		t.Errorf("referrer meta %q", rp)
	}
	shot(t, ctx, "centre-status-fr")

	// A message to the business.
	do(chromedp.SendKeys(chromedp.ID("reply-message"), "Mon ancienne boutique s’appelait Le Comptoir."))
	click(`form[action="/privacy/status/reply"] button[type="submit"]`)
	expect(".flash", "Votre message a été envoyé. Nous vous répondrons ici et par e-mail.")
	expect(".centre-mine .centre-what", "Votre message")
	expect(".centre-mine .centre-text", "Mon ancienne boutique s’appelait Le Comptoir.")
	expect("h1", "Votre demande "+ref)

	// The answer is delivered: the email, in French, leads to the status
	// page, which offers the file; the browser downloads it, and the
	// download shows on the person's timeline.
	bg := context.Background()
	agent := requests.TokenActor("test")
	if err := e.svc.Start(bg, agent, req.ID); err != nil {
		t.Fatal(err)
	}
	export := "Commandes de Camille Martin, 2024-2026.\n"
	a, err := e.svc.AddAttachment(bg, agent, req.ID, "commandes.txt", []byte(export))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Deliver(bg, agent, req.ID, requests.DeliverInput{AttachmentIDs: []string{a.ID}, Message: "Voici l’export."}); err != nil {
		t.Fatal(err)
	}
	body = plain(t, e.mailAbout("camille@example.fr", "Notre réponse à votre demande "+ref+" est prête"))
	if !strings.Contains(body, "Voici l’export.") || !strings.Contains(body, "inclus") {
		t.Errorf("delivery email:\n%s", body)
	}
	do(chromedp.Navigate(find(t, statusURLRE, body)))
	expect("#download-title", "Notre réponse est prête")
	href := eval(`document.querySelector(".centre-files a").href`)
	if !strings.Contains(href, centreDownloadPath+"?token=") {
		t.Fatalf("download link %q", href)
	}
	dir := t.TempDir()
	if _, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	do(chromedp.Click(chromedp.CSS(".centre-files a")))
	saved := filepath.Join(dir, "commandes.txt")
	for deadline := time.Now().Add(15 * time.Second); ; {
		if b, err := os.ReadFile(saved); err == nil && len(b) > 0 {
			if string(b) != export {
				t.Errorf("downloaded %q, want %q", b, export)
			}
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no download in %s: %v", dir, entries)
		}
		time.Sleep(50 * time.Millisecond)
	}
	shot(t, ctx, "centre-download-fr")
	do(chromedp.Reload())
	if !strings.Contains(text(".centre-timeline"), "Fichier téléchargé") {
		t.Error("the download is not on the person's timeline")
	}

	mu.Lock()
	defer mu.Unlock()
	for _, l := range consoleLog {
		if strings.Contains(l, "Content Security Policy") || strings.Contains(l, "Refused to") {
			t.Errorf("browser reported: %s", l)
		}
	}
}
