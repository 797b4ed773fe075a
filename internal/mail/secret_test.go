package mail

import (
	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	"log/slog"
	"strings"
	"testing"
	texttemplate "text/template"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail/smtptest"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// templateSecretMail is a verification email written with html/template and
// text/template (not Spec), with a code in the subject and a link in both
// bodies, as a domain would register it.
const templateSecretMail = "test_secret_mail"

var (
	secretMailSubject = texttemplate.Must(texttemplate.New("").Parse(`{{.Code}} is your code, {{.Name}}`))
	secretMailText    = texttemplate.Must(texttemplate.New("").Parse("Hello {{.Name}},\n\nYour code is {{.Code}}.\nOr confirm here: {{.Link}}\n"))
	secretMailHTML    = htmltemplate.Must(htmltemplate.New("").Parse(`<p>Hello {{.Name}},</p>
<p>Your code is <b>{{.Code}}</b>.</p>
<p><a href="{{.Link}}">Confirm</a> or copy <span title="{{.Link}}">{{.Link}}</span></p>`))
)

func init() {
	Register(templateSecretMail, func(_ *i18n.Localizer, data map[string]any) (string, string, string, error) {
		var s, t, h bytes.Buffer
		if err := errors.Join(secretMailSubject.Execute(&s, data), secretMailText.Execute(&t, data), secretMailHTML.Execute(&h, data)); err != nil {
			return "", "", "", err
		}
		return s.String(), t.String(), h.String(), nil
	})
}

// The token has characters that each HTML context writes differently: "+"
// (&#43;), "&" (&amp;) and "é" (%c3%a9 in a link).
const (
	secretLink = "https://garde.example.org/vérifier?token=tok-Abc+1/2&lang=fr"
	secretCode = "739214"
	tokenPiece = "tok-Abc"
)

func secretMailData() map[string]any {
	return map[string]any{"Name": "Zoë & Co", "Code": Secret(secretCode), "Link": Secret(secretLink)}
}

// rawRow reads what the database holds, past anything Get hides.
func rawRow(t *testing.T, d *db.DB, id string) (subject, text, html, secrets string) {
	t.Helper()
	if err := d.QueryRow(context.Background(), "SELECT subject, body_text, body_html, secrets FROM mail_outbox WHERE id = ?", id).
		Scan(&subject, &text, &html, &secrets); err != nil {
		t.Fatal(err)
	}
	return
}

// checkRedacted fails unless no trace of the secrets is left in the stored
// email and the marker of lang stands in their place.
func checkRedacted(t *testing.T, d *db.DB, id string, lang i18n.Lang, traces ...string) {
	t.Helper()
	subject, text, html, secrets := rawRow(t, d, id)
	if secrets != "[]" {
		t.Errorf("secrets column still %q", secrets)
	}
	for part, s := range map[string]string{"subject": subject, "text": text, "html": html} {
		for _, tr := range traces {
			if strings.Contains(s, tr) {
				t.Errorf("stored %s still holds %q:\n%s", part, tr, s)
			}
		}
	}
	marker := cat.For(lang).T("mail.redacted")
	if marker == "mail.redacted" || !strings.Contains(text, marker) || !strings.Contains(html, marker) {
		t.Errorf("marker %q missing:\n%s\n%s", marker, text, html)
	}
}

func TestSecretRendersLikeAString(t *testing.T) {
	r, err := Render(cat, i18n.EN, templateSecretMail, secretMailData(), "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != secretCode+" is your code, Zoë & Co" || !strings.Contains(r.Text, "Or confirm here: "+secretLink+"\n") {
		t.Errorf("text/template:\n%s\n%s", r.Subject, r.Text)
	}
	for _, want := range []string{
		`<b>739214</b>`,
		`href="https://garde.example.org/v%c3%a9rifier?token=tok-Abc&#43;1/2&amp;lang=fr"`,
		`title="https://garde.example.org/vérifier?token=tok-Abc&#43;1/2&amp;lang=fr"`,
		`>https://garde.example.org/vérifier?token=tok-Abc&#43;1/2&amp;lang=fr</span>`,
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("html/template: %s missing from\n%s", want, r.HTML)
		}
	}
	// html/template checks a Secret link as it would a string.
	bad, err := Render(cat, i18n.EN, templateSecretMail, with(secretMailData(), "Link", Secret("javascript:alert(1)")), "")
	if err != nil || !strings.Contains(bad.HTML, `href="#ZgotmplZ"`) {
		t.Errorf("script link not neutralised: %v\n%s", err, bad.HTML)
	}

	// Spec: a Secret link becomes the button, a Secret in a paragraph is
	// filled in by the catalog's template.
	data := with(inviteData(), "InvitedBy", Secret("Zoë <Admin>"))
	inv, err := Render(cat, i18n.NL, TemplateOperatorInvite, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inv.HTML, `href="https://garde.example.org/setup/tok123?a=1&amp;b=2"`) ||
		!strings.Contains(inv.Text, "https://garde.example.org/setup/tok123?a=1&b=2") ||
		!strings.Contains(inv.Text, "Zoë <Admin>") || !strings.Contains(inv.HTML, "Zoë &lt;Admin&gt;") {
		t.Errorf("Spec with secrets:\n%s\n%s", inv.Text, inv.HTML)
	}
}

func TestSecretStaysOutOfLogs(t *testing.T) {
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("x", "link", Secret(secretLink))
	if strings.Contains(b.String(), tokenPiece) || !strings.Contains(b.String(), "[redacted]") {
		t.Fatalf("log line %q", b.String())
	}
}

func TestCollectSecretsFindsNestedValues(t *testing.T) {
	type link struct {
		URL   Secret
		Label string
	}
	self := map[string]any{}
	self["self"] = self
	data := map[string]any{
		"A":     Secret("a-secret"),
		"Again": Secret("a-secret"),
		"Blank": Secret("  "),
		"Plain": "not-secret",
		"List":  []any{Secret("in-list"), "x"},
		"Links": []link{{URL: "in-struct", Label: "l"}},
		"Ptr":   &link{URL: "via-pointer"},
		"Map":   map[string]Secret{"k": "in-map"},
		"Loop":  self,
	}
	got := strings.Join(collectSecrets(data), ",")
	if got != "a-secret,in-list,in-map,in-struct,via-pointer" {
		t.Fatalf("collectSecrets = %s", got)
	}
	if s := collectSecrets(nil); len(s) != 0 {
		t.Fatalf("collectSecrets(nil) = %v", s)
	}
}

func TestRedactRemovesEveryForm(t *testing.T) {
	// Two secrets, one inside the other; a code that the subject shows
	// with its spaces collapsed; an empty one that must change nothing.
	token := "tok-Abc+1/2"
	link := "https://garde.example.org/vérifier?token=" + token + "&lang=fr"
	code := "739  214"
	data := map[string]any{"Name": "Zoë & Co", "Code": Secret(code), "Link": Secret(link), "Token": Secret(token), "Empty": Secret("")}
	r, err := Render(cat, i18n.EN, templateSecretMail, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Subject, "739 214") {
		t.Fatalf("subject %q", r.Subject)
	}
	out := redact(r, collectSecrets(data), "[x]")
	for part, s := range map[string]string{"subject": out.Subject, "text": out.Text, "html": out.HTML} {
		for _, tr := range []string{"tok-Abc", "739", "vérifier", "v%c3%a9rifier", "lang=fr"} {
			if strings.Contains(s, tr) {
				t.Errorf("%s still holds %q:\n%s", part, tr, s)
			}
		}
	}
	if out.Subject != "[x] is your code, Zoë & Co" {
		t.Errorf("subject %q", out.Subject)
	}
	if !strings.Contains(out.Text, "Hello Zoë & Co,\n\nYour code is [x].\nOr confirm here: [x]\n") {
		t.Errorf("text:\n%s", out.Text)
	}
	if !strings.Contains(out.HTML, `<p>Hello Zoë &amp; Co,</p>`) || !strings.Contains(out.HTML, `<a href="[x]">Confirm</a> or copy <span title="[x]">[x]</span>`) {
		t.Errorf("html:\n%s", out.HTML)
	}
	// The marker is escaped in HTML.
	if h := redact(r, []string{code}, "<gone>").HTML; !strings.Contains(h, "<b>&lt;gone&gt;</b>") {
		t.Errorf("html marker not escaped:\n%s", h)
	}
	if same := redact(r, nil, "[x]"); same != r {
		t.Error("no secrets changed the email")
	}
}

func TestSentMailKeepsNoSecrets(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, smtptest.Options{})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		verify, err := o.EnqueueNow(ctx, Message{To: "subject@example.net", Template: templateSecretMail, Data: secretMailData()})
		if err != nil {
			t.Fatal(err)
		}
		invite, err := o.EnqueueNow(ctx, Message{To: "agent@example.net", Lang: i18n.FR, Template: TemplateOperatorInvite, Data: inviteData()})
		if err != nil {
			t.Fatal(err)
		}

		// Queued: the row holds what the worker must send, and the list of
		// what to remove afterwards; Get already hides it.
		subject, text, html, secrets := rawRow(t, d, verify)
		if !strings.Contains(subject, secretCode) || !strings.Contains(text, secretLink) || !strings.Contains(html, "tok-Abc&#43;1/2&amp;lang=fr") ||
			!strings.Contains(secrets, secretCode) || !strings.Contains(secrets, tokenPiece) {
			t.Fatalf("queued row:\n%s\n%s\n%s\n%s", subject, text, html, secrets)
		}
		shown, err := o.Get(ctx, verify)
		if err != nil || strings.Contains(shown.Subject+shown.BodyText+shown.BodyHTML, tokenPiece) ||
			!strings.HasPrefix(shown.Subject, "[redacted] is your code") || !strings.Contains(shown.BodyText, "Hello Zoë & Co,") {
			t.Fatalf("Get of a queued row shows: %+v %v", shown, err)
		}
		listed, err := o.List(ctx, ListFilter{})
		if err != nil || len(listed) != 2 || strings.Contains(listed[0].BodyHTML+listed[1].BodyHTML, "tok123") ||
			strings.Contains(listed[0].BodyHTML+listed[1].BodyHTML, tokenPiece) {
			t.Fatalf("List shows secrets: %v %v", listed, err)
		}

		start(t, q)
		msgs := srv.WaitFor(t, 2, 15*time.Second)
		for _, m := range msgs {
			txt, err1 := m.Part("text/plain")
			htm, err2 := m.Part("text/html")
			if err := errors.Join(err1, err2); err != nil {
				t.Fatal(err)
			}
			switch m.To[0] {
			case "subject@example.net":
				// The person gets the working code and link.
				if m.Subject != secretCode+" is your code, Zoë & Co" || !strings.Contains(txt, "Your code is "+secretCode+".") ||
					!strings.Contains(txt, secretLink) || !strings.Contains(htm, `href="https://garde.example.org/v%c3%a9rifier?token=tok-Abc&#43;1/2&amp;lang=fr"`) {
					t.Errorf("delivered verification:\n%s\n%s\n%s", m.Subject, txt, htm)
				}
			case "agent@example.net":
				if !strings.Contains(txt, "https://garde.example.org/setup/tok123?a=1&b=2") || !strings.Contains(htm, "tok123?a=1&amp;b=2") {
					t.Errorf("delivered invitation:\n%s\n%s", txt, htm)
				}
			default:
				t.Errorf("unexpected recipient %v", m.To)
			}
		}

		it := waitRow(t, o, verify, 5*time.Second, func(it Item) bool { return it.Status == StatusSent })
		checkRedacted(t, d, verify, i18n.EN, tokenPiece, secretCode, "vérifier", "v%c3%a9rifier")
		subject, text, html, _ = rawRow(t, d, verify)
		// Everything else is the record of what was sent.
		if subject != "[redacted] is your code, Zoë & Co" ||
			text != "Hello Zoë & Co,\n\nYour code is [redacted].\nOr confirm here: [redacted]\n\n-- \nSent by Garde.\n" ||
			!strings.Contains(html, `<p>Hello Zoë &amp; Co,</p>`) || !strings.Contains(html, `<a href="[redacted]">Confirm</a>`) ||
			!strings.Contains(html, "<title>[redacted] is your code, Zoë &amp; Co</title>") {
			t.Errorf("stored after sending:\n%s\n%s\n%s", subject, text, html)
		}
		if it.Subject != subject || it.BodyText != text || it.BodyHTML != html || it.To != "subject@example.net" || it.SentAt == nil || it.MessageID == "" {
			t.Errorf("Get after sending: %+v", it)
		}

		waitRow(t, o, invite, 5*time.Second, func(it Item) bool { return it.Status == StatusSent })
		checkRedacted(t, d, invite, i18n.FR, "tok123", "setup/")
		_, text, html, _ = rawRow(t, d, invite)
		if !strings.Contains(text, "Zoë <Admin> & co vous invite") || !strings.Contains(text, "24/12/2026 à 17:30 UTC") ||
			!strings.Contains(html, "Zoë &lt;Admin&gt; &amp; co") || !strings.Contains(html, `href="[masqué]"`) {
			t.Errorf("stored invitation lost its other data:\n%s\n%s", text, html)
		}
	})
}

func TestFailedMailKeepsNoSecrets(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{FailNext: 1000})
		o, q := newOutbox(t, d, senderFor(t, srv, "", ""))
		o.retryDelay = func(int) time.Duration { return 10 * time.Millisecond }
		id, err := o.EnqueueNow(context.Background(), Message{To: "agent@example.net", Lang: i18n.NL, Template: TemplateOperatorInvite, Data: inviteData()})
		if err != nil {
			t.Fatal(err)
		}
		start(t, q)
		it := waitRow(t, o, id, 20*time.Second, func(it Item) bool { return it.Status == StatusFailed })
		if it.Attempts != MaxAttempts || !strings.Contains(it.LastError, "451") {
			t.Fatalf("failed row: attempts=%d last_error=%q", it.Attempts, it.LastError)
		}
		checkRedacted(t, d, id, i18n.NL, "tok123", "setup/")
		if _, text, _, _ := rawRow(t, d, id); !strings.Contains(text, "Zoë <Admin> & co") {
			t.Errorf("stored text lost the inviter:\n%s", text)
		}
	})
}

// A message with secrets that could not go out for SecretMaxAge is given
// up and redacted; one without secrets keeps waiting or goes out.
func TestOldUnsentSecretsAreGivenUp(t *testing.T) {
	for _, configured := range []bool{false, true} {
		name := map[bool]string{false: "SMTP not configured", true: "SMTP configured"}[configured]
		t.Run(name, func(t *testing.T) {
			dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				srv := smtptest.Start(t, smtptest.Options{})
				var sender Sender
				if configured {
					sender = senderFor(t, srv, "", "")
				}
				o, q := newOutbox(t, d, sender)
				old, err := o.EnqueueNow(ctx, Message{To: "subject@example.net", Lang: i18n.FR, Template: templateSecretMail, Data: secretMailData()})
				if err != nil {
					t.Fatal(err)
				}
				plain, err := o.EnqueueNow(ctx, Message{To: "jo@example.net", Template: TemplateTest})
				if err != nil {
					t.Fatal(err)
				}
				young, err := o.EnqueueNow(ctx, Message{To: "young@example.net", Template: templateSecretMail, Data: secretMailData()})
				if err != nil {
					t.Fatal(err)
				}
				past := time.Now().UTC().Add(-SecretMaxAge - time.Hour)
				if _, err := d.Exec(ctx, "UPDATE mail_outbox SET created_at = ? WHERE id IN (?, ?)", past, old, plain); err != nil {
					t.Fatal(err)
				}
				start(t, q)
				it := waitRow(t, o, old, 10*time.Second, func(it Item) bool { return it.Status == StatusFailed })
				if it.LastError != ErrSecretsExpired.Error() || it.Attempts != 0 {
					t.Fatalf("old row: attempts=%d last_error=%q", it.Attempts, it.LastError)
				}
				checkRedacted(t, d, old, i18n.FR, tokenPiece, secretCode)
				if configured {
					for _, id := range []string{plain, young} {
						waitRow(t, o, id, 10*time.Second, func(it Item) bool { return it.Status == StatusSent })
					}
					for _, m := range srv.Messages() {
						if m.To[0] == "subject@example.net" {
							t.Fatal("the expired message was sent")
						}
					}
					if n := len(srv.Messages()); n != 2 {
						t.Fatalf("%d messages sent, want 2", n)
					}
					return
				}
				for _, id := range []string{plain, young} {
					it := waitRow(t, o, id, 10*time.Second, func(it Item) bool { return it.LastError != "" })
					if it.Status != StatusQueued {
						t.Fatalf("%s: status %s", it.To, it.Status)
					}
				}
				// The young one still holds its secrets, to send them later.
				if _, text, _, secrets := rawRow(t, d, young); !strings.Contains(text, secretLink) || secrets == "[]" {
					t.Fatalf("young row lost its secrets before sending:\n%s\n%s", text, secrets)
				}
			})
		})
	}
}
