package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// templateForm is a valid reply template as the form posts it.
func templateForm(name string) url.Values {
	return url.Values{
		"name":    {name},
		"body_en": {"Dear {{name}}, about {{reference}}: by {{due_date}}."},
		"body_fr": {"Bonjour {{name}}, votre demande {{reference}} ({{type}}) : au plus tard le {{due_date}}."},
		"body_nl": {"Beste {{name}}, uw verzoek {{reference}} ({{type}}, {{law}}): uiterlijk {{due_date}}."},
	}
}

// templateID finds a reply template by name.
func (e *reqEnv) templateID(name string) string {
	e.t.Helper()
	list, err := e.svc.ReplyTemplates(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	for _, t := range list {
		if t.Name == name {
			return t.ID
		}
	}
	e.t.Fatalf("no reply template %q", name)
	return ""
}

var textareaRE = regexp.MustCompile(`(?s)<textarea id="reply-body"[^>]*>(.*?)</textarea>`)

// replyBox is what the composer's textarea holds, unescaped.
func replyBox(t *testing.T, r *response) string {
	t.Helper()
	m := textareaRE.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no reply textarea on %s", r.Request.URL)
	}
	return html.UnescapeString(m[1])
}

func TestReplyTemplateRoles(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	viewer, agent, admin := e.as(operator.Viewer), e.as(operator.Agent), e.as(operator.Admin)
	req := e.verified(submission("jo@example.fr", "FR", i18n.FR, requests.TypeAccess))
	id := e.templateID("Your request is complete")

	viewer.get("/reply-templates").mustStatus(t, http.StatusForbidden)
	viewer.get("/requests/"+req+"/compose").mustStatus(t, http.StatusForbidden)
	viewer.get("/requests/"+req+"/compose?template="+id).mustStatus(t, http.StatusForbidden)
	for _, c := range []*client{viewer, agent} {
		c.post("/reply-templates", templateForm("Mine")).mustStatus(t, http.StatusForbidden)
		c.get("/reply-templates/"+id).mustStatus(t, http.StatusForbidden)
		c.post("/reply-templates/"+id, templateForm("Mine")).mustStatus(t, http.StatusForbidden)
		c.post("/reply-templates/"+id+"/delete", url.Values{}).mustStatus(t, http.StatusForbidden)
	}
	e.client().post("/reply-templates", templateForm("Anon")).mustStatus(t, http.StatusUnauthorized)

	// Agents read the list (without the admin's links and form) and use
	// the templates.
	r := agent.get("/reply-templates")
	r.mustStatus(t, http.StatusOK)
	r.mustContain(t, "Request received, working on it", "Your request is complete")
	r.mustNotContain(t, `action="/reply-templates"`, `href="/reply-templates/`+id+`"`)
	agent.get("/requests/"+req+"/compose?template="+id).mustStatus(t, http.StatusOK)
	if list, _ := e.svc.ReplyTemplates(context.Background()); len(list) != 3 {
		t.Errorf("refused changes changed the templates: %d", len(list))
	}

	// Admins change them.
	r = admin.get("/reply-templates")
	r.mustContain(t, `action="/reply-templates"`, `href="/reply-templates/`+id+`"`)
	admin.post("/reply-templates", templateForm("Custom answer")).mustStatus(t, http.StatusSeeOther)
	custom := e.templateID("Custom answer")
	admin.get("/reply-templates").mustContain(t, "Custom answer", "The reply template has been added.")
	f := templateForm("Custom answer, renamed")
	f.Set("request_type", "erasure")
	admin.post("/reply-templates/"+custom, f).mustStatus(t, http.StatusSeeOther)
	got, err := e.svc.GetReplyTemplate(context.Background(), custom)
	if err != nil || got.Name != "Custom answer, renamed" || got.RequestType != requests.TypeErasure {
		t.Fatalf("updated %+v %v", got, err)
	}
	admin.post("/reply-templates/"+custom+"/delete", url.Values{}).mustStatus(t, http.StatusSeeOther)
	if _, err := e.svc.GetReplyTemplate(context.Background(), custom); err == nil {
		t.Error("template not deleted")
	}
	admin.get("/reply-templates/"+custom).mustStatus(t, http.StatusNotFound)
	admin.post("/reply-templates/"+custom+"/delete", url.Values{}).mustStatus(t, http.StatusNotFound)
	if a := e.auditActions("reply_template:" + custom); strings.Join(a, ",") != "reply_template.created,reply_template.updated,reply_template.deleted" {
		t.Errorf("audit %v", a)
	}
}

func TestReplyTemplateFormErrors(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	admin := e.as(operator.Admin)
	admin.setLang(i18n.FR)
	f := templateForm("Sans néerlandais")
	f.Set("body_nl", "")
	f.Set("body_en", "Dear {{first_name}}, {{reference}}")
	r := admin.post("/reply-templates", f)
	r.mustStatus(t, http.StatusUnprocessableEntity)
	text := html.UnescapeString(r.body)
	for _, s := range []string{
		"Champ(s) à remplir inconnu(s) : {{first_name}}.",
		`<a href="#tpl-body-en">`, `<a href="#tpl-body-nl">`,
		"Rédigez aussi le texte dans cette langue",
		"Bonjour {{name}}, votre demande", // what was typed is kept
	} {
		if !strings.Contains(text, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if list, _ := e.svc.ReplyTemplates(context.Background()); len(list) != 3 {
		t.Errorf("refused template saved: %d templates", len(list))
	}
}

func TestComposerFillsInThePersonsLanguage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	agent := e.as(operator.Agent)
	agent.setLang(i18n.EN) // the agent's language does not matter
	ack := e.templateID("Request received, working on it")
	ctx := context.Background()

	for _, c := range []struct {
		lang  i18n.Lang
		email string
		want  string
	}{
		{i18n.FR, "jo@example.fr", "Bonjour Camille Martin,"},
		{i18n.NL, "an@example.nl", "Beste Camille Martin,"},
		{i18n.EN, "sam@example.co.uk", "Hello Camille Martin,"},
	} {
		region := map[i18n.Lang]string{i18n.FR: "FR", i18n.NL: "NL", i18n.EN: "GB"}[c.lang]
		id := e.verified(submission(c.email, region, c.lang, requests.TypeAccess))
		req := e.request(id)
		want, err := e.svc.RenderReplyTemplate(ctx, ack, id)
		if err != nil {
			t.Fatal(err)
		}
		r := agent.get("/requests/" + id + "/compose?template=" + ack)
		r.mustStatus(t, http.StatusOK)
		box := replyBox(t, r)
		if box != want || !strings.HasPrefix(box, c.want) || !strings.Contains(box, req.Reference) ||
			!strings.Contains(box, requests.FormatDate(c.lang, req.DueDate)) || strings.Contains(box, "{{") {
			t.Errorf("%s: textarea %q", c.lang, box)
		}
		// The chosen template stays selected, and the form posts to the
		// reply endpoint.
		r.mustContain(t, `<option value="`+ack+`" selected>`, `action="/requests/`+id+`/reply"`, `name="body"`)

		// Sending it is an ordinary reply.
		agent.post("/requests/"+id+"/reply", url.Values{"body": {box}}).mustStatus(t, http.StatusSeeOther)
		events := e.events(id)
		last := events[len(events)-1]
		for _, ev := range events {
			if ev.Kind == requests.EventReply {
				last = ev
			}
		}
		if last.Kind != requests.EventReply || last.Body != want {
			t.Errorf("%s: reply event %+v", c.lang, last)
		}
	}

	// The request page links to the composer.
	id := e.verified(submission("link@example.fr", "FR", i18n.FR, requests.TypeErasure))
	agent.get("/requests/"+id).mustContain(t, `href="/requests/`+id+`/compose"`, "Write a reply from a template")
	// An empty composer, and a template that no longer exists.
	r := agent.get("/requests/" + id + "/compose")
	r.mustStatus(t, http.StatusOK)
	if box := replyBox(t, r); box != "" {
		t.Errorf("empty composer holds %q", box)
	}
	r = agent.get("/requests/" + id + "/compose?template=0190a0a0-0000-7000-8000-000000000000")
	r.mustStatus(t, http.StatusBadRequest)
	r.mustContain(t, "This reply template does not exist")
	agent.get("/requests/0190a0a0-0000-7000-8000-000000000000/compose").mustStatus(t, http.StatusNotFound)
	agent.get("/requests/nope/compose?template="+ack).mustStatus(t, http.StatusNotFound)
}

// TestReplyTemplatePagesEveryLanguage renders the reply template pages
// and the composer in en, fr and nl, with the checks of every other page.
func TestReplyTemplatePagesEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	verified := e.verified(submission("jo@example.fr", "FR", i18n.FR, requests.TypeAccess))
	unverified := e.submit(submission("nl@example.nl", "NL", i18n.NL, requests.TypeErasure))
	tpl := e.templateID("We need more information to identify you")
	clients := map[string]*client{
		"agent": e.as(operator.Agent),
		"admin": e.as(operator.Admin),
	}
	bad := templateForm("")
	bad.Set("body_fr", "{{nom}}")
	bad.Set("request_type", "all")
	compose := "/requests/" + verified + "/compose"
	pages := []pageCase{
		{"templates of an agent", 200, getAs("agent", "/reply-templates")},
		{"templates of an admin", 200, getAs("admin", "/reply-templates")},
		{"template create errors", 422, postAs("admin", "/reply-templates", bad)},
		{"template edit", 200, getAs("admin", "/reply-templates/"+tpl)},
		{"template edit errors", 422, postAs("admin", "/reply-templates/"+tpl, bad)},
		{"template not found", 404, getAs("admin", "/reply-templates/nope")},
		{"composer", 200, getAs("agent", compose)},
		{"composer filled", 200, getAs("agent", compose+"?template="+tpl)},
		{"composer unknown template", 400, getAs("agent", compose+"?template=nope")},
		{"composer unverified", 200, getAs("agent", "/requests/"+unverified+"/compose?template="+tpl)},
	}
	english := map[string]string{}
	for _, lang := range i18n.Langs {
		for _, c := range clients {
			c.setLang(lang)
		}
		for _, pc := range pages {
			t.Run(string(lang)+"/"+pc.name, func(t *testing.T) {
				r := pc.get(e.env, clients)
				r.mustStatus(t, pc.status)
				e.checkPage(t, r, lang)
				checkNoRawIDs(t, r)
				m := titleRE.FindStringSubmatch(r.body)
				if m == nil {
					t.Fatal("no title")
				}
				if lang == i18n.EN {
					english[pc.name] = m[1]
				} else if m[1] == english[pc.name] {
					t.Errorf("title %q is the same as in English", m[1])
				}
			})
		}
	}
}
