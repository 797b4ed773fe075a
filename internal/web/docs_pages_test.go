package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

func TestDocsPagesPublishVersionsAndPublicPolicy(t *testing.T) {
	e := newInventoryEnv(t)
	ctx := context.Background()
	anon := e.client()
	anon.setLang(i18n.FR)
	r := anon.get("/privacy/policy")
	r.mustStatus(t, http.StatusNotFound)
	r.mustContain(t, "Ce document n&#39;a pas encore été publié.")

	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	r = admin.get("/documents")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "Aucun inventaire pour l&#39;instant")

	// Without the effective date the Quebec check fails.
	incomplete := strings.Replace(string(exampleInventoryFile(t)), "  effective_date: \"2026-01-15\"\n", "", 1)
	if _, _, err := e.inv.Import(ctx, "test", "incomplete.yaml", []byte(incomplete)); err != nil {
		t.Fatal(err)
	}
	r = admin.get("/documents")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "1 élément manquant", "Date d&#39;entrée en vigueur de la politique — Québec (Loi 25)", "Pas encore publié")
	e.checkPage(t, r, i18n.FR)

	r = admin.get("/documents/policy/fr")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "<h1>Politique de confidentialité de Boutique Pixel</h1>", `name="override"`, "Camille Tremblay")
	e.checkPage(t, r, i18n.FR)

	// Publishing needs the explicit override; without it nothing is saved.
	r = admin.post("/documents/policy/fr/publish", url.Values{})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Le document est incomplet (un élément obligatoire manque).")
	if h, _ := e.docs.History(ctx, "policy", i18n.FR); len(h) != 0 {
		t.Fatalf("published without the override: %+v", h)
	}
	viewer := e.as(operator.Viewer)
	if r := viewer.post("/documents/policy/fr/publish", url.Values{"override": {"yes"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer publishes: %d", r.StatusCode)
	}
	r = admin.post("/documents/policy/fr/publish", url.Values{"override": {"yes"}})
	r.mustStatus(t, http.StatusSeeOther)
	entries, err := e.audit.List(ctx, audit.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range entries {
		if en.Action == "docs.publish" && en.Details["override"] == true && en.Actor == "operator:"+e.users[operator.Admin].ID {
			found = true
		}
	}
	if !found {
		t.Fatal("the override is not in the audit log")
	}

	// The complete inventory publishes without override as version 2.
	if _, _, err := e.inv.Import(ctx, "test", "shop.yaml", exampleInventoryFile(t)); err != nil {
		t.Fatal(err)
	}
	r = admin.post("/documents/policy/fr/publish", url.Values{})
	r.mustStatus(t, http.StatusSeeOther)
	r = admin.get("/documents/policy/fr")
	r.mustContain(t, "Document publié.", "Version 2", "Version 1", "publiée incomplète")

	r = anon.get("/privacy/policy")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "<h1>Politique de confidentialité de Boutique Pixel</h1>", "Version 2", "en vigueur le "+time.Now().UTC().Format(time.DateOnly),
		`href="/privacy/policy/fr/1"`, `href="/privacy/policy/fr/2"`, "(version 2)", "https://boutiquepixel.example/privacy")
	r.mustNotContain(t, "a été remplacée")
	e.checkPage(t, r, i18n.FR)
	r = anon.get("/privacy/policy/fr/1")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "Vous consultez la version 1, qui a été remplacée.", "(version 1)")
	anon.get("/privacy/policy/fr/9").mustStatus(t, http.StatusNotFound)
	anon.get("/privacy/policy/de/1").mustStatus(t, http.StatusNotFound)
	// An English reader gets the French version, told why, until English is published.
	en := e.client()
	r = en.get("/privacy/policy")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "This policy is not published in your language yet", `<article lang="fr">`)
	if r := admin.post("/documents/policy/en/publish", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish en: %d", r.StatusCode)
	}
	r = en.get("/privacy/policy")
	r.mustContain(t, "<h1>Privacy policy of Boutique Pixel</h1>", "Version 1")
	r.mustNotContain(t, "not published in your language")
	e.checkPage(t, r, i18n.EN)

	// Downloads of the draft in each format.
	r = viewer.get("/documents/plan/nl/download?format=md")
	r.mustStatus(t, http.StatusOK)
	if !strings.HasPrefix(r.body, "# Privacyplan van Boutique Pixel") {
		t.Fatalf("md: %q", excerpt(r.body))
	}
	r = viewer.get("/documents/ropa/en/download?format=html")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, `<html lang="en">`, "<h1>Record of processing activities of Boutique Pixel</h1>")
	r = viewer.get("/documents/policy/fr/download?format=pdf")
	r.mustStatus(t, http.StatusOK)
	if r.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix([]byte(r.body), []byte("%PDF-")) {
		t.Fatalf("pdf: %q", r.Header.Get("Content-Type"))
	}
	viewer.get("/documents/memo/fr").mustStatus(t, http.StatusNotFound)
	viewer.get("/documents/policy/de/download?format=md").mustStatus(t, http.StatusNotFound)
	viewer.get("/documents/policy/fr/download?format=docx").mustStatus(t, http.StatusNotFound)
	for _, l := range i18n.Langs {
		viewer.setLang(l)
		for _, path := range []string{"/documents", "/documents/plan/" + string(l), "/documents/ropa/" + string(l)} {
			r := viewer.get(path)
			r.mustStatus(t, http.StatusOK)
			e.checkPage(t, r, l)
		}
	}
}
