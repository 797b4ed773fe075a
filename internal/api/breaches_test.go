package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/rules"
)

// breachService is the register the fixture's API serves, on its database,
// for a business on Montreal time.
func breachService(t *testing.T, d *db.DB, al *audit.Log, cat *i18n.Catalog, ob *mail.Outbox) *breach.Service {
	t.Helper()
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := breach.NewService(breach.Deps{DB: d, Audit: al, Rules: rules.Embedded(), Catalog: cat,
		Location: loc, Organization: "Boutique Lumière inc.", Outbox: ob})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// breachFixture adds a breaches:read and a breaches:write token.
func breachFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	for label, scope := range map[string]string{"br-read": operator.ScopeBreachRead, "br-write": operator.ScopeBreachWrite} {
		raw, tok, err := f.ops.CreateToken(t.Context(), operator.ActorCLI, operator.NewToken{Name: label, Scopes: []string{scope}})
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[label], f.tokenID[label] = raw, tok.ID
	}
	return f
}

func breachBody(aware time.Time) string {
	b, _ := json.Marshal(map[string]any{
		"title": "Customer export left on a public share", "description": "Reachable without a password.",
		"occurred_at": aware.Add(-24 * time.Hour), "aware_at": aware, "aware_how": "A customer told us.",
		"kinds": []string{"confidentiality"}, "categories": []string{"user.name", "user.contact.email"},
		"persons": 1200, "residents": map[string]int{"CA-QC": 500, "FR": 400, "CA-ON": 300},
		"consequences": "Phishing.", "measures": "Link removed.", "contact_name": "Marie Tremblay",
		"contact_email": "vie.privee@lumiere.example",
	})
	return string(b)
}

func TestBreachesAPI(t *testing.T) {
	f := breachFixture(t)
	aware := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)

	// The read scope cannot write.
	if w := f.do(t, request{method: "POST", path: "/api/v1/breaches", token: "br-read", body: breachBody(aware)}); w.Code != 403 {
		t.Fatalf("read token creates: %d", w.Code)
	}
	// Aware before it happened: 422 with the field and a French reason.
	bad := strings.Replace(breachBody(aware), `"persons":1200`, `"persons":1200,"occurred_until":null`, 1)
	bad = strings.Replace(bad, aware.Format(time.RFC3339), aware.Add(-48*time.Hour).Format(time.RFC3339), 1)
	w := f.do(t, request{method: "POST", path: "/api/v1/breaches", token: "br-write", body: bad, header: map[string]string{"Accept-Language": "fr"}})
	if w.Code != 422 {
		t.Fatalf("bad dates: %d %s", w.Code, w.Body)
	}
	e := decodeError(t, w)
	if e.Error.Code != CodeInvalid || len(e.Error.Details) != 1 || e.Error.Details[0].Location != "body.aware_at" ||
		!strings.Contains(e.Error.Details[0].Message, "avant qu’elle se produise") {
		t.Fatalf("bad dates: %s", w.Body)
	}

	w = f.do(t, request{method: "POST", path: "/api/v1/breaches", token: "br-write", body: breachBody(aware)})
	if w.Code != 200 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	created := decode[BreachDetail](t, w.Body.Bytes())
	b := created.Breach
	var keys []string
	for _, o := range b.Obligations {
		keys = append(keys, o.Key+"="+o.Status)
	}
	want := "gdpr/FR/authority=awaiting_assessment gdpr/persons=awaiting_assessment pipeda/authority=awaiting_assessment " +
		"pipeda/persons=awaiting_assessment quebec/authority=awaiting_assessment quebec/persons=awaiting_assessment"
	if strings.Join(keys, " ") != want || !strings.HasPrefix(b.Reference, "BR-") || len(created.Timeline) != 1 {
		t.Fatalf("created: %s", w.Body)
	}
	cnil := b.Obligations[0]
	if cnil.Clock == nil || cnil.Clock.Due == nil || !cnil.Clock.Due.Equal(aware.Add(72*time.Hour)) || cnil.Clock.State != "running" {
		t.Errorf("CNIL clock %+v", cnil.Clock)
	}
	base := "/api/v1/breaches/" + b.ID

	// Assess under each law; Quebec's needs the consultation.
	assess := func(body string) int {
		return f.do(t, request{method: "POST", path: base + "/assessments", token: "br-write", body: body}).Code
	}
	if c := assess(`{"law":"quebec","level":"yes","reasoning":"Risk.","factors":{"sensitivity":"medium","consequences":"low","probability":"high"}}`); c != 422 {
		t.Errorf("Quebec without consultation: %d", c)
	}
	for _, body := range []string{
		`{"law":"quebec","level":"yes","consulted":true,"reasoning":"Risk.","factors":{"sensitivity":"medium","consequences":"low","probability":"high"}}`,
		`{"law":"gdpr","level":"high_risk","reasoning":"Phishing."}`,
		`{"law":"pipeda","level":"yes","reasoning":"RROSH.","factors":{"sensitivity":"medium","probability":"high"}}`,
	} {
		if c := assess(body); c != 200 {
			t.Fatalf("assess %s: %d", body, c)
		}
	}

	// The CAI notice in French.
	w = f.do(t, request{path: base + "/draft?obligation=" + url.QueryEscape("quebec/authority") + "&lang=fr", token: "br-read"})
	if w.Code != 200 {
		t.Fatalf("draft: %d %s", w.Code, w.Body)
	}
	d := decode[BreachDraft](t, w.Body.Bytes())
	if d.Version != 0 || !strings.Contains(d.Body, "1. Entreprise") || !strings.Contains(d.Body, "7. Personnes concernées et personnes résidant dans la province") {
		t.Errorf("draft: %+v", d)
	}
	w = f.do(t, request{method: "POST", path: base + "/drafts", token: "br-write",
		body: `{"obligation":"quebec/authority","language":"fr","body":"Avis à la CAI\n\nTexte."}`})
	if d := decode[BreachDraft](t, w.Body.Bytes()); w.Code != 200 || d.Version != 1 || d.Title != "Avis à la CAI" {
		t.Errorf("save draft: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{path: base + "/draft?obligation=nope&lang=fr", token: "br-read"}); w.Code != 422 {
		t.Errorf("unknown obligation: %d", w.Code)
	}

	// The persons' notice by email needs a saved draft in each language.
	notices := `{"obligation":"quebec/persons","recipients":[{"email":"luc@example.ca","language":"fr"}]}`
	w = f.do(t, request{method: "POST", path: base + "/notices", token: "br-write", body: notices})
	if w.Code != 422 || decodeError(t, w).Error.Details[0].Location != "body.recipients" {
		t.Errorf("notices without a saved draft: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{method: "POST", path: base + "/drafts", token: "br-write",
		body: `{"obligation":"quebec/persons","language":"fr","body":"Avis aux personnes\n\nTexte."}`}); w.Code != 200 {
		t.Fatalf("save persons draft: %d %s", w.Code, w.Body)
	}
	w = f.do(t, request{method: "POST", path: base + "/notices", token: "br-write", body: notices})
	if s := decode[BreachSent](t, w.Body.Bytes()); w.Code != 200 || s.Obligation != "quebec/persons" || s.Phase != 1 {
		t.Fatalf("notices: %d %s", w.Code, w.Body)
	}
	var subject, locale string
	if err := f.db.QueryRow(t.Context(), "SELECT subject, locale FROM mail_outbox WHERE to_addr = ?", "luc@example.ca").Scan(&subject, &locale); err != nil ||
		subject != "Avis aux personnes" || locale != "fr" {
		t.Errorf("outbox: %v %q %q", err, subject, locale)
	}

	// Close is refused while notices are owed.
	if w := f.do(t, request{method: "POST", path: base + "/close", token: "br-write", body: `{}`}); w.Code != 409 || decodeError(t, w).Error.Code != "breach.error.close_unsent" {
		t.Fatalf("close with notices owed: %d %s", w.Code, w.Body)
	}
	sent := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	for _, key := range []string{"gdpr/FR/authority", "gdpr/persons", "pipeda/authority", "pipeda/persons", "quebec/authority", "quebec/persons"} {
		w := f.do(t, request{method: "POST", path: base + "/notifications", token: "br-write",
			body: fmt.Sprintf(`{"obligation":%q,"sent_at":%q,"reference":"R-1"}`, key, sent)})
		if w.Code != 200 {
			t.Fatalf("notify %s: %d %s", key, w.Code, w.Body)
		}
	}
	w = f.do(t, request{method: "POST", path: base + "/close", token: "br-write", body: `{"note":"Done."}`})
	if w.Code != 200 || decode[BreachDetail](t, w.Body.Bytes()).Breach.State != "closed" {
		t.Fatalf("close: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{method: "POST", path: base + "/assessments", token: "br-write", body: `{"law":"gdpr","level":"none","reasoning":"x"}`}); w.Code != 409 {
		t.Errorf("assess closed: %d", w.Code)
	}
	w = f.do(t, request{path: "/api/v1/breaches?state=closed", token: "br-read"})
	if l := decode[BreachList](t, w.Body.Bytes()); w.Code != 200 || len(l.Breaches) != 1 || l.Breaches[0].RetainUntil == nil {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	if w := f.do(t, request{path: "/api/v1/breaches/not-an-id", token: "br-read"}); w.Code != 404 {
		t.Errorf("unknown id: %d", w.Code)
	}
}
