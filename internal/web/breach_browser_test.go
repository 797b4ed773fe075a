package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
)

// TestBrowserBreachWalk: in a real browser, an agent records the issue's
// incident (1,200 people in Quebec, France and Ontario), assesses it under
// the three laws that apply, edits the CAI notice, records every notice
// sent and closes the incident.
func TestBrowserBreachWalk(t *testing.T) {
	ctx := browser(t)
	e := newBreachEnv(t)

	d := drive(t, ctx, "breach")
	text, expect, click := d.text, d.expect, d.click
	tick := func(sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("tick %s: %v", sel, err)
		}
	}
	typeInto := func(id, v string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), v)); err != nil {
			t.Fatalf("type into %s: %v", id, err)
		}
	}
	set := func(id, v string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID(id), v)); err != nil {
			t.Fatalf("set %s: %v", id, err)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/login")); err != nil {
		t.Fatal(err)
	}
	typeInto("login-email", "agent@example.org")
	typeInto("login-password", password)
	click(`form[action="/login"] button[type="submit"]`)
	click(`.nav a[href="/breaches"]`)
	expect("h1", "Breach register")
	click(`a[href="/breaches/new"]`)
	expect("h1", "Record a breach")

	aware := time.Now().In(e.loc).Add(-2 * time.Hour).Truncate(time.Minute)
	typeInto("b-title", "Customer export left on a public share")
	typeInto("b-description", "A customer export was reachable without a password.")
	set("b-occurred_at", aware.Add(-24*time.Hour).Format(localInput))
	set("b-aware_at", aware.Format(localInput))
	typeInto("b-aware_how", "A customer reported the link.")
	tick("#b-kinds-confidentiality")
	tick(`#b-categories-user\.name`)
	tick(`#b-categories-user\.contact\.email`)
	typeInto("b-persons", "1200")
	typeInto("b-residents", "CA-QC 500\nFR 400\nCA-ON 300")
	typeInto("b-consequences", "Phishing using the names.")
	typeInto("b-measures", "The link was removed.")
	typeInto("b-contact_name", "Marie Tremblay")
	typeInto("b-contact_email", "vie.privee@lumiere.example")
	click(`form[action="/breaches"] button[type="submit"]`)
	expect(".flash", "The breach is recorded. Assess the risk under each law below.")
	list, err := e.svc.List(context.Background(), "")
	if err != nil || len(list) != 1 {
		t.Fatalf("register: %v, %d incidents", err, len(list))
	}
	inc := list[0].Incident
	expect("h1", "Incident "+inc.Reference)
	due := aware.Add(72 * time.Hour).In(e.loc).Format("2006-01-02 15:04 MST")
	expect(`tr[data-key="gdpr/FR/authority"] .ob-due`, due)
	expect(`tr[data-key="gdpr/FR/authority"] .ob-clock`, "Running")
	expect(`tr[data-key="quebec/authority"] .ob-status`, "To assess")
	shot(t, ctx, "breach-created")

	// Assess under each law.
	tick("#a-quebec-level-yes")
	set("a-quebec-factor-sensitivity", "medium")
	set("a-quebec-factor-consequences", "medium")
	set("a-quebec-factor-probability", "high")
	tick("#a-quebec-consulted")
	typeInto("a-quebec-reasoning", "Names and emails of 500 Quebecers exposed.")
	click(`form:has(input[name="law"][value="quebec"]) button[type="submit"]`)
	expect(".flash", "The assessment is recorded.")
	tick("#a-gdpr-level-high_risk")
	typeInto("a-gdpr-reasoning", "Contact data usable for phishing.")
	click(`form:has(input[name="law"][value="gdpr"]) button[type="submit"]`)
	tick("#a-pipeda-level-yes")
	set("a-pipeda-factor-sensitivity", "medium")
	set("a-pipeda-factor-probability", "high")
	typeInto("a-pipeda-reasoning", "Real risk of significant harm.")
	click(`form:has(input[name="law"][value="pipeda"]) button[type="submit"]`)
	expect(`tr[data-key="quebec/authority"] .ob-status`, "Required")
	expect(`tr[data-key="pipeda/authority"] .ob-clock`, "Running")

	// The CAI notice in French: written from the facts, edited, saved.
	click(`tr[data-key="quebec/authority"] a[lang="fr"]`)
	expect("#draft-version", "Written from the facts; not saved yet.")
	body, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("d-body")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "1. Entreprise\nBoutique Lumière inc.") || !strings.Contains(body, "dont 500 protégées") {
		t.Fatalf("CAI draft:\n%s", body)
	}
	typeInto("d-body", "\nJournal d’accès joint.")
	click(`form[action$="/draft"] button[type="submit"]`)
	expect(".flash", "The draft is saved as a new version.")
	if !strings.HasPrefix(text("#draft-version"), "Version 1 of") {
		t.Errorf("draft version: %s", text("#draft-version"))
	}
	click(".back a")

	// Record every notice, the CNIL's with its reference.
	for _, key := range []string{"gdpr/FR/authority", "quebec/authority", "pipeda/authority", "gdpr/persons", "pipeda/persons", "quebec/persons"} {
		set("n-obligation", key)
		if key == "gdpr/FR/authority" {
			typeInto("n-reference", "CNIL-2026-0042")
		}
		click(`form[action$="/notify"] button[type="submit"]`)
		expect(".flash", "The notification is recorded.")
	}
	expect(`tr[data-key="gdpr/FR/authority"] .ob-clock`, "Met")
	if got := text(`tr[data-key="gdpr/FR/authority"] .ob-status`); !strings.Contains(got, "CNIL-2026-0042") {
		t.Errorf("CNIL row: %s", got)
	}

	// Close.
	typeInto("c-note", "Every notice sent.")
	click(`form[action$="/close"] button[type="submit"]`)
	expect(".flash", "The incident is closed. It stays in the register.")
	expect("#breach-state", "Closed")
	shot(t, ctx, "breach-closed")

	v, err := e.svc.Get(context.Background(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Incident.State != breach.StateClosed || len(v.Notifications) != 6 || len(v.Drafts) != 1 || v.Drafts[0].Language != string(i18n.FR) {
		t.Errorf("after the walk: %s, %d notices, %d drafts", v.Incident.State, len(v.Notifications), len(v.Drafts))
	}
	d.noRefusals()
}
