package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// TestRequestIdentitiesSection: on a verified request an agent adds a
// phone number and an identity of the business's own, sees them listed with
// how they were confirmed, gets localized errors for bad input, and
// removes one; a viewer sees them without the forms.
func TestRequestIdentitiesSection(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	agent := e.as(operator.Agent)
	viewer := e.as(operator.Viewer)

	unverified := e.submit(submission("jules@example.fr", "FR", i18n.FR, requests.TypeErasure))
	page := agent.get("/requests/" + unverified)
	page.mustStatus(t, http.StatusOK)
	page.mustNotContain(t, `action="/requests/`+unverified+`/identities"`)
	agent.post("/requests/"+unverified+"/identities", url.Values{"key": {"customer_id"}, "identities-value": {"C-1"}, "method": {"document"}}).
		mustStatus(t, http.StatusUnprocessableEntity)

	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeErasure))
	page = agent.get("/requests/" + id)
	page.mustStatus(t, http.StatusOK)
	page.mustContain(t, `action="/requests/`+id+`/identities"`)
	page.mustSay(t, "No identity added: the systems look the person up by the verified email only.")

	page = e.step(t, agent, id, "identities", url.Values{"key": {"phone_number"}, "identities-value": {"06 12 34 56 78"},
		"method": {"call"}, "note": {"Called back on the account's number."}},
		"Identity added.", requests.EventIdentityAdded, "request.identity_added")
	page.mustSay(t, "Phone number", "+33612345678", "Phone or video call", "Called back on the account's number.")
	e.step(t, agent, id, "identities", url.Values{"key": {"custom"}, "identities-custom": {"loyalty_card"}, "identities-value": {"LC-0042"},
		"method": {"document"}}, "Identity added.", requests.EventIdentityAdded, "request.identity_added")

	// Bad input: the page again, the error at its input, in the
	// agent's language, nothing stored.
	bad := []struct {
		form  url.Values
		input string
		msg   map[i18n.Lang]string
	}{
		{url.Values{"key": {"custom"}, "identities-custom": {"Loyalty Card"}, "identities-value": {"1"}, "method": {"document"}}, "identities-custom",
			map[i18n.Lang]string{i18n.EN: "The identity name must be lower-case letters", i18n.FR: "Le nom de l'identité s'écrit en minuscules", i18n.NL: "De naam van de identiteit bestaat uit kleine letters"}},
		{url.Values{"key": {"phone_number"}, "identities-value": {"+32 470 00 00 02"}, "method": {"call"}}, "identities-value",
			map[i18n.Lang]string{i18n.EN: "The request already has a phone_number identity", i18n.FR: "La demande a déjà une identité phone_number", i18n.NL: "Het verzoek heeft al een identiteit phone_number"}},
		{url.Values{"key": {"customer_id"}, "identities-value": {""}, "method": {"document"}}, "identities-value",
			map[i18n.Lang]string{i18n.EN: "Enter the identity's value.", i18n.FR: "Indiquez la valeur de l'identité.", i18n.NL: "Vul de waarde van de identiteit in."}},
		{url.Values{"key": {"customer_id"}, "identities-value": {"C-1"}, "method": {""}}, "identities-method",
			map[i18n.Lang]string{i18n.EN: "Choose how the identity was confirmed."}},
	}
	for _, b := range bad {
		for lang, msg := range b.msg {
			agent.setLang(lang)
			r := agent.post("/requests/"+id+"/identities", b.form)
			r.mustStatus(t, http.StatusUnprocessableEntity)
			r.mustSay(t, msg)
			r.mustContain(t, `id="`+b.input+`-error"`)
		}
	}
	agent.setLang(i18n.EN)
	ids, err := e.svc.Identities(context.Background(), id)
	if err != nil || len(ids) != 2 {
		t.Fatalf("identities after refusals %+v %v", ids, err)
	}

	page = viewer.get("/requests/" + id)
	page.mustStatus(t, http.StatusOK)
	page.mustSay(t, "+33612345678", "LC-0042")
	page.mustNotContain(t, `action="/requests/`+id+`/identities"`, `/identities/phone_number/remove"`)
	viewer.post("/requests/"+id+"/identities/phone_number/remove", nil).mustStatus(t, http.StatusForbidden)

	// The person sees them on their status page, in their language.
	person := e.client()
	for lang, title := range map[i18n.Lang]string{i18n.FR: "Comment nous recherchons vos données", i18n.NL: "Hoe we uw gegevens zoeken"} {
		person.setLang(lang)
		st := person.get(centreStatusURL(e.statusToken(id)))
		st.mustStatus(t, http.StatusOK)
		st.mustSay(t, title, "+33612345678", "LC-0042")
	}

	page = e.step(t, agent, id, "identities/loyalty_card/remove", nil, "Identity removed.", requests.EventIdentityRemoved, "request.identity_removed")
	page.mustNotSay(t, "LC-0042")
	page.mustSay(t, "+33612345678")
	st := person.get(centreStatusURL(e.statusToken(id)))
	st.mustNotSay(t, "LC-0042")
	st.mustSay(t, "+33612345678")
}
