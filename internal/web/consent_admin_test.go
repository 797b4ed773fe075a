package web

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// TestConsentAdminPage: an admin adds a banner site (mistakes shown per
// field), sees its tag, the chart counts the choices by month and
// language, and the proof export downloads the ledger; a viewer sees the
// figures but can neither add a site nor export.
func TestConsentAdminPage(t *testing.T) {
	e, cs := newOptOutEnv(t)
	e.seed()
	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	fr := e.cat.For(i18n.FR)

	r := admin.get("/consent")
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, esc(fr.T("consent.web.no_events")), esc(fr.T("consent.web.no_sites")), `href="/consent" aria-current="page"`)

	r = admin.post("/consent/sites", url.Values{"name": {""}, "origins": {"shop.example"}, "notice_version": {"v1"}, "reask_months": {"40"}})
	r.mustStatus(t, 422)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, `href="#site-name"`, `href="#site-origins"`, `href="#site-reask"`)
	r = admin.post("/consent/sites", url.Values{"name": {"Boutique"}, "origins": {"https://shop.example\nhttps://www.shop.example"},
		"notice_version": {"2026-01"}, "policy_url": {"https://shop.example/confidentialite"}})
	r.mustStatus(t, 303)
	sites, err := cs.Sites(t.Context())
	if err != nil || len(sites) != 1 || len(sites[0].Origins) != 2 || sites[0].ReaskMonths != 6 {
		t.Fatalf("sites: %+v %v", sites, err)
	}
	site := sites[0]

	for i, lang := range []string{"fr", "fr-CA", "nl"} {
		in := consent.EventInput{SiteID: site.ID, DeviceID: "dev" + lang, Method: "express", Source: "banner", Language: lang,
			Granted: []string{"analytics"}, Refused: []string{"marketing"}}
		if i == 2 {
			in.Granted, in.Refused = nil, []string{"analytics", "marketing"}
		}
		if _, err := cs.Record(t.Context(), consent.ActorPublic, in); err != nil {
			t.Fatal(err)
		}
	}
	r = admin.get("/consent")
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	month := time.Now().UTC().Format("2006-01")
	// Analytics: 2 of 3 granted this month; by language FR 2 of 2, NL 0 of 1.
	r.mustContain(t, esc(fr.T("consent.web.site_created")), "/banner.js?site="+site.ID, "https://www.shop.example",
		"<th scope=\"row\">"+month+"</th>", esc(fr.T("consent.web.cell", map[string]any{"Percent": 67, "Granted": 2, "Refused": 1})),
		"<th scope=\"row\">FR</th>", esc(fr.T("consent.web.cell", map[string]any{"Percent": 100, "Granted": 2, "Refused": 0})),
		"<th scope=\"row\">NL</th>", esc(fr.T("consent.web.cell", map[string]any{"Percent": 0, "Granted": 0, "Refused": 3})),
		`<rect width="80.0" height="12"`)

	today := time.Now().UTC().Format(time.DateOnly)
	r = admin.get("/consent/export?format=csv&from=" + today + "&to=" + today)
	r.mustStatus(t, 200)
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 4 || rows[3][6] != "devnl" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %v %q", err, r.body)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.exported' AND actor = ?", "operator:"+e.users[operator.Admin].ID); n != 1 {
		t.Fatalf("export audited %d times", n)
	}
	r = admin.get("/consent/export?format=xml&from=" + today + "&to=" + today)
	r.mustStatus(t, 303)

	// The site's form, filled with its configuration; a new notice
	// version is saved, a broken address is refused.
	r = admin.get("/consent/sites/" + site.ID)
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, `value="2026-01"`, "https://shop.example\nhttps://www.shop.example</textarea>", `action="/consent/sites/`+site.ID+`"`)
	r = admin.post("/consent/sites/"+site.ID, url.Values{"name": {"Boutique"}, "origins": {"https://shop.example/x"}, "notice_version": {"2026-02"}})
	r.mustStatus(t, 422)
	e.checkPage(t, r, i18n.FR)
	r.mustContain(t, `href="#site-origins"`)
	r = admin.post("/consent/sites/"+site.ID, url.Values{"name": {"Boutique"}, "origins": {"https://shop.example"},
		"notice_version": {"2026-02"}, "reask_months": {"12"}})
	r.mustStatus(t, 303)
	if got, err := cs.Site(t.Context(), site.ID); err != nil || got.NoticeVersion != "2026-02" || got.ReaskMonths != 12 || len(got.Origins) != 1 {
		t.Fatalf("updated site: %+v %v", got, err)
	}
	if r := admin.get("/consent/sites/0190d9c2-0000-7000-8000-000000000000"); r.StatusCode != 404 {
		t.Fatalf("missing site: %d", r.StatusCode)
	}

	// The receipt keys: generation 1 signs; a rotation makes a new key
	// sign and keeps the first published, and the audit log names who.
	r = admin.get("/consent")
	first, err := cs.ReceiptKeys(t.Context())
	if err != nil || len(first) != 1 {
		t.Fatalf("keys: %+v %v", first, err)
	}
	r.mustContain(t, esc(fr.T("consent.web.keys_title")), `action="/consent/receipt-keys"`, "<code>"+first[0].KeyID+"</code>",
		esc(fr.T("consent.web.keys_signing")))
	r.mustNotContain(t, esc(fr.T("consent.web.keys_checking")))
	r = admin.post("/consent/receipt-keys", nil)
	r.mustStatus(t, 303)
	r = admin.get("/consent")
	r.mustStatus(t, 200)
	e.checkPage(t, r, i18n.FR)
	keys, err := cs.ReceiptKeys(t.Context())
	if err != nil || len(keys) != 2 || keys[1].KeyID != first[0].KeyID || !keys[0].Signing {
		t.Fatalf("keys after the rotation: %+v %v", keys, err)
	}
	r.mustContain(t, esc(fr.T("consent.web.keys_rotated")), "<code>"+keys[0].KeyID+"</code>", "<code>"+first[0].KeyID+"</code>",
		esc(fr.T("consent.web.keys_checking")))
	if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.receipt_key_rotated' AND actor = ?", "operator:"+e.users[operator.Admin].ID); n != 1 {
		t.Fatalf("rotation audited %d times", n)
	}

	viewer := e.as(operator.Viewer)
	r = viewer.get("/consent")
	r.mustStatus(t, 200)
	r.mustNotContain(t, `action="/consent/sites"`, `action="/consent/export"`, `action="/consent/receipt-keys"`, keys[0].KeyID)
	if r := viewer.post("/consent/receipt-keys", nil); r.StatusCode != 403 {
		t.Fatalf("viewer rotation: %d", r.StatusCode)
	}
	if r := viewer.get("/consent/export?format=csv&from=" + today + "&to=" + today); r.StatusCode != 403 {
		t.Fatalf("viewer export: %d", r.StatusCode)
	}
	if r := viewer.get("/consent/sites/" + site.ID); r.StatusCode != 403 {
		t.Fatalf("viewer edit: %d", r.StatusCode)
	}
	if r := viewer.post("/consent/sites", url.Values{"name": {"x"}}); r.StatusCode != 403 {
		t.Fatalf("viewer create: %d", r.StatusCode)
	}
}
