package web

import (
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestReplyTemplatesAccessibility runs axe in Chromium on the reply
// template pages and the composer, empty, filled and with errors, as an
// admin would go through them.
func TestReplyTemplatesAccessibility(t *testing.T) {
	e := newReqEnv(t, reqOptions{})
	e.seed()
	id := e.verified(submission("jo@example.fr", "FR", i18n.FR, requests.TypeAccess))
	b := newA11yBrowser(t)
	b.useServer(e.srv.URL, i18n.FR)
	b.visit("/login")
	b.fill("login-email", string(operator.Admin)+"@example.org", "login-password", password)
	b.click(`form[action="/login"] button[type="submit"]`)

	b.visit("/reply-templates")
	b.expect("Modèles de réponse")
	b.check("reply templates")
	b.fill("tpl-name", "Essai", "tpl-body-en", "{{nom}}")
	b.click(`form[action="/reply-templates"] button[type="submit"]`)
	b.expect("Modèles de réponse")
	b.check("reply templates with errors")
	b.click(`td.actions a`)
	b.check("reply template edit")

	b.visit("/requests/" + id + "/compose")
	b.check("composer")
	b.click(`form[method="get"] button[type="submit"]`)
	b.check("composer filled")
	b.cspClean()
}
