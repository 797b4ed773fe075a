package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/mail"
)

// TestCentreScenarios sends the public routes what people and scripts
// send: good and bad forms in French, dead and damaged links, wrong
// methods, oversized and cross-site posts.
func TestCentreScenarios(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	fr := e.cat.For(i18n.FR)
	frT := func(id string) string { return esc(fr.T(id)) }
	inFrench := http.Header{"Accept-Language": {"fr-FR,fr;q=0.9"}}
	// A token of the right shape that was never issued.
	unknown := strings.Repeat("A", 43)
	e.run(t, []scenario{
		{name: "home", path: "/privacy", status: 200,
			contains:    []string{`<a class="button" href="/privacy/request">Make a request</a>`, "Acme · Privacy centre", "Data portability"},
			notContains: []string{`href="/operators"`, `action="/logout"`}},
		{name: "home with a slash", path: "/privacy/", status: 303, location: "/privacy"},
		{name: "form in French", path: "/privacy/request", header: inFrench, status: 200,
			contains: []string{`<html lang="fr">`, "<title>Faire une demande sur vos données · Acme</title>",
				`<form method="post" action="/privacy/request" novalidate>`,
				`<label for="req-email">Adresse e-mail</label>`, `autocomplete="email"`, `autocomplete="tel"`, `type="tel"`,
				`<legend>Que souhaitez-vous que nous fassions ?</legend>`,
				`<input type="radio" id="req-type-objection" name="type" value="objection" required aria-describedby="req-type-objection-help">`,
				`<optgroup label="Canada">`, `<option value="CA-QC">Québec</option>`, `<option value="US-CA">Californie</option>`,
				`<option value="GB">Royaume-Uni</option>`, `<option value="ZZ">Un autre pays</option>`,
				`<option value="" selected>Choisissez un pays ou une région</option>`, "Nous vous écrirons en français."}},
		{name: "empty form in French: every error at once, in form order", method: "POST", path: "/privacy/request", header: inFrench,
			form: url.Values{}, status: 422,
			contains: []string{`role="alert"`,
				`<li><a href="#req-email">` + frT("requests.error.email_required") + `</a></li>`,
				`<a href="#req-region">` + frT("requests.error.region_required") + `</a>`,
				`<a href="#req-type-access">` + frT("requests.error.type_required") + `</a>`,
				`<a href="#req-description">` + frT("requests.error.description_required") + `</a>`,
				`aria-invalid="true"`}},
		{name: "French form with two mistakes keeps what was typed", method: "POST", path: "/privacy/request", header: inFrench,
			form:   requestForm("camille@example.fr", "phone", "pas un numéro", "region", "CA-QC", "type", "dpa", "description", "Ligne 1\nLigne 2 <b>"),
			status: 422, contains: []string{
				`<a href="#req-phone">` + frT("requests.error.phone_invalid") + `</a>`,
				`value="camille@example.fr"`, `value="pas un numéro"`, `<option value="CA-QC" selected>Québec</option>`,
				`value="dpa" checked`, "Ligne 1\nLigne 2 &lt;b&gt;</textarea>"},
			notContains: []string{"<b>"}},
		{name: "markup typed in a field comes back escaped", method: "POST", path: "/privacy/request",
			form: requestForm("", "name", `"><script>alert(1)</script>`), status: 422,
			contains:    []string{`value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`},
			notContains: []string{"<script>"}},
		{name: "a region without a law is refused clearly", method: "POST", path: "/privacy/request", header: inFrench,
			form: requestForm("camille@example.fr", "region", "ZZ"), status: 422,
			contains: []string{`<a href="#req-region">` + frT("requests.error.region_unknown") + `</a>`}},
		{name: "a made-up type and region", method: "POST", path: "/privacy/request",
			form: requestForm("camille@example.fr", "region", "Mars-1234", "type", "everything"), status: 422,
			contains: []string{`<a href="#req-region">`, `<a href="#req-type-access">`}},
		{name: "valid request in French", method: "POST", path: "/privacy/request", header: inFrench,
			form: requestForm("camille@example.fr"), status: 200,
			contains: []string{"<h1>Consultez votre messagerie</h1>", `<form method="post" action="/privacy/verify"`,
				`autocomplete="one-time-code"`, `<input type="hidden" name="email" value="camille@example.fr">`,
				`<input type="hidden" name="next" value="/privacy/verify?ref=GR-`}},
		{name: "same-origin browser post works", method: "POST", path: "/privacy/request", form: url.Values{},
			header: http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {e.srv.URL}}, status: 422},
		{name: "cross-site post refused", method: "POST", path: "/privacy/request", form: requestForm("csrf@example.org"),
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}}, status: 403},
		{name: "oversized form", method: "POST", path: "/privacy/request", form: requestForm("big@example.org", "description", strings.Repeat("x", 100<<10)),
			status: 413, contains: []string{"Too much text"}},
		{name: "code page", path: "/privacy/verify", status: 200, contains: []string{"<h1>Confirm your request</h1>", `id="verify-code"`, `id="resend-email"`}},
		{name: "code page keeps a reference from the address", path: "/privacy/verify?ref=gr-2345-67", status: 200, contains: []string{`value="GR-2345-67"`}},
		{name: "code page ignores a bad reference", path: "/privacy/verify?ref=%3Cx%3E", status: 200, notContains: []string{"&lt;x&gt;"}},
		{name: "damaged verification link", path: "/privacy/verify?token=abc%20def", status: 400, contains: []string{"This link is incomplete"}},
		{name: "empty verification link", path: "/privacy/verify?token=", status: 400},
		{name: "unknown verification link", path: "/privacy/verify?token=" + unknown, status: 410, header: inFrench,
			contains: []string{"Ce lien de confirmation ne fonctionne plus", frT("requests.error.verification_invalid"), `href="/privacy/request"`}},
		{name: "confirmation button with an unknown token", method: "POST", path: "/privacy/verify", form: url.Values{"token": {unknown}},
			status: 410, contains: []string{"This confirmation link no longer works"}},
		{name: "confirmation button with a damaged token", method: "POST", path: "/privacy/verify", form: url.Values{"token": {"<x>"}},
			status: 400, contains: []string{"This link is incomplete"}},
		{name: "confirmation button with an empty token", method: "POST", path: "/privacy/verify", form: url.Values{"token": {""}}, status: 400},
		{name: "code form empty", method: "POST", path: "/privacy/verify", form: url.Values{}, status: 422,
			contains: []string{`<a href="#verify-reference">`, `<a href="#verify-code">`}},
		{name: "wrong code", method: "POST", path: "/privacy/verify", form: url.Values{"reference": {"GR-2345-67"}, "code": {"123 456"}},
			status: 422, header: inFrench, contains: []string{`<a href="#verify-code">` + frT("requests.error.code_invalid") + `</a>`, `value="GR-2345-67"`}},
		{name: "resend for nothing says the same as for something", method: "POST", path: "/privacy/verify/resend",
			form: url.Values{"reference": {"GR-2345-67"}, "email": {"nobody@example.org"}}, status: 200,
			contains: []string{"If the reference and the address match a request waiting for confirmation"}},
		{name: "resend form empty", method: "POST", path: "/privacy/verify/resend", form: url.Values{}, status: 422,
			contains: []string{`<a href="#resend-reference">`, `<a href="#resend-email">`}},
		{name: "status without a token", path: "/privacy/status", status: 400},
		{name: "status with a forged token", path: "/privacy/status?token=" + unknown + unknown, status: 410, header: inFrench,
			contains: []string{"Ce lien ne fonctionne plus", frT("requests.error.status_invalid")}},
		{name: "reply with a forged token", method: "POST", path: "/privacy/status/reply", form: url.Values{"token": {unknown}, "message": {"hi"}}, status: 410},
		{name: "reply without a token", method: "POST", path: "/privacy/status/reply", form: url.Values{"message": {"hi"}}, status: 400},
		{name: "withdraw with a forged token", method: "POST", path: "/privacy/status/withdraw", form: url.Values{"token": {unknown}, "confirm": {"yes"}}, status: 410},
		{name: "task with an unknown link", path: "/privacy/task?token=" + unknown, status: 410, header: inFrench,
			contains: []string{"Cette tâche est déjà faite ou close"}},
		{name: "task done with an unknown link", method: "POST", path: "/privacy/task", form: url.Values{"token": {unknown}}, status: 410},
		{name: "task with a damaged link", path: "/privacy/task?token=%22%3E", status: 400},
		{name: "PUT on the form", method: "PUT", path: "/privacy/request", status: 405, contains: []string{"This action is not possible here"}},
		{name: "DELETE on the status page", method: "DELETE", path: "/privacy/status", status: 405},
		{name: "GET on the reply form's address", path: "/privacy/status/reply", status: 405},
		{name: "GET on resend", path: "/privacy/verify/resend", status: 405},
		{name: "unknown centre page", path: "/privacy/nope", status: 404, header: inFrench,
			contains: []string{"Page introuvable", "Espace confidentialité"}, notContains: []string{`action="/logout"`}},
	})

	// The wrong methods say which ones work.
	c := e.client()
	r := c.do("PUT", centreFormPath, url.Values{}, nil)
	if got := r.Header.Get("Allow"); got != "GET, HEAD, POST" {
		t.Errorf("Allow %q", got)
	}
	// Every centre answer forbids passing its address on.
	for _, path := range []string{"/privacy", centreFormPath, "/privacy/status?token=" + unknown, "/privacy/nope"} {
		if rp := c.get(path).Header.Get("Referrer-Policy"); rp != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q", path, rp)
		}
	}
	// The refused cross-site post filed nothing and sent nothing; the
	// accepted French one queued its email in French.
	items, err := e.outbox.List(context.Background(), mail.ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].To != "camille@example.fr" || items[0].Lang != "fr" {
		t.Fatalf("outbox %+v, want one French email to camille@example.fr", items)
	}
}
