package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestInventoryQuestionnaireToPublishedPolicy is the story: from an
// empty Garde, a Montreal shop that sells online to France fills the
// questionnaire, gets a privacy plan and a privacy policy in French and
// English that pass the Quebec and GDPR checks, and publishes the policy.
func TestInventoryQuestionnaireToPublishedPolicy(t *testing.T) {
	e := newInventoryEnv(t)
	ctx := context.Background()
	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	// qpost submits a step's form as a browser would: with the revision
	// shown on the step's page.
	qpost := func(path string, form url.Values) *response {
		t.Helper()
		step := "/inventory/questionnaire/" + strings.Split(strings.TrimPrefix(path, "/inventory/questionnaire/"), "/")[0]
		m := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(admin.get(step).body)
		if m == nil {
			t.Fatalf("%s: no revision in the form", step)
		}
		form.Set("revision", m[1])
		return admin.post(path, form)
	}
	if r := e.as(operator.Viewer).get("/inventory/questionnaire/organisation"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer opens the questionnaire: %d", r.StatusCode)
	}
	r := admin.get("/inventory/questionnaire")
	r.mustStatus(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/inventory/questionnaire/organisation" {
		t.Fatalf("start at %q", loc)
	}
	// Later steps need the organisation first.
	if r := admin.get("/inventory/questionnaire/activities"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("activities before organisation: %d", r.StatusCode)
	}
	r = admin.get("/inventory/questionnaire/organisation")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, `value="http://127.0.0.1:8080/privacy"`)
	e.checkPage(t, r, i18n.FR)

	org := url.Values{
		"legal_name": {"Atelier Lumière inc."}, "address": {"55, rue Rachel Est, Montréal (Québec) H2W 1C5"},
		"country": {"ca"}, "region": {"QC"}, "neq": {"1234567890"}, "website": {"https://atelier.example"},
		"email": {"bonjour@atelier.example"}, "officer_name": {"Julie Roy"},
		"officer_title_fr": {"Responsable de la protection des renseignements personnels"},
		"officer_title_en": {"Privacy officer"}, "officer_email": {"vieprivee@atelier.example"},
		"eurep_name": {"Représentant UE SAS"}, "eurep_address": {"10, rue de la Paix, 75002 Paris"},
		"jurisdictions": {"quebec", "gdpr"}, "centre_url": {"https://atelier.example/privacy"}, "effective_date": {"2026-02-01"},
	}
	bad := url.Values{}
	for k, v := range org {
		bad[k] = v
	}
	bad.Set("legal_name", "")
	bad.Set("officer_email", "julie@")
	r = qpost("/inventory/questionnaire/organisation", bad)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `href="#q-legal_name"`, "Saisissez une adresse courriel")
	e.checkPage(t, r, i18n.FR)
	if _, _, err := e.inv.Current(ctx); err != inventory.ErrNoInventory {
		t.Fatalf("an invalid step saved something: %v", err)
	}
	qpost("/inventory/questionnaire/organisation", org).mustStatus(t, http.StatusSeeOther)

	for _, s := range []url.Values{
		{"name_fr": {"Boutique en ligne"}, "name_en": {"Online shop"}, "kind": {"third_party"}, "provider": {"Shopify"}, "country": {"CA"},
			"role": {"processor"}, "signed": {"yes"}, "clauses": inventory.ContractClauses, "security": {"passwords", "encryption_at_rest"}},
		{"name_fr": {"Paiements"}, "name_en": {"Payments"}, "kind": {"third_party"}, "provider": {"Stripe"}, "country": {"US"},
			"role": {"processor"}, "signed": {"yes"}, "clauses": {"protect", "purpose_only", "breach_notice"}},
	} {
		qpost("/inventory/questionnaire/systems", s).mustStatus(t, http.StatusSeeOther)
	}
	r = qpost("/inventory/questionnaire/systems", url.Values{"kind": {"internal"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Donnez un nom dans au moins une langue.")
	r = admin.get("/inventory/questionnaire/systems")
	r.mustContain(t, "Boutique en ligne (Shopify)", "Paiements (Stripe)")
	e.checkPage(t, r, i18n.FR)

	orders := url.Values{
		"name_fr": {"Commandes en ligne"}, "name_en": {"Online orders"},
		"purposes": {"essential.service", "essential.service.payment_processing"}, "subjects": {"customer"},
		"collected": {"user.name", "user.contact.email", "user.contact.address", "user.payment", "user.demographic.date_of_birth"},
		"needed":    {"user.name", "user.contact.email", "user.contact.address", "user.payment"},
		"consent":   {"implied"}, "legal_basis": {"contract"}, "points": {"online_order", "account"}, "sources": {"data_subject"},
		"collected_by": {"Le site Web"}, "used_by": {"L'équipe des commandes"},
		"systems": {"boutique_en_ligne"}, "recipients": {"paiements"},
		"transfer_country": {"us"}, "transfer_recipient": {"paiements"}, "transfer_safeguard": {"standard_clauses"},
		"retention_months": {"72"},
	}
	r = qpost("/inventory/questionnaire/activities", orders)
	r.mustStatus(t, http.StatusSeeOther)
	r = admin.get("/inventory/questionnaire/activities")
	// The questionnaire flags what the plan would: data not needed, a
	// transfer people are not told about.
	r.mustContain(t, "Date de naissance est recueilli pour « Commandes en ligne » sans être nécessaire.",
		"La communication vers US dans « Commandes en ligne » n&#39;est pas divulguée aux personnes.")
	e.checkPage(t, r, i18n.FR)
	inv, _, err := e.inv.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := docs.Check(inv, docs.Policy); len(m) != 2 || m[0].ID != "docs.missing.security" || m[1].ID != "docs.missing.transfer_disclosed" {
		t.Fatalf("policy check before the fix: %+v", m)
	}
	// Fix both: delete and add again, needed data only, transfer disclosed.
	qpost("/inventory/questionnaire/activities/commandes_en_ligne/delete", url.Values{}).mustStatus(t, http.StatusSeeOther)
	orders["collected"] = orders["needed"]
	orders.Set("disclosed", "yes")
	qpost("/inventory/questionnaire/activities", orders).mustStatus(t, http.StatusSeeOther)
	// Sensitive data under implied consent is flagged.
	r = qpost("/inventory/questionnaire/activities", url.Values{
		"name_fr": {"Essayage"}, "purposes": {"essential.service"}, "subjects": {"customer"},
		"collected": {"user.health"}, "needed": {"user.health"}, "consent": {"implied"}, "legal_basis": {"contract"},
		"points": {"in_person"}, "retention_months": {"1"},
	})
	r.mustStatus(t, http.StatusSeeOther)
	r = admin.get("/inventory/questionnaire/activities")
	r.mustContain(t, "Des renseignements sensibles (Données de santé) reposent sur un consentement implicite dans « Essayage »")
	qpost("/inventory/questionnaire/activities/essayage/delete", url.Values{}).mustStatus(t, http.StatusSeeOther)
	r = qpost("/inventory/questionnaire/activities", url.Values{"name_en": {"X"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Choisissez au moins une fin.", "Cochez au moins un renseignement recueilli.", "Indiquez comment le consentement est obtenu.")
	e.checkPage(t, r, i18n.FR)

	r = qpost("/inventory/questionnaire/cookies", url.Values{"name": {""}, "purpose": {"tasty"}, "days": {"-3"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Choisissez la fin du témoin.", "Saisissez un nombre de jours entre 0 et 36500.", `href="#q-cookie-name"`)
	e.checkPage(t, r, i18n.FR)
	for _, c := range []url.Values{
		{"name": {"panier"}, "provider": {"Atelier Lumière"}, "purpose": {"necessary"}, "days": {"30"}},
		{"name": {"_ga"}, "provider": {"Google"}, "purpose": {"analytics"}, "days": {"390"}},
		{"name": {"pub"}, "purpose": {"marketing"}, "days": {"90"}},
	} {
		qpost("/inventory/questionnaire/cookies", c).mustStatus(t, http.StatusSeeOther)
	}
	qpost("/inventory/questionnaire/cookies/2/delete", url.Values{}).mustStatus(t, http.StatusSeeOther)
	qpost("/inventory/questionnaire/cookies/7/delete", url.Values{}).mustStatus(t, http.StatusNotFound)
	r = admin.get("/inventory/questionnaire/cookies")
	r.mustContain(t, "<code>panier</code>", "<code>_ga</code>", "mesure d&#39;audience")
	r.mustNotContain(t, "<code>pub</code>")
	e.checkPage(t, r, i18n.FR)

	// A form filled from an older revision saves nothing and says why.
	stale := url.Values{"name": {"vieux"}, "purpose": {"necessary"}, "revision": {"1"}}
	r = admin.post("/inventory/questionnaire/cookies", stale)
	r.mustStatus(t, http.StatusSeeOther)
	r = admin.get("/inventory/questionnaire/cookies")
	r.mustContain(t, "Quelqu&#39;un a enregistré l&#39;inventaire entre-temps")
	r.mustNotContain(t, "<code>vieux</code>")
	if r := admin.post("/inventory/questionnaire/cookies", url.Values{"name": {"sans"}, "purpose": {"necessary"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("form without revision: %d", r.StatusCode)
	}
	if inv, _, _ := e.inv.Current(ctx); len(inv.Cookies) != 2 {
		t.Fatalf("a stale form saved: %+v", inv.Cookies)
	}

	r = admin.get("/inventory/questionnaire/security")
	r.mustStatus(t, http.StatusOK)
	e.checkPage(t, r, i18n.FR)
	qpost("/inventory/questionnaire/security", url.Values{
		"practices": {"need_to_know", "training"}, "electronic": {"passwords", "firewall", "encryption_at_rest"},
		"disposal": {"Les données inutiles sont effacées chaque trimestre."},
	}).mustStatus(t, http.StatusSeeOther)

	inv, _, err = e.inv.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Organisation.Country != "CA" || len(inv.Systems) != 2 || len(inv.Activities) != 1 || len(inv.Gaps("fr")) != 0 {
		t.Fatalf("inventory: %+v gaps %+v", inv.Organisation, inv.Gaps("fr"))
	}
	for _, k := range []docs.Kind{docs.Policy, docs.Plan} {
		if m := docs.Check(inv, k); len(m) != 0 {
			t.Fatalf("%s incomplete: %+v", k, m)
		}
	}
	for _, l := range []i18n.Lang{i18n.FR, i18n.EN} {
		for _, k := range []string{"policy", "plan"} {
			admin.post("/documents/"+k+"/"+string(l)+"/publish", url.Values{}).mustStatus(t, http.StatusSeeOther)
		}
	}
	visitor := e.client()
	visitor.setLang(i18n.FR)
	r = visitor.get("/privacy/policy")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "<h1>Politique de confidentialité de Atelier Lumière inc.</h1>", "Julie Roy",
		"<h2>Comment exercer vos droits</h2>", `<a href="https://atelier.example/privacy">`, "<h2>Plaintes</h2>",
		"Commission d&#39;accès à l&#39;information du Québec", "États-Unis — Stripe", "72 mois", "<td>_ga</td><td>Google</td><td>mesure d&#39;audience</td><td>390 jours</td>", "Numéro d&#39;entreprise du Québec (NEQ) : 1234567890")
	visitor.setLang(i18n.EN)
	r = visitor.get("/privacy/policy")
	r.mustContain(t, "<h1>Privacy policy of Atelier Lumière inc.</h1>", "Privacy officer", "United States — Stripe", "72 months")
	plan, err := e.docs.Current(ctx, docs.Plan, i18n.EN)
	if err != nil || !strings.Contains(plan.Markdown, "| Online orders | Name, Email address, Postal address, Payment data | Le site Web |") {
		t.Fatalf("plan: %v\n%s", err, plan.Markdown)
	}
}
