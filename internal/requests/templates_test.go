package requests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
)

// Every email renders in every language, for every variant, with no
// catalog ID or empty field left in it.
func TestEveryEmailInEveryLanguage(t *testing.T) {
	due := date("2026-03-01")
	base := map[string]any{
		"Name": "Jo Martin", "Reference": "GR-7K3F-Q9", "Type": string(TypeErasure), "DueDate": due,
		"StatusURL": mail.Secret("https://p.example/privacy/status?token=s"), "RequestURL": "https://p.example/requests/1",
	}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	type variant struct {
		tmpl string
		data map[string]any
		want map[i18n.Lang]string
	}
	variants := []variant{
		{TemplateVerify, with(map[string]any{"VerifyURL": mail.Secret("https://p.example/privacy/verify?token=v"), "Code": mail.Secret("123 456"),
			"ExpiresAt": time.Date(2026, 3, 8, 10, 0, 0, 0, time.UTC)}), map[i18n.Lang]string{i18n.FR: "demande d'effacement de vos données", i18n.NL: "verzoek om verwijdering van uw gegevens"}},
		{TemplateAcknowledge, base, map[i18n.Lang]string{i18n.FR: "1er mars 2026", i18n.NL: "1 maart 2026", i18n.EN: "1 March 2026"}},
		{TemplateExtension, with(map[string]any{"Reason": "Three shops.", "Authority": "CNIL", "AuthorityURL": "https://cnil.fr"}), map[i18n.Lang]string{i18n.EN: "complain to CNIL: https://cnil.fr"}},
		{TemplateExtension, with(map[string]any{"Reason": "Three shops."}), nil},
		{TemplateRejection, with(map[string]any{"Reason": "No.", "Authority": "CAI", "AuthorityURL": ""}), map[i18n.Lang]string{i18n.FR: "auprès de CAI."}},
		{TemplateRejection, with(map[string]any{"Reason": "No."}), map[i18n.Lang]string{i18n.NL: "toezichthouder"}},
		{TemplateReply, with(map[string]any{"Body": "Line one\nline two\n\nSecond paragraph"}), map[i18n.Lang]string{i18n.EN: "> line two"}},
		{TemplateTask, with(map[string]any{"System": "Shop", "TaskURL": mail.Secret("https://p.example/privacy/task?token=t")}), map[i18n.Lang]string{i18n.NL: "De gegevens van de persoon in Shop"}},
		{TemplateReminder, with(map[string]any{"DaysLeft": 7, "Overdue": false}), map[i18n.Lang]string{i18n.FR: "dans 7 jours", i18n.EN: "in 7 days"}},
		{TemplateReminder, with(map[string]any{"DaysLeft": 1, "Overdue": false}), map[i18n.Lang]string{i18n.EN: "in 1 day,", i18n.FR: "dans 1 jour,"}},
		{TemplateReminder, with(map[string]any{"DaysLeft": -1, "Overdue": true}), map[i18n.Lang]string{i18n.EN: "was due on 1 March 2026"}},
		{TemplateSubjectMessage, base, map[i18n.Lang]string{i18n.FR: "vous a écrit"}},
		{TemplateDelivery, with(map[string]any{"Message": "", "LastDate": date("2026-03-08")}), map[i18n.Lang]string{i18n.FR: "jusqu’au 8 mars 2026 inclus", i18n.NL: "tot en met 8 maart 2026", i18n.EN: "until the end of 8 March 2026"}},
		{TemplateDelivery, with(map[string]any{"Message": "Here it is.", "LastDate": date("2026-03-01")}), map[i18n.Lang]string{i18n.EN: "> Here it is.", i18n.FR: "1er mars 2026"}},
	}
	for _, o := range append(CompletedOutcomes, ClosedOutcomes...) {
		variants = append(variants, variant{TemplateClosure, with(map[string]any{"Outcome": string(o), "Note": ""}), nil})
	}
	variants = append(variants, variant{TemplateClosure, with(map[string]any{"Outcome": string(OutcomeFulfilled), "Note": "Sent."}), map[i18n.Lang]string{i18n.EN: "Our note:"}})

	for _, v := range variants {
		for _, lang := range i18n.Langs {
			r, err := mail.Render(cat, lang, v.tmpl, v.data, "ACME")
			name := fmt.Sprintf("%s/%s %v", v.tmpl, lang, v.data["Outcome"])
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			all := r.Subject + "\n" + r.Text + "\n" + r.HTML
			for _, bad := range []string{"requests.", "<no value>", "%!", "map["} {
				if strings.Contains(all, bad) {
					t.Errorf("%s contains %q:\n%s", name, bad, r.Text)
				}
			}
			if want := v.want[lang]; want != "" && !strings.Contains(r.Text, want) {
				t.Errorf("%s lacks %q:\n%s", name, want, r.Text)
			}
		}
	}
	// Links and codes must be secrets: a plain string is refused.
	if _, err := mail.Render(cat, i18n.EN, TemplateAcknowledge, with(map[string]any{"StatusURL": "https://p.example/x"}), ""); err == nil {
		t.Error("a plain status link was accepted")
	}
	// Missing data is an error, not an email with a hole.
	if _, err := mail.Render(cat, i18n.EN, TemplateReply, base, ""); err == nil {
		t.Error("a reply without a body rendered")
	}
}

func TestFormatDate(t *testing.T) {
	d := date("2026-08-01")
	for lang, want := range map[i18n.Lang]string{i18n.EN: "1 August 2026", i18n.FR: "1er août 2026", i18n.NL: "1 augustus 2026", "de": "1 August 2026"} {
		if got := FormatDate(lang, d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
