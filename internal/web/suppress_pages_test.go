package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/testutil/dbtest"
)

// TestSuppressPagesAgentFlow: a verified objection shows on the list and
// on its request page; the agent changes its purposes and lifts it from
// the request page, with errors shown on the page for bad input; the list
// then shows it lifted. Viewers read but cannot change.
func TestSuppressPagesAgentFlow(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newSuppressEnv(t, d)
		id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeObjection))
		ref := e.request(id).Reference
		en := e.entryOf(id)

		viewer := e.as(operator.Viewer)
		r := viewer.get("/suppressions")
		r.mustStatus(t, http.StatusOK)
		r.mustContain(t, "Suppression list", "camille@example.fr", `href="/requests/`+id+`"`, ref, "Objection", "Marketing, Newsletter", "In force")
		if strings.Contains(r.body, `action="/suppressions/`+en.ID+`/lift"`) || strings.Contains(r.body, `action="/suppressions"`) {
			t.Error("a viewer is offered changes")
		}
		r = viewer.get("/requests/" + id)
		r.mustStatus(t, http.StatusOK)
		r.mustContain(t, `id="suppress-title"`, "Marketing, Newsletter", "Put on the list")
		if strings.Contains(r.body, "/suppressions/"+en.ID+"/purposes") {
			t.Error("a viewer is offered the purposes form")
		}
		viewer.post("/suppressions/"+en.ID+"/lift", url.Values{"reason": {"no"}}).mustStatus(t, http.StatusForbidden)
		viewer.post("/suppressions", url.Values{"email": {"x@example.org"}, "purposes": {"marketing"}}).mustStatus(t, http.StatusForbidden)

		agent := e.as(operator.Agent)
		r = agent.get("/requests/" + id)
		r.mustContain(t, `action="/suppressions/`+en.ID+`/purposes"`, `id="suppress-purposes-marketing" name="purposes" value="marketing" checked`)

		// No purpose ticked: the request page again, the error tied to the fieldset.
		r = agent.post("/suppressions/"+en.ID+"/purposes", url.Values{"from": {"request"}})
		r.mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `href="#suppress-purposes"`, "Choose at least one purpose to stop.", "Request "+ref)
		r = agent.post("/suppressions/"+en.ID+"/purposes", url.Values{"from": {"request"}, "purposes": {"marketing"},
			"other_purposes": {"Bad-name"}})
		r.mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `href="#suppress-purposes-other"`, "“Bad-name” cannot be stopped")
		if !e.stopped("camille@example.fr", "newsletter") {
			t.Fatal("a refused change changed the entry")
		}

		r = agent.post("/suppressions/"+en.ID+"/purposes", url.Values{"from": {"request"}, "purposes": {"analytics", "marketing"},
			"other_purposes": {"loyalty_club"}})
		r.mustStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/requests/"+id {
			t.Fatalf("after the change: %s", loc)
		}
		if !e.stopped("camille@example.fr", "analytics") || !e.stopped("camille@example.fr", "loyalty_club") ||
			e.stopped("camille@example.fr", "newsletter") {
			t.Fatal("the purposes were not saved")
		}
		r = agent.get("/requests/" + id)
		r.mustContain(t, "The purposes were saved.", "Purposes changed", "Audience measurement, loyalty_club, Marketing", `value="loyalty_club"`)

		// Lifting needs a reason.
		r = agent.post("/suppressions/"+en.ID+"/lift", url.Values{"from": {"request"}, "reason": {" "}})
		r.mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `href="#suppress-lift-reason"`, "Say why the entry is lifted.")
		r = agent.post("/suppressions/"+en.ID+"/lift", url.Values{"from": {"request"}, "reason": {"Camille subscribed again at the shop."}})
		r.mustStatus(t, http.StatusSeeOther)
		if e.stopped("camille@example.fr", "marketing") {
			t.Fatal("still stopped after the lift")
		}
		r = agent.get("/requests/" + id)
		r.mustContain(t, "The entry was lifted.", "Lifted by Test agent: Camille subscribed again at the shop.")
		if strings.Contains(r.body, "/suppressions/"+en.ID+"/lift") {
			t.Error("a lifted entry is offered the lift again")
		}
		r = agent.get("/suppressions")
		r.mustContain(t, "Nobody is on the list.")
		r = agent.get("/suppressions?lifted=1")
		r.mustContain(t, "Lifted on", "camille@example.fr")
		r = agent.post("/suppressions/"+en.ID+"/lift", url.Values{"reason": {"again"}})
		r.mustStatus(t, http.StatusUnprocessableEntity)
		r.mustContain(t, `href="#list-title"`, "already been lifted")
		agent.post("/suppressions/not-an-id/lift", url.Values{"reason": {"x"}}).mustStatus(t, http.StatusNotFound)
	})
}

// TestSuppressPagesCheckAndManual: an agent adds an address by hand and
// anyone checks addresses; a purged request's address is no longer shown;
// the page reads in French and Dutch.
func TestSuppressPagesCheckAndManual(t *testing.T) {
	e := newSuppressEnv(t, dbtest.Open(t, db.SQLite))
	agent := e.as(operator.Agent)
	r := agent.post("/suppressions", url.Values{"email": {"jo@"}, "purposes": {"newsletter"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `href="#add-email"`, "Enter a valid email address", `value="jo@"`, `id="add-purposes-newsletter" name="purposes" value="newsletter" checked`)
	r = agent.post("/suppressions", url.Values{"email": {"Jo@Example.org"}, "purposes": {"*"}, "note": {"Phoned on Monday."}})
	r.mustStatus(t, http.StatusSeeOther)
	r = agent.get("/suppressions")
	r.mustContain(t, "The address is now on the suppression list.", "Added by an agent", "Phoned on Monday.",
		"Every purpose except the necessary", "Address not kept")
	if strings.Contains(r.body, "jo@example.org") {
		t.Error("a manual entry shows its address")
	}

	viewer := e.as(operator.Viewer)
	r = viewer.post("/suppressions/check", url.Values{"email": {"JO@example.org"}})
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "jo@example.org is on the list. Stopped: Every purpose except the necessary.")
	r = viewer.post("/suppressions/check", url.Values{"email": {"someone@example.org"}})
	r.mustContain(t, "someone@example.org is not on the list.")
	r = viewer.post("/suppressions/check", url.Values{"email": {"nope"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, `href="#check-email"`, "Enter a valid email address")

	// Once its request is purged, an entry no longer shows the address.
	id := e.verified(submission("gone@example.fr", "FR", i18n.FR, requests.TypeRestriction))
	if !strings.Contains(viewer.get("/suppressions").body, "gone@example.fr") {
		t.Fatal("the request's address is not shown")
	}
	if _, err := e.db.Exec(context.Background(), "UPDATE requests SET purged_at = ? WHERE id = ?", e.clock.Now().UTC(), id); err != nil {
		t.Fatal(err)
	}
	r = viewer.get("/suppressions")
	if strings.Contains(r.body, "gone@example.fr") || !strings.Contains(r.body, `href="/requests/`+id+`"`) {
		t.Errorf("purged request: %s", excerpt(r.body))
	}

	for lang, words := range map[i18n.Lang][]string{
		i18n.FR: {"Liste d’exclusion", "Ajoutée par un agent", "Toutes les finalités sauf le nécessaire", "Vérifier une adresse"},
		i18n.NL: {"Blokkeerlijst", "Toegevoegd door een medewerker", "Alle doelen behalve het noodzakelijke", "Een adres controleren"},
	} {
		agent.setLang(lang)
		r = agent.get("/suppressions")
		r.mustStatus(t, http.StatusOK)
		r.mustContain(t, words...)
	}
}
