package breach

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestQuebecFranceOntario is the "done when": 1,200 people living
// in Quebec, France and Ontario yield the CAI, CNIL and OPC notices and
// those to the persons, with their deadlines and drafts in French and
// English, then the incident is notified and closed.
func TestQuebecFranceOntario(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		toronto := zone(t, "America/Toronto")
		// Friday 27 November 2026, 16:00 in Montreal (EST, UTC-5).
		aware := time.Date(2026, 11, 27, 16, 0, 0, 0, toronto)
		clock := &testClock{t: aware.Add(time.Hour)}
		s := newTestService(t, d, clock)

		inc, err := s.Open(ctx, actor, quebecFranceOntario(aware))
		if err != nil {
			t.Fatal(err)
		}
		if want := "2031-11-27"; inc.RetainUntil == nil || inc.RetainUntil.Format(time.DateOnly) != want {
			t.Errorf("retain until %v, want %s (Quebec: 5 years)", inc.RetainUntil, want)
		}
		v, err := s.Get(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, o := range v.Obligations {
			keys = append(keys, o.Key)
		}
		want := "gdpr/FR/authority gdpr/persons pipeda/authority pipeda/persons quebec/authority quebec/persons"
		if strings.Join(keys, " ") != want {
			t.Fatalf("obligations %v, want %s", keys, want)
		}
		// Before any assessment the GDPR clock already runs: 72 hours from
		// 21:00 UTC on Friday is 21:00 UTC on Monday, weekend included.
		cnil := obligation(t, v, "gdpr/FR/authority")
		if cnil.Status != StatusAwaitingAssessment || cnil.Clock.State != ClockRunning {
			t.Errorf("CNIL before assessment: %s %s", cnil.Status, cnil.Clock.State)
		}
		if cnil.Clock.Due == nil || !cnil.Clock.Due.Equal(time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC)) {
			t.Errorf("CNIL due %v", cnil.Clock.Due)
		}
		if !strings.Contains(cnil.Authority.Name, "CNIL") || cnil.Residents != 400 {
			t.Errorf("CNIL obligation %+v", cnil.Authority)
		}
		if o := obligation(t, v, "pipeda/authority"); !strings.Contains(o.Authority.Name, "OPC") || o.Residents != 800 {
			t.Errorf("OPC obligation: %s, %d residents", o.Authority.Name, o.Residents)
		}
		if o := obligation(t, v, "quebec/authority"); !strings.Contains(o.Authority.Name, "CAI") || o.Residents != 500 {
			t.Errorf("CAI obligation: %s, %d residents", o.Authority.Name, o.Residents)
		}
		if _, err := s.Close(ctx, actor, inc.ID, ""); !errors.Is(err, ErrCloseUnassessed) {
			t.Fatalf("close before assessment: %v", err)
		}

		// Quebec's assessment needs the privacy officer consulted.
		qc := AssessInput{LawID: "quebec", Level: "yes", Reasoning: "Names and addresses of 500 Quebecers exposed; phishing likely.",
			Factors: map[string]string{"sensitivity": "medium", "consequences": "medium", "probability": "high"}}
		var fe FieldErrors
		if _, err := s.Assess(ctx, actor, inc.ID, qc); !errors.As(err, &fe) || fe["consulted"] != ErrConsultRequired {
			t.Fatalf("Quebec assessment without consultation: %v", err)
		}
		qc.Consulted = true
		for _, in := range []AssessInput{
			qc,
			{LawID: "gdpr", Level: "high_risk", Reasoning: "Unencrypted contact data usable for targeted phishing."},
			{LawID: "pipeda", Level: "yes", Reasoning: "Real risk of significant harm: phishing and identity theft.",
				Factors: map[string]string{"sensitivity": "medium", "probability": "high"}},
		} {
			if _, err := s.Assess(ctx, actor, inc.ID, in); err != nil {
				t.Fatalf("assess %s: %v", in.LawID, err)
			}
		}
		if v, err = s.Get(ctx, inc.ID); err != nil {
			t.Fatal(err)
		}
		for _, o := range v.Obligations {
			if o.Status != StatusRequired {
				t.Errorf("%s: %s, want required", o.Key, o.Status)
			}
		}
		if o := obligation(t, v, "pipeda/authority"); o.Clock.Due != nil || o.Clock.State != ClockRunning || o.Clock.Left != time.Hour {
			t.Errorf("OPC clock: as soon as feasible, running for an hour; got %+v", o.Clock)
		}

		// Drafts, in the legal order, in French and English.
		draft := func(key string, lang i18n.Lang) string {
			t.Helper()
			dr, err := s.Draft(ctx, inc.ID, key, lang)
			if err != nil {
				t.Fatal(err)
			}
			if dr.Version != 0 {
				t.Fatalf("unsaved draft has version %d", dr.Version)
			}
			return dr.Body
		}
		inOrder := func(body string, parts ...string) {
			t.Helper()
			at := 0
			for _, p := range parts {
				i := strings.Index(body[at:], p)
				if i < 0 {
					t.Fatalf("draft lacks %q after position %d:\n%s", p, at, body)
				}
				at += i + len(p)
			}
		}
		inOrder(draft("quebec/authority", i18n.FR),
			"Avis d’incident de confidentialité à la Commission d'accès à l'information du Québec (CAI) — "+inc.Reference,
			"1. Entreprise\nBoutique Lumière inc. (numéro d’entreprise du Québec 1234567890)",
			"2. Point de contact\nBoutique Lumière inc.\nMarie Tremblay\nvie.privee@lumiere.example",
			"3. Renseignements personnels visés\nDonnées concernées : adresses postales, adresses électroniques, noms.",
			"4. Circonstances et cause",
			"5. Date ou période de l’atteinte\nLe 25 novembre 2026 16:00 (America/Toronto).",
			"6. Date et moyen de la prise de connaissance\nL’entreprise a pris connaissance de l’incident le 27 novembre 2026 16:00 (America/Toronto).",
			"7. Personnes concernées et personnes résidant dans la province\nPersonnes concernées : 1\u202f200, dont 500 protégées",
			"8. Éléments ayant mené à conclure à un risque de préjudice sérieux\nSensibilité des renseignements : moyenne",
			"9. Avis aux personnes concernées\nLes personnes concernées seront avisées directement",
			"10. Mesures prises pour réduire le risque de préjudice\nThe link was removed",
			"11. Autres organismes avisés\nAucun autre organisme")
		inOrder(draft("quebec/authority", i18n.EN),
			"Notice of a confidentiality incident to the Commission d'accès à l'information du Québec (CAI)",
			"1. Enterprise", "2. Contact point", "3. Personal information involved", "4. Circumstances and cause",
			"5. Date or period of the breach", "6. When and how the enterprise became aware",
			"7. Persons concerned and persons living in the province\nPersons concerned: 1,200, of whom 500",
			"8. Elements supporting", "9. Notice to the individuals", "10. Steps taken to reduce", "11. Other bodies notified")
		inOrder(draft("gdpr/FR/authority", i18n.FR),
			"Notification d’une violation de données personnelles à la Commission nationale de l'informatique et des libertés (CNIL)",
			"1. Nature de la violation\nA customer export", "Type de violation : confidentialité",
			"Personnes concernées : 1\u202f200. Enregistrements concernés : 1\u202f350.",
			"2. Point de contact", "3. Conséquences probables", "4. Mesures prises ou proposées")
		inOrder(draft("pipeda/authority", i18n.EN),
			"Report of a breach of security safeguards to the Office of the Privacy Commissioner of Canada (OPC)",
			"1. Circumstances and cause", "Cause: A misconfigured sharing link.", "2. Date or period of the breach",
			"3. Personal information involved", "4. Number of individuals affected\nPersons concerned: 1,200.",
			"5. Steps taken to reduce the risk of harm", "6. Notice to the individuals", "7. Contact point")
		inOrder(draft("pipeda/persons", i18n.FR),
			"Avis d’atteinte aux mesures de sécurité", "1. Circonstances et cause", "2. Date ou période",
			"3. Renseignements personnels visés", "4. Mesures prises pour réduire", "5. Mesures que vous pouvez prendre\nWatch for",
			"6. Point de contact", "7. Plaintes\nVous pouvez porter plainte auprès de Boutique Lumière inc.")
		inOrder(draft("quebec/persons", i18n.FR), "Avis d’incident de confidentialité — "+inc.Reference,
			"1. Renseignements personnels visés", "2. Circonstances et cause", "3. Date ou période",
			"4. Mesures prises pour réduire", "5. Ce que vous pouvez faire", "6. Point de contact")
		inOrder(draft("gdpr/persons", i18n.EN), "Information about a personal data breach", "1. Nature of the breach",
			"2. Contact point", "3. Likely consequences", "4. Measures taken or proposed", "5. What you can do")

		// An edited draft is saved as version 1, then 2; both are kept.
		body := draft("quebec/authority", i18n.FR) + "\nAjout : journal d’accès joint."
		d1, err := s.SaveDraft(ctx, actor, inc.ID, "quebec/authority", i18n.FR, body)
		if err != nil || d1.Version != 1 {
			t.Fatalf("save draft: %v %+v", err, d1)
		}
		d2, err := s.SaveDraft(ctx, actor, inc.ID, "quebec/authority", i18n.FR, body+"\nVersion 2.")
		if err != nil || d2.Version != 2 {
			t.Fatalf("save draft again: %v %+v", err, d2)
		}
		if dr, _ := s.Draft(ctx, inc.ID, "quebec/authority", i18n.FR); dr.Version != 2 || !strings.HasSuffix(dr.Body, "Version 2.") {
			t.Errorf("latest draft %d", dr.Version)
		}

		// Notifications: the CNIL within 72 hours, with its reference.
		clock.Set(aware.Add(50 * time.Hour))
		sentAt := aware.Add(49 * time.Hour)
		if _, err := s.RecordNotification(ctx, actor, inc.ID, NotifyInput{Obligation: "gdpr/FR/authority", SentAt: sentAt, Reference: "CNIL-2026-0042"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Close(ctx, actor, inc.ID, ""); !errors.Is(err, ErrCloseUnsent) {
			t.Fatalf("close with notices owed: %v", err)
		}
		// A notice cannot be dated in the future nor before awareness.
		if _, err := s.RecordNotification(ctx, actor, inc.ID, NotifyInput{Obligation: "pipeda/authority", SentAt: aware.Add(51 * time.Hour)}); !errors.As(err, &fe) || fe["sent_at"] != ErrFuture {
			t.Errorf("future notice: %v", err)
		}
		if _, err := s.RecordNotification(ctx, actor, inc.ID, NotifyInput{Obligation: "pipeda/authority", SentAt: aware.Add(-time.Hour)}); !errors.As(err, &fe) || fe["sent_at"] != ErrSentBeforeAware {
			t.Errorf("notice before awareness: %v", err)
		}
		for _, key := range []string{"pipeda/authority", "quebec/authority", "gdpr/persons", "pipeda/persons", "quebec/persons"} {
			if _, err := s.RecordNotification(ctx, actor, inc.ID, NotifyInput{Obligation: key, SentAt: sentAt}); err != nil {
				t.Fatalf("notify %s: %v", key, err)
			}
		}
		if v, err = s.Get(ctx, inc.ID); err != nil {
			t.Fatal(err)
		}
		if o := obligation(t, v, "gdpr/FR/authority"); o.Status != StatusSent || o.Clock.State != ClockMet || o.Sent[0].Reference != "CNIL-2026-0042" {
			t.Errorf("CNIL after notice: %s %s %+v", o.Status, o.Clock.State, o.Sent)
		}
		// The CAI notice now names the OPC among the other bodies notified.
		title, gen := Generate(s.cat.For(i18n.EN), v.Incident, obligation(t, v, "quebec/authority"), v.Obligations, s.org, s.loc, s.Now())
		if !strings.Contains(gen, "11. Other bodies notified\nCommission nationale de l'informatique et des libertés (CNIL)\nOffice of the Privacy Commissioner of Canada (OPC)") || title == "" {
			t.Errorf("other bodies:\n%s", gen)
		}

		if _, err := s.Close(ctx, actor, inc.ID, "All notices sent."); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "gdpr", Level: "none", Reasoning: "x"}); !errors.Is(err, ErrClosed) {
			t.Errorf("assess a closed incident: %v", err)
		}
		got := strings.Join(auditActions(t, d, inc.ID), " ")
		wantAudit := "breach.opened breach.assessed breach.assessed breach.assessed breach.draft_saved breach.draft_saved " +
			"breach.notified breach.notified breach.notified breach.notified breach.notified breach.notified breach.closed"
		if got != wantAudit {
			t.Errorf("audit:\n%s\nwant\n%s", got, wantAudit)
		}
		if v, err = s.Get(ctx, inc.ID); err != nil {
			t.Fatal(err)
		}
		if len(v.Events) != 13 || v.Events[0].Kind != EventOpened || v.Events[12].Kind != EventClosed {
			t.Errorf("timeline has %d events", len(v.Events))
		}
	})
}
