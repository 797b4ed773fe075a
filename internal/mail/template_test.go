package mail

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

var cat = i18n.MustLoad()

func inviteData() map[string]any {
	return map[string]any{
		"SetupURL":  Secret("https://garde.example.org/setup/tok123?a=1&b=2"),
		"InvitedBy": "Zoë <Admin> & co",
		"ExpiresAt": time.Date(2026, 12, 24, 18, 30, 0, 0, time.FixedZone("CET", 3600)),
	}
}

func sampleData(name string) map[string]any {
	switch name {
	case TemplateOperatorInvite:
		return inviteData()
	case TemplatePasswordChanged:
		return map[string]any{"Name": "Zoë", "When": time.Date(2026, 5, 1, 9, 5, 0, 0, time.UTC)}
	}
	return nil
}

// Every built-in email renders in every language, with no message ID left
// untranslated and the common footer.
func TestBuiltinTemplatesRenderInEveryLanguage(t *testing.T) {
	for _, name := range []string{TemplateTest, TemplateOperatorInvite, TemplatePasswordChanged} {
		for _, lang := range i18n.Langs {
			r, err := Render(cat, lang, name, sampleData(name), "ACME Corp")
			if err != nil {
				t.Fatalf("%s/%s: %v", name, lang, err)
			}
			for part, s := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
				for _, id := range cat.IDs(lang) {
					if strings.HasPrefix(id, "mail.") && strings.Contains(s, id) {
						t.Errorf("%s/%s %s shows message ID %s: %q", name, lang, part, id, s)
					}
				}
			}
			footer := cat.For(lang).T("mail.layout.footer", map[string]any{"Org": "ACME Corp"})
			if !strings.Contains(r.Text, "\n-- \n"+footer) || !strings.Contains(r.HTML, footer) {
				t.Errorf("%s/%s: footer %q missing", name, lang, footer)
			}
			if !strings.Contains(r.HTML, `<html lang="`+string(lang)+`">`) {
				t.Errorf("%s/%s: html lang missing", name, lang)
			}
		}
	}
}

func TestInviteIsLocalizedAndEscaped(t *testing.T) {
	r, err := Render(cat, i18n.FR, TemplateOperatorInvite, inviteData(), "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Invitation à rejoindre Garde" {
		t.Errorf("subject %q", r.Subject)
	}
	// Times are shown in UTC, written the French way.
	if !strings.Contains(r.Text, "24/12/2026 à 17:30 UTC") {
		t.Errorf("text lacks the French expiry date:\n%s", r.Text)
	}
	if !strings.Contains(r.Text, "Zoë <Admin> & co vous invite") || !strings.Contains(r.Text, "https://garde.example.org/setup/tok123?a=1&b=2") {
		t.Errorf("text body:\n%s", r.Text)
	}
	if strings.Contains(r.HTML, "<Admin>") || !strings.Contains(r.HTML, "Zoë &lt;Admin&gt; &amp; co") {
		t.Errorf("html does not escape the inviter's name:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, `href="https://garde.example.org/setup/tok123?a=1&amp;b=2"`) {
		t.Errorf("html lacks the setup link:\n%s", r.HTML)
	}
	if !strings.Contains(r.Text, "Envoyé par Garde.") {
		t.Errorf("footer without organisation:\n%s", r.Text)
	}
	en, _ := Render(cat, i18n.EN, TemplateOperatorInvite, inviteData(), "")
	nl, _ := Render(cat, i18n.NL, TemplateOperatorInvite, inviteData(), "")
	if !strings.Contains(en.Text, "2026-12-24 17:30 UTC") || !strings.Contains(nl.Text, "24-12-2026 om 17:30 UTC") {
		t.Errorf("dates:\n%s\n%s", en.Text, nl.Text)
	}
}

func TestRenderRejectsBadData(t *testing.T) {
	cases := []struct {
		name, template string
		data           map[string]any
		wantID         string
	}{
		{"unknown template", "nope", nil, "mail.error.unknown_template"},
		{"missing URL", TemplateOperatorInvite, without(inviteData(), "SetupURL"), "mail.error.missing_data"},
		{"blank inviter", TemplateOperatorInvite, with(inviteData(), "InvitedBy", "  "), "mail.error.missing_data"},
		{"zero expiry", TemplateOperatorInvite, with(inviteData(), "ExpiresAt", time.Time{}), "mail.error.missing_data"},
		{"script URL", TemplateOperatorInvite, with(inviteData(), "SetupURL", Secret("javascript:alert(1)")), "mail.error.invalid_data"},
		{"blank secret URL", TemplateOperatorInvite, with(inviteData(), "SetupURL", Secret(" ")), "mail.error.missing_data"},
		// The invitation's link carries a token: a plain string would stay
		// readable in the outbox, so it is refused.
		{"URL not a secret", TemplateOperatorInvite, with(inviteData(), "SetupURL", "https://garde.example.org/setup/tok123"), "mail.error.invalid_data"},
		{"URL not a string", TemplateOperatorInvite, with(inviteData(), "SetupURL", 42), "mail.error.invalid_data"},
		{"missing name", TemplatePasswordChanged, map[string]any{"When": time.Now()}, "mail.error.missing_data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(cat, i18n.EN, tc.template, tc.data, "")
			var le *i18n.Error
			if !errors.As(err, &le) || le.ID != tc.wantID {
				t.Fatalf("err = %v, want %s", err, tc.wantID)
			}
			if msg := le.Localize(cat.For(i18n.NL)); msg == le.ID {
				t.Fatalf("%s has no Dutch text", le.ID)
			}
		})
	}
}

func TestSubjectIsOneLine(t *testing.T) {
	if _, ok := lookup("test_multiline_subject"); !ok { // -count=N runs this again
		Register("test_multiline_subject", func(lz *i18n.Localizer, data map[string]any) (string, string, string, error) {
			return "Hello\r\nBcc: evil@example.org", "body", "", nil
		})
	}
	r, err := Render(cat, i18n.EN, "test_multiline_subject", nil, "")
	if err != nil || r.Subject != "Hello Bcc: evil@example.org" {
		t.Fatalf("subject %q, %v", r.Subject, err)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("second registration accepted")
		}
	}()
	Register(TemplateTest, Spec{Subject: "x"}.Render)
}

func TestTemplatesAreListed(t *testing.T) {
	names := strings.Join(Templates(), ",")
	for _, want := range []string{TemplateTest, TemplateOperatorInvite, TemplatePasswordChanged} {
		if !strings.Contains(names, want) {
			t.Errorf("%s not in %s", want, names)
		}
		for _, lang := range i18n.Langs {
			if !cat.Has(lang, "mail.template."+want) {
				t.Errorf("no %s label for template %s", lang, want)
			}
		}
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func without(m map[string]any, k string) map[string]any {
	delete(m, k)
	return m
}
