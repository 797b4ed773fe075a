package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// incidentForm is the incident as the form posts it.
func incidentForm(aware time.Time) url.Values {
	return url.Values{
		"title":          {"Customer export left on a public share"},
		"description":    {"A customer export was reachable without a password."},
		"cause":          {"A misconfigured sharing link."},
		"occurred_at":    {aware.Add(-48 * time.Hour).Format(localInput)},
		"aware_at":       {aware.Format(localInput)},
		"aware_how":      {"A customer reported the link."},
		"kinds":          {"confidentiality"},
		"categories":     {"user.name", "user.contact.email"},
		"persons":        {"1200"},
		"records":        {"1350"},
		"residents":      {"CA-QC 500\nFR 400\nCA-ON 300"},
		"consequences":   {"Phishing."},
		"measures":       {"=HYPERLINK(\"x\") link removed."},
		"contact_name":   {"Marie Tremblay"},
		"contact_email":  {"vie.privee@lumiere.example"},
		"prior_measures": {"None."},
	}
}

var breachLocation = regexp.MustCompile(`^/breaches/([0-9a-f-]{36})$`)

func TestBreachPagesWalk(t *testing.T) {
	e := newBreachEnv(t)
	aware := time.Date(2026, 11, 27, 16, 0, 0, 0, e.loc)
	e.clock.Set(aware.Add(time.Hour))

	viewer := e.as(operator.Viewer)
	viewer.get("/breaches").mustStatus(t, http.StatusOK)
	viewer.get("/breaches/new").mustStatus(t, http.StatusForbidden)
	if r := viewer.post("/breaches", incidentForm(aware)); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer creates: %d", r.StatusCode)
	}

	agent := e.as(operator.Agent)
	agent.setLang(i18n.FR)
	// Aware before it happened: refused, in French, nothing written.
	bad := incidentForm(aware)
	bad.Set("aware_at", aware.Add(-72*time.Hour).Format(localInput))
	bad.Set("persons", "douze")
	r := agent.post("/breaches", bad)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "L’entreprise ne peut pas avoir eu connaissance de la violation avant qu’elle se produise.",
		`href="#b-aware_at"`, `href="#b-persons"`, "Saisissez un nombre entier positif ou nul.", "Customer export left on a public share")
	e.checkPage(t, r, i18n.FR)
	if list, _ := e.svc.List(context.Background(), ""); len(list) != 0 {
		t.Fatalf("%d incidents after a refused form", len(list))
	}

	r = agent.post("/breaches", incidentForm(aware))
	r.mustStatus(t, http.StatusSeeOther)
	m := breachLocation.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q", r.Header.Get("Location"))
	}
	id := m[1]
	r = agent.get("/breaches/" + id)
	r.mustStatus(t, http.StatusOK)
	e.checkPage(t, r, i18n.FR)
	// 72 hours from 16:00 EST on Friday: Monday 16:00 EST, 71 hours left.
	r.mustContain(t, "La violation est enregistrée.", "Commission nationale de l&#39;informatique et des libertés (CNIL)",
		"Commission d&#39;accès à l&#39;information du Québec (CAI)", "Office of the Privacy Commissioner of Canada (OPC)",
		"2026-11-30 16:00 EST", "reste 2 j 23 h 0 min", "À évaluer", "1\u202f200")

	// Moving the time of awareness needs a reason; with one, the timeline
	// shows the old and new times.
	moved := incidentForm(aware)
	moved.Set("aware_at", aware.Add(-time.Hour).Format(localInput))
	r = agent.post("/breaches/"+id, moved)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Expliquez pourquoi cette date change", `href="#b-change_reason"`)
	moved.Set("change_reason", "L’alerte du fournisseur est arrivée une heure plus tôt.")
	agent.post("/breaches/"+id, moved).mustStatus(t, http.StatusSeeOther)
	agent.get("/breaches/"+id).mustContain(t, "Test agent", "Prise de connaissance déplacée du 2026-11-27 16:00 EST au 2026-11-27 15:00 EST",
		"L’alerte du fournisseur est arrivée une heure plus tôt.")
	moved.Set("aware_at", aware.Format(localInput))
	moved.Set("change_reason", "Finalement, l’heure initiale était la bonne.")
	agent.post("/breaches/"+id, moved).mustStatus(t, http.StatusSeeOther)

	// Quebec without the privacy officer consulted: refused on the page.
	r = agent.post("/breaches/"+id+"/assess", url.Values{"law": {"quebec"}, "level": {"yes"}, "reasoning": {"Phishing risk."},
		"factor-sensitivity": {"medium"}, "factor-consequences": {"medium"}, "factor-probability": {"high"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Cette loi exige de consulter la personne responsable", `id="a-quebec-consulted-error"`)
	for _, form := range []url.Values{
		{"law": {"quebec"}, "level": {"yes"}, "reasoning": {"Phishing risk."}, "consulted": {"on"},
			"factor-sensitivity": {"medium"}, "factor-consequences": {"medium"}, "factor-probability": {"high"}},
		{"law": {"gdpr"}, "level": {"high_risk"}, "reasoning": {"Contact data usable for phishing."}},
		{"law": {"pipeda"}, "level": {"yes"}, "reasoning": {"RROSH.."}, "factor-sensitivity": {"medium"}, "factor-probability": {"high"}},
	} {
		agent.post("/breaches/"+id+"/assess", form).mustStatus(t, http.StatusSeeOther)
	}

	// The CAI draft, in French, then saved as version 1.
	r = agent.get("/breaches/" + id + "/draft?obligation=quebec%2Fauthority&lang=fr")
	r.mustStatus(t, http.StatusOK)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, "1. Entreprise", "11. Autres organismes avisés", "Rédigé à partir des faits")
	r = agent.post("/breaches/"+id+"/draft", url.Values{"obligation": {"quebec/authority"}, "lang": {"fr"}, "body": {"Avis à la CAI\n\nTexte revu."}})
	r.mustStatus(t, http.StatusSeeOther)
	agent.get(r.Header.Get("Location")).mustContain(t, "Version 1 du", "Texte revu.")
	agent.post("/breaches/"+id+"/draft", url.Values{"obligation": {"quebec/authority"}, "lang": {"fr"}, "body": {"  "}}).
		mustStatus(t, http.StatusUnprocessableEntity)
	agent.get("/breaches/"+id+"/draft?obligation=nope&lang=fr").mustStatus(t, http.StatusNotFound)

	// The notice to the Quebecers by email: only from a saved draft.
	send := url.Values{"obligation": {"quebec/persons"}, "recipients": {"luc@example.ca fr\nann@example.ca en"}}
	r = agent.post("/breaches/"+id+"/send", send)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Relisez et enregistrez d’abord l’avis dans cette langue (fr)")
	for _, l := range []string{"fr", "en"} {
		agent.post("/breaches/"+id+"/draft", url.Values{"obligation": {"quebec/persons"}, "lang": {l}, "body": {"Avis " + l + "\n\nTexte."}}).
			mustStatus(t, http.StatusSeeOther)
	}
	agent.post("/breaches/"+id+"/send", send).mustStatus(t, http.StatusSeeOther)
	var lang, subject string
	if err := e.db.QueryRow(context.Background(), `SELECT locale, subject FROM mail_outbox WHERE to_addr = ?`, "luc@example.ca").Scan(&lang, &subject); err != nil || lang != "fr" || subject != "Avis fr" {
		t.Errorf("outbox: %v %s %q", err, lang, subject)
	}
	agent.get("/breaches/"+id).mustContain(t, "Avis envoyés par courriel", "0 envoyés, 2 en attente, 0 en échec")

	// Three days later the CNIL clock is overdue: the list warns.
	e.clock.Set(aware.Add(73 * time.Hour))
	r = agent.get("/breaches")
	r.mustContain(t, "délai(s) de notification sont dépassés", "row-overdue")
	e.checkPage(t, r, i18n.FR)
	r = agent.get("/")
	r.mustContain(t, `<a href="/breaches">Violations</a></h2>`, "violations en cours de traitement",
		`<div class="count-alert"><dt>Délais de notification dépassés</dt><dd>1</dd>`)
	e.checkPage(t, r, i18n.FR)

	// Closing with notices owed is refused with the reason.
	r = agent.post("/breaches/"+id+"/close", url.Values{"note": {"fin"}})
	r.mustStatus(t, http.StatusConflict)
	r.mustContain(t, "Des notifications sont encore dues")
	sent := aware.Add(70 * time.Hour).Format(localInput)
	r = agent.post("/breaches/"+id+"/notify", url.Values{"obligation": {"gdpr/FR/authority"}, "sent_at": {aware.Add(80 * time.Hour).Format(localInput)}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Cette date est dans le futur.")
	for _, key := range []string{"gdpr/FR/authority", "gdpr/persons", "pipeda/authority", "pipeda/persons", "quebec/authority", "quebec/persons"} {
		agent.post("/breaches/"+id+"/notify", url.Values{"obligation": {key}, "sent_at": {sent}, "reference": {"REF-" + key}}).
			mustStatus(t, http.StatusSeeOther)
	}
	agent.post("/breaches/"+id+"/close", url.Values{"note": {"Tout est envoyé."}}).mustStatus(t, http.StatusSeeOther)
	r = agent.get("/breaches/" + id)
	r.mustContain(t, "Clos", "REF-gdpr/FR/authority", "Respecté")
	r.mustNotContain(t, `action="/breaches/`+id+`/close"`)
	agent.post("/breaches/"+id+"/assess", url.Values{"law": {"gdpr"}, "level": {"none"}, "reasoning": {"x"}}).mustStatus(t, http.StatusSeeOther)

	// The same pages in Dutch and English.
	for _, l := range []i18n.Lang{i18n.NL, i18n.EN} {
		agent.setLang(l)
		for _, path := range []string{"/breaches", "/breaches/" + id, "/breaches/" + id + "/draft?obligation=gdpr%2FFR%2Fauthority&lang=" + string(l), "/"} {
			r := agent.get(path)
			r.mustStatus(t, http.StatusOK)
			e.checkPage(t, r, l)
		}
	}
	agent.setLang(i18n.NL)
	agent.get("/breaches/"+id).mustContain(t, "Meldingen en termijnen", "Verzonden", "Gehaald")

	// The register export: the incident, its notices, a formula defused.
	r = viewer.get("/breaches/register.csv")
	r.mustStatus(t, http.StatusOK)
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	row := strings.Join(rows[1], "|")
	for _, want := range []string{"closed", "CA-ON=300 CA-QC=500 FR=400", "gdpr=high_risk (Contact data usable for phishing.)",
		"'=HYPERLINK", "#REF-quebec/authority", "2031-11-27T00:00:00Z"} {
		if !strings.Contains(row, want) {
			t.Errorf("csv row lacks %q:\n%s", want, row)
		}
	}
	r = viewer.get("/breaches/register.pdf")
	r.mustStatus(t, http.StatusOK)
	if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
		t.Errorf("pdf export: %s %.20q", r.Header.Get("Content-Type"), r.body)
	}
	var exports int
	if err := e.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'breach.register_exported' AND actor = ?`,
		"operator:"+e.users[operator.Viewer].ID).Scan(&exports); err != nil || exports != 2 {
		t.Errorf("export audited %d times (%v)", exports, err)
	}
	if r := agent.get("/breaches/" + id + "/edit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("edit form of a closed incident: %d", r.StatusCode)
	}
	if v, _ := e.svc.Get(context.Background(), id); v.Incident.State != breach.StateClosed {
		t.Errorf("state %s", v.Incident.State)
	}
}
