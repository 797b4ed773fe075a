package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestRequestIdentitiesBrowser adds an identity from the request page in
// Chromium (Dutch), after a refusal shown at its input; axe checks each
// page, and the person's status page with the identity.
func TestRequestIdentitiesBrowser(t *testing.T) {
	e := newReqEnv(t, reqOptions{})
	e.seed()
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeErasure))
	ref := e.request(id).Reference
	nl := e.cat.For(i18n.NL)

	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.NL)
	b.visit("/login")
	b.fill("login-email", string(operator.Agent)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	title := nl.T("web.requests.show.title", map[string]any{"Reference": ref})
	b.visit("/requests/" + id)
	b.expect(title)
	b.check("request page with its identities section")
	b.fill("identities-key", "phone_number", "identities-method", "call", "identities-value", "bel me")
	b.click(`form[action="/requests/` + id + `/identities"] button[type="submit"]`)
	b.expect(title)
	b.check("request page, identity refused")
	got, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("#identities-value-error")))
	if err != nil || got != nl.T("identities.error.phone_invalid") {
		t.Fatalf("identity error %q (%v)", got, err)
	}
	b.fill("identities-value", "+33 6 12 34 56 78")
	b.click(`form[action="/requests/` + id + `/identities"] button[type="submit"]`)
	b.expect(title)
	b.check("request page with an identity")
	ids, err := e.svc.Identities(context.Background(), id)
	if err != nil || len(ids) != 1 || ids[0].Value != "+33612345678" || ids[0].Method != requests.IdentityCall {
		t.Fatalf("identities %+v %v", ids, err)
	}

	b.visit(centreStatusURL(e.statusToken(id)))
	b.expect(nl.T("centre.status.title", map[string]any{"Reference": ref}))
	b.check("status page with an identity")
	b.cspClean()
}
