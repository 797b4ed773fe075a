package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// centreFixture is what the pages of one language are shown with: a
// person's client and the links of their confirmed request.
type centreFixture struct {
	e      *centreEnv
	lang   i18n.Lang
	person *client
	// statusPath and token are the request's status page and token.
	statusPath, token string
	// fileID is the file delivered to the person.
	fileID string
	// taskPath and taskToken are the system owner's link.
	taskPath, taskToken string
}

type centrePage struct {
	name   string
	status int
	get    func(t *testing.T, f *centreFixture) *response
}

func (f *centreFixture) fresh() *client { return f.e.person(f.lang) }

var centrePages = []centrePage{
	{"home", 200, func(t *testing.T, f *centreFixture) *response { return f.fresh().get("/privacy") }},
	{"form", 200, func(t *testing.T, f *centreFixture) *response { return f.fresh().get(centreFormPath) }},
	{"form errors", 422, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreFormPath, requestForm("not an address", "region", "ZZ", "phone", "x", "type", "", "subject", ""))
	}},
	{"check your email", 200, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreFormPath, requestForm("pages-"+string(f.lang)+"@example.org"))
	}},
	{"confirmation link", 200, func(t *testing.T, f *centreFixture) *response {
		addr := "link-" + string(f.lang) + "@example.org"
		f.fresh().post(centreFormPath, requestForm(addr)).mustStatus(t, http.StatusOK)
		return f.fresh().get(localPart(t, find(t, verifyURLRE, plain(t, f.e.mailTo(addr, 1)[0]))))
	}},
	{"code page", 200, func(t *testing.T, f *centreFixture) *response { return f.fresh().get(centreVerifyPath) }},
	{"code errors", 422, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreVerifyPath, url.Values{"reference": {"GR-2345-67"}, "code": {"12"}})
	}},
	{"resend", 200, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreResendPath, url.Values{"reference": {"GR-2345-67"}, "email": {"a@example.org"}})
	}},
	{"resend errors", 422, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreResendPath, url.Values{})
	}},
	{"confirmation link dead", 410, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().get(centreVerifyPath + "?token=" + strings.Repeat("x", 43))
	}},
	{"link damaged", 400, func(t *testing.T, f *centreFixture) *response { return f.fresh().get(centreStatusPath + "?token=%3C") }},
	{"status", 200, func(t *testing.T, f *centreFixture) *response { return f.person.get(f.statusPath) }},
	{"status reply errors", 422, func(t *testing.T, f *centreFixture) *response {
		return f.person.post(centreReplyPath, url.Values{"token": {f.token}, "message": {""}})
	}},
	{"status link dead", 410, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().get(centreStatusPath + "?token=" + strings.Repeat("x", 75))
	}},
	{"status with a download", 200, func(t *testing.T, f *centreFixture) *response {
		r := f.person.get(f.statusPath)
		r.mustContain(t, centreDownloadPath+"?token=", "Export.pdf")
		return r
	}},
	{"download not found", 404, func(t *testing.T, f *centreFixture) *response {
		return f.person.get(centreDownloadPath + "?token=" + url.QueryEscape(f.token) + "&file=nothing")
	}},
	{"download link dead", 410, func(t *testing.T, f *centreFixture) *response {
		return f.person.get(centreDownloadPath + "?token=" + strings.Repeat("x", 75) + "&file=" + f.fileID)
	}},
	{"download ended", 410, func(t *testing.T, f *centreFixture) *response {
		f.e.clock.Set(time.Now().AddDate(0, 0, 10))
		defer f.e.clock.Set(time.Time{})
		return f.person.get(centreDownloadPath + "?token=" + url.QueryEscape(f.token) + "&file=" + f.fileID)
	}},
	{"task", 200, func(t *testing.T, f *centreFixture) *response { return f.fresh().get(f.taskPath) }},
	{"task errors", 422, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreTaskPath, url.Values{"token": {f.taskToken}, "note": {strings.Repeat("n", requests.MaxBodyLen+1)}})
	}},
	{"task done", 200, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreTaskPath, url.Values{"token": {f.taskToken}, "note": {"ok"}})
	}},
	{"task already done", 410, func(t *testing.T, f *centreFixture) *response { return f.fresh().get(f.taskPath) }},
	{"withdraw confirmation", 200, func(t *testing.T, f *centreFixture) *response {
		return f.person.post(centreWithdrawPath, url.Values{"token": {f.token}})
	}},
	{"withdrawn", 200, func(t *testing.T, f *centreFixture) *response {
		r := f.person.post(centreWithdrawPath, url.Values{"token": {f.token}, "confirm": {"yes"}})
		r.mustStatus(t, http.StatusSeeOther)
		return f.person.get(r.Header.Get("Location"))
	}},
	{"withdraw impossible", 409, func(t *testing.T, f *centreFixture) *response {
		return f.person.post(centreWithdrawPath, url.Values{"token": {f.token}})
	}},
	{"not found", 404, func(t *testing.T, f *centreFixture) *response { return f.fresh().get("/privacy/nothing/here") }},
	{"wrong method", 405, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().do("PATCH", centreStatusPath, nil, nil)
	}},
	{"too large", 413, func(t *testing.T, f *centreFixture) *response {
		return f.fresh().post(centreReplyPath, url.Values{"message": {strings.Repeat("x", 70<<10)}})
	}},
	{"too many", 429, func(t *testing.T, f *centreFixture) *response {
		c := f.fresh()
		for i := 0; i < 20; i++ {
			c.post(centreVerifyPath, url.Values{"reference": {"GR-2345-67"}, "code": {"000000"}})
		}
		return c.post(centreVerifyPath, url.Values{"reference": {"GR-2345-67"}, "code": {"000000"}})
	}},
}

// TestCentreEveryPageEveryLanguage renders every page of the privacy
// centre in en, fr and nl and checks each one like the back office's:
// status, <html lang>, a title, no inline script or style, no raw message
// ID, no missing translation; titles differ from the English ones; every
// input has its label and every error of the summary links to an input.
func TestCentreEveryPageEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newCentreEnv(t)
	ctx := context.Background()
	if _, err := e.svc.CreateSystem(ctx, requests.TokenActor("test"), requests.SystemInput{
		Name: "Partner integration", OwnerEmail: "partner@example.org", Kind: requests.SystemManual, Active: true,
	}); err != nil {
		t.Fatal(err)
	}
	english := map[string]string{}
	for i, lang := range i18n.Langs {
		f := &centreFixture{e: e, lang: lang, person: e.person(lang)}
		ref, status := e.verifiedStatus(t, f.person, "person-"+string(lang)+"@example.org")
		f.statusPath = status
		f.token, _ = url.QueryUnescape(strings.TrimPrefix(status, centreStatusPath+"?token="))
		// A message each way, so the timeline shows both.
		req, err := e.svc.GetByReference(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reply(ctx, requests.TokenActor("test"), req.ID, "Could you tell us the name of your shop?"); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.PostSubjectMessage(ctx, f.token, "It is called Le Comptoir."); err != nil {
			t.Fatal(err)
		}
		// A result delivered, so the status page offers a download.
		agent := requests.TokenActor("test")
		if err := e.svc.Start(ctx, agent, req.ID); err != nil {
			t.Fatal(err)
		}
		a, err := e.svc.AddAttachment(ctx, agent, req.ID, "Export.pdf", scanPDF)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Deliver(ctx, agent, req.ID, requests.DeliverInput{AttachmentIDs: []string{a.ID}, Message: "Here it is."}); err != nil {
			t.Fatal(err)
		}
		f.fileID = a.ID
		f.taskPath = localPart(t, find(t, taskURLRE, plain(t, e.mailTo("partner@example.org", i+1)[i])))
		f.taskToken, _ = url.QueryUnescape(strings.TrimPrefix(f.taskPath, centreTaskPath+"?token="))

		for _, pc := range centrePages {
			t.Run(string(lang)+"/"+pc.name, func(t *testing.T) {
				r := pc.get(t, f)
				r.mustStatus(t, pc.status)
				e.checkPage(t, r, lang)
				checkLabels(t, r.body)
				m := titleRE.FindStringSubmatch(r.body)
				if m == nil {
					t.Fatal("no title")
				}
				if lang == i18n.EN {
					english[pc.name] = m[1]
				} else if m[1] == english[pc.name] {
					t.Errorf("title %q is the same as in English", m[1])
				}
				if !strings.Contains(r.body, `action="/language"`) {
					t.Error("no language switch")
				}
				if strings.Contains(r.body, `href="/operators"`) || strings.Contains(r.body, `action="/logout"`) {
					t.Error("back-office navigation on a public page")
				}
			})
		}
	}
}

var (
	controlRE = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idAttrRE  = regexp.MustCompile(`\bid="([^"]+)"`)
	typeRE    = regexp.MustCompile(`\btype="([^"]+)"`)
	summaryRE = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)
	hrefRE    = regexp.MustCompile(`href="#([^"]+)"`)
)

// checkLabels asserts that every visible control has a <label for> and
// that every link of the error summary leads to an element of the page.
func checkLabels(t *testing.T, body string) {
	t.Helper()
	for _, ctl := range controlRE.FindAllString(body, -1) {
		if m := typeRE.FindStringSubmatch(ctl); m != nil && (m[1] == "hidden" || m[1] == "submit") {
			continue
		}
		id := idAttrRE.FindStringSubmatch(ctl)
		if id == nil {
			t.Errorf("control without an id: %s", ctl)
			continue
		}
		if !strings.Contains(body, `<label for="`+id[1]+`">`) {
			t.Errorf("control %s has no label", id[1])
		}
	}
	if s := summaryRE.FindString(body); s != "" {
		for _, m := range hrefRE.FindAllStringSubmatch(s, -1) {
			if !strings.Contains(body, `id="`+m[1]+`"`) {
				t.Errorf("the error summary links to #%s, which is not on the page", m[1])
			}
		}
	}
}
