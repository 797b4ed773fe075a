package breach

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// The printable register holds, per incident, what Quebec's Regulation
// s. 7 lists: dates, circumstances, information, persons, the reasoning of
// the assessment, the notices sent, the measures; in the reader's language.
func TestRegisterHTML(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		aware := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
		s := newTestService(t, d, &testClock{t: aware.Add(2 * time.Hour)})
		f := quebecFranceOntario(aware)
		f.Description = "Export <script>alert(1)</script>"
		inc, err := s.Open(ctx, actor, f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assess(ctx, actor, inc.ID, AssessInput{LawID: "quebec", Level: "yes", Consulted: true, Reasoning: "Hameçonnage probable.",
			Factors: map[string]string{"sensitivity": "medium", "consequences": "medium", "probability": "high"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordNotification(ctx, actor, inc.ID, NotifyInput{Obligation: "quebec/authority", SentAt: aware.Add(time.Hour), Reference: "CAI-77"}); err != nil {
			t.Fatal(err)
		}
		v, _ := s.Get(ctx, inc.ID)
		html, err := s.RegisterHTML(s.cat.For(i18n.FR), []*View{v})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`<html lang="fr">`, "Registre des violations", inc.Reference, "Prise de connaissance",
			"2026-11-27 16:00 EST", "Loi sur la protection des renseignements personnels dans le secteur privé (Loi 25) : Oui",
			"Hameçonnage probable.", "quebec/authority — 2026-11-27 17:00 EST — CAI-77", "CA-ON 300, CA-QC 500, FR 400",
			"2031-11-27", "Export &lt;script&gt;"} {
			if !strings.Contains(html, want) {
				t.Errorf("register lacks %q", want)
			}
		}
	})
}
