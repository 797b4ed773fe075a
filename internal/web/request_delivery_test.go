package web

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// statusToken is a fresh status token of a request, as its emails carry.
func (e *reqEnv) statusToken(id string) string {
	e.t.Helper()
	link, err := e.svc.StatusLink(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Query().Get("token")
}

func downloadPath(token, file string) string {
	return centreDownloadPath + "?token=" + url.QueryEscape(token) + "&file=" + url.QueryEscape(file)
}

// TestDeliverFromThePage delivers a file from the request page, each role
// seeing and allowed what it should, then downloads it as the person.
func TestDeliverFromThePage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	ctx := context.Background()
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	viewer, agent := e.as(operator.Viewer), e.as(operator.Agent)
	rq := "/requests/" + id

	agent.upload(rq+"/attachments", "Vos données.pdf", scanPDF).mustStatus(t, http.StatusSeeOther)
	files, err := e.svc.Attachments(ctx, id)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v %v", files, err)
	}
	pdf := files[0]
	// Verified but not started: no delivery yet, and a post is refused.
	if r := agent.get(rq); strings.Contains(r.body, `action="`+rq+`/deliver"`) {
		t.Error("deliver form shown before the work started")
	}
	agent.post(rq+"/deliver", url.Values{"file": {pdf.ID}}).mustStatus(t, http.StatusConflict)

	agent.post(rq+"/start", url.Values{}).mustStatus(t, http.StatusSeeOther)
	agent.get(rq).mustContain(t, `action="`+rq+`/deliver"`, `id="deliver-file-`+pdf.ID+`"`, `id="deliver-days"`)
	if r := viewer.get(rq); strings.Contains(r.body, `action="`+rq+`/deliver"`) {
		t.Error("deliver form shown to a viewer")
	}
	viewer.post(rq+"/deliver", url.Values{"file": {pdf.ID}}).mustStatus(t, http.StatusForbidden)

	// Refused input comes back on the page, tied to its field.
	r := agent.post(rq+"/deliver", url.Values{"message": {"Voici."}, "days": {"7"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "Choose at least one file", `href="#deliver-files"`)
	r = agent.post(rq+"/deliver", url.Values{"file": {pdf.ID}, "days": {"45"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "between 1 and 30 days", `id="deliver-days-error"`, `value="45"`, `checked`)
	agent.post(rq+"/deliver", url.Values{"file": {pdf.ID}, "days": {"zero"}}).mustStatus(t, http.StatusUnprocessableEntity)
	agent.post(rq+"/deliver", url.Values{"file": {"not-a-file"}}).mustStatus(t, http.StatusNotFound)

	agent.post(rq+"/deliver", url.Values{"file": {pdf.ID}, "message": {"Voici vos données."}, "days": {"3"}}).
		mustStatus(t, http.StatusSeeOther)
	mails := e.outboxTo("camille@example.fr")
	if last := mails[len(mails)-1]; last.Template != requests.TemplateDelivery || last.Lang != "fr" {
		t.Errorf("last mail %s %s", last.Template, last.Lang)
	}
	page := agent.get(rq)
	page.mustContain(t, "Delivered on", "downloaded 0 times", "Kept until the download ends")
	checkNoRawIDs(t, page)

	person := e.clientAt(freshIP())
	got := person.get(downloadPath(e.statusToken(id), pdf.ID))
	got.mustStatus(t, http.StatusOK)
	if got.body != string(scanPDF) {
		t.Errorf("downloaded %q", got.body)
	}
	agent.get(rq).mustContain(t, "downloaded 1 time")
}

// TestDownloadRoute answers every way the person's download link can be
// used: the file, an ended delivery, another request's file, a damaged or
// dead link, a HEAD.
func TestDownloadRoute(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	ctx := context.Background()
	agent := requests.OperatorActor(e.users[operator.Agent])
	start := time.Now().UTC()
	e.clock.Set(start)
	deliver := func(email string, days int) (string, *requests.Attachment) {
		t.Helper()
		id := e.verified(submission(email, "FR", i18n.NL, requests.TypeAccess))
		if err := e.svc.Start(ctx, agent, id); err != nil {
			t.Fatal(err)
		}
		a, err := e.svc.AddAttachment(ctx, agent, id, `Export "2026".txt`, letterTX)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Deliver(ctx, agent, id, requests.DeliverInput{AttachmentIDs: []string{a.ID}, ValidDays: days}); err != nil {
			t.Fatal(err)
		}
		return id, a
	}
	id, a := deliver("noor@example.nl", 2)
	otherID, other := deliver("sam@example.nl", 30)
	token := e.statusToken(id)
	person := e.person(i18n.NL)

	status := person.get(centreStatusURL(token))
	status.mustStatus(t, http.StatusOK)
	status.mustContain(t, `href="`+strings.ReplaceAll(downloadPath(token, a.ID), "&", "&amp;")+`"`, "Export _2026_.txt")

	r := person.get(downloadPath(token, a.ID))
	r.mustStatus(t, http.StatusOK)
	if r.body != string(letterTX) {
		t.Errorf("body %q", r.body)
	}
	h := r.Header
	if h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
		h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", h)
	}
	disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "Export _2026_.txt" {
		t.Errorf("disposition %q", h.Get("Content-Disposition"))
	}
	if n := countOf(e.auditActions("request:"+id), "request.result_downloaded"); n != 1 {
		t.Errorf("%d download entries", n)
	}
	if !hasKind(e.events(id), requests.EventResultDownloaded) {
		t.Error("no download on the timeline")
	}

	// Another request's file, or no file, is not found with this link.
	person.get(downloadPath(token, other.ID)).mustStatus(t, http.StatusNotFound)
	person.get(downloadPath(token, "")).mustStatus(t, http.StatusNotFound)
	person.get(downloadPath(token, "../../etc/passwd")).mustStatus(t, http.StatusNotFound)
	// A damaged link is a 400, a dead one a 410.
	person.get(downloadPath("<script>", a.ID)).mustStatus(t, http.StatusBadRequest)
	person.get(downloadPath(strings.Repeat("x", 75), a.ID)).mustStatus(t, http.StatusGone)
	// HEAD would log a download that sent nothing.
	person.do(http.MethodHead, downloadPath(token, a.ID), nil, nil).mustStatus(t, http.StatusMethodNotAllowed)

	// Three days on, the two-day delivery has ended; the other still runs.
	e.clock.Set(start.AddDate(0, 0, 3))
	r = person.get(downloadPath(token, a.ID))
	r.mustStatus(t, http.StatusGone)
	r.mustContain(t, "Download niet meer beschikbaar", `href="`+strings.ReplaceAll(centreStatusURL(token), "&", "&amp;")+`"`)
	if strings.Contains(r.body, string(letterTX)) {
		t.Error("file content on the expired page")
	}
	if n := countOf(e.auditActions("request:"+id), "request.result_downloaded"); n != 1 {
		t.Errorf("%d download entries after refusals, want 1", n)
	}
	if s := person.get(centreStatusURL(token)); strings.Contains(s.body, centreDownloadPath) {
		t.Error("expired file still offered on the status page")
	}
	person.get(downloadPath(e.statusToken(otherID), other.ID)).mustStatus(t, http.StatusOK)
}
