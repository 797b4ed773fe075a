package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/secrets"
)

// testBox is a secret box with a fresh key, as the application opens one.
func testBox(t *testing.T) *secrets.Box {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

var (
	scanPDF  = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	letterTX = []byte("Letter from the person, received by post.\n")
)

// upload posts a file with the request page's upload form.
func (c *client) upload(path, filename string, content []byte) *response {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.e.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &response{Response: resp, body: string(b)}
}

// TestRequestAttachmentsFromThePage adds, lists, downloads and keeps a
// file through the request page, each route refusing the roles below it.
func TestRequestAttachmentsFromThePage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	id := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	viewer, agent, admin := e.as(operator.Viewer), e.as(operator.Agent), e.as(operator.Admin)
	rq := "/requests/" + id

	agent.get(rq).mustContain(t, `enctype="multipart/form-data"`, `id="attachment-file"`)
	if r := viewer.get(rq); strings.Contains(r.body, `id="attachment-file"`) {
		t.Error("upload form shown to a viewer")
	}
	viewer.upload(rq+"/attachments", "scan.pdf", scanPDF).mustStatus(t, http.StatusForbidden)

	r := agent.upload(rq+"/attachments", "programme.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff"))
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "This kind of file is not accepted", `aria-invalid="true"`)
	agent.post(rq+"/attachments", url.Values{}).mustStatus(t, http.StatusUnprocessableEntity)

	r = agent.upload(rq+"/attachments", "Passport scan.pdf", scanPDF)
	r.mustStatus(t, http.StatusSeeOther)
	if r = agent.upload(rq+"/attachments", "letter.txt", letterTX); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("text upload %d", r.StatusCode)
	}
	files, err := e.svc.Attachments(context.Background(), id)
	if err != nil || len(files) != 2 {
		t.Fatalf("files %v %v", files, err)
	}
	pdf := files[0]
	dl := rq + "/attachments/" + pdf.ID

	page := agent.get(rq)
	page.mustContain(t, "Passport scan.pdf", `href="`+dl+`"`, "letter.txt")
	if strings.Contains(page.body, `name="keep"`) {
		t.Error("keep checkbox shown to an agent")
	}
	admin.get(rq).mustContain(t, `name="keep"`, `action="`+dl+`/keep"`)
	if vp := viewer.get(rq); strings.Contains(vp.body, `href="`+dl+`"`) {
		t.Error("download link shown to a viewer")
	}

	viewer.get(dl).mustStatus(t, http.StatusForbidden)
	before := countOf(e.auditActions("request:"+id), "request.attachment_downloaded")
	got := agent.get(dl)
	got.mustStatus(t, http.StatusOK)
	if got.body != string(scanPDF) {
		t.Errorf("downloaded %q", got.body)
	}
	if got.Header.Get("Content-Type") != "application/pdf" || got.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", got.Header)
	}
	disp, params, err := mime.ParseMediaType(got.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "Passport scan.pdf" {
		t.Errorf("disposition %q %v", got.Header.Get("Content-Disposition"), err)
	}
	if n := countOf(e.auditActions("request:"+id), "request.attachment_downloaded"); n != before+1 {
		t.Errorf("%d download audit entries, want %d", n, before+1)
	}
	agent.get(rq+"/attachments/nope").mustStatus(t, http.StatusNotFound)

	agent.post(dl+"/keep", url.Values{"keep": {"1"}}).mustStatus(t, http.StatusForbidden)
	admin.post(dl+"/keep", url.Values{"keep": {"1"}}).mustStatus(t, http.StatusSeeOther)
	agent.post(rq+"/complete", url.Values{"outcome": {"fulfilled"}}).mustStatus(t, http.StatusSeeOther)

	// At closure the file not kept is gone; the kept one stays.
	agent.get(dl).mustStatus(t, http.StatusOK)
	agent.get(rq+"/attachments/"+files[1].ID).mustStatus(t, http.StatusGone)
	agent.get(rq).mustContain(t, "Deleted on")
}

// TestRequestPauseFromThePage stops and restarts the clock of a UK request
// from its page; a GDPR request offers no such action and refuses it.
func TestRequestPauseFromThePage(t *testing.T) {
	t.Parallel()
	e := newReqEnv(t, reqOptions{})
	e.seed()
	uk := e.verified(submission("sam@example.co.uk", "GB", i18n.EN, requests.TypeAccess))
	fr := e.verified(submission("camille@example.fr", "FR", i18n.FR, requests.TypeAccess))
	viewer, agent := e.as(operator.Viewer), e.as(operator.Agent)

	agent.get("/requests/"+uk).mustContain(t, `action="/requests/`+uk+`/pause"`)
	if r := agent.get("/requests/" + fr); strings.Contains(r.body, "/pause\"") {
		t.Error("pause offered under the GDPR")
	}
	r := agent.post("/requests/"+fr+"/pause", url.Values{"question": {"Which account?"}})
	r.mustStatus(t, http.StatusUnprocessableEntity)
	r.mustContain(t, "does not allow stopping the clock")

	viewer.post("/requests/"+uk+"/pause", url.Values{"question": {"Which account?"}}).mustStatus(t, http.StatusForbidden)
	agent.post("/requests/"+uk+"/pause", url.Values{"question": {""}}).mustStatus(t, http.StatusUnprocessableEntity)
	agent.post("/requests/"+uk+"/pause", url.Values{"question": {"Which account do you mean?"}}).mustStatus(t, http.StatusSeeOther)
	page := agent.get("/requests/" + uk)
	page.mustContain(t, "Which account do you mean?", `action="/requests/`+uk+`/resume"`)
	if mails := e.outboxTo("sam@example.co.uk"); mails[len(mails)-1].Template != requests.TemplateClarification {
		t.Errorf("last mail %s", mails[len(mails)-1].Template)
	}
	viewer.post("/requests/"+uk+"/resume", nil).mustStatus(t, http.StatusForbidden)
	agent.post("/requests/"+uk+"/resume", nil).mustStatus(t, http.StatusSeeOther)
	agent.post("/requests/"+uk+"/resume", nil).mustStatus(t, http.StatusUnprocessableEntity)
	if !hasKind(e.events(uk), requests.EventResumed) {
		t.Error("no resume on the timeline")
	}
}
