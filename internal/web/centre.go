package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/requests"
)

// The privacy centre is the public side of Garde: the pages where a person
// asks for their rights, confirms their address, follows their request,
// and where the owner of a system marks their part done. Nobody signs in:
// the emailed links carry the tokens. Its pages have their own layout,
// without the back office's navigation.

// Paths of the privacy centre. Verify, status and task are the links the
// request emails carry.
const (
	centreIndexPath    = "/privacy"
	centreFormPath     = "/privacy/request"
	centreVerifyPath   = requests.PathVerify
	centreResendPath   = requests.PathVerify + "/resend"
	centreStatusPath   = requests.PathStatus
	centreReplyPath    = requests.PathStatus + "/reply"
	centreWithdrawPath = requests.PathStatus + "/withdraw"
	centreTaskPath     = requests.PathTask
)

// centre serves the privacy centre's pages.
type centre struct {
	*handler
	views  *views
	limits *centreLimits
}

// registerCentre adds the privacy centre to mux. Without a request service
// (a back office built for tests of other pages) there is no centre.
func registerCentre(mux *http.ServeMux, h *handler) {
	if h.Requests == nil {
		return
	}
	c := &centre{handler: h, views: mustLoadCentreViews(), limits: newCentreLimits(h.Config, nil)}
	c.routes(mux)
}

func (c *centre) routes(mux *http.ServeMux) {
	routes := []struct {
		path    string
		methods map[string]http.HandlerFunc
	}{
		{centreIndexPath, map[string]http.HandlerFunc{"GET": c.indexShow}},
		{centreFormPath, map[string]http.HandlerFunc{"GET": c.formShow, "POST": c.formSubmit}},
		{centreVerifyPath, map[string]http.HandlerFunc{"GET": c.verifyShow, "POST": c.verifySubmit}},
		{centreResendPath, map[string]http.HandlerFunc{"POST": c.resendSubmit}},
		{centreStatusPath, map[string]http.HandlerFunc{"GET": c.statusShow}},
		{centreDownloadPath, map[string]http.HandlerFunc{"GET": c.statusDownload}},
		{centreReplyPath, map[string]http.HandlerFunc{"POST": c.statusReply}},
		{centreWithdrawPath, map[string]http.HandlerFunc{"POST": c.statusWithdraw}},
		{centreTaskPath, map[string]http.HandlerFunc{"GET": c.taskShow, "POST": c.taskSubmit}},
	}
	for _, rt := range routes {
		var allow []string
		for _, m := range []string{"GET", "POST"} {
			if fn, ok := rt.methods[m]; ok {
				mux.Handle(m+" "+rt.path, c.public(fn))
				allow = append(allow, m)
				if m == "GET" {
					allow = append(allow, "HEAD")
				}
			}
		}
		// Any other method gets a page saying so rather than the back
		// office's "not found".
		mux.Handle(rt.path, c.public(c.methodNotAllowed(strings.Join(allow, ", "))))
	}
	mux.Handle("GET /privacy/{$}", c.public(func(w http.ResponseWriter, r *http.Request) {
		seeOther(w, r, centreIndexPath)
	}))
	mux.Handle("/privacy/", c.public(c.notFound))
}

// public wraps every centre page. Links to the centre carry tokens in
// their query: no page of it may pass its address on to another site.
func (c *centre) public(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		next(w, r)
	})
}

// mustLoadCentreViews parses the centre's pages with their own layout. The
// same files are parsed by loadViews when the back office starts, which
// reports any syntax error first; a failure here is a programming error.
func mustLoadCentreViews() *views {
	base := template.Must(template.New("centre_layout.html").Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/centre_layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFiles, "templates/centre_*.html")
	if err != nil {
		panic(err)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range names {
		file := path.Base(name)
		if file == "centre_layout.html" {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFiles, name))
		v.pages[strings.TrimSuffix(file, ".html")] = t
	}
	return v
}

// newPage starts a centre page. path is where the language switch comes
// back to: the page's own address for a GET, the matching GET page for a
// page answering a form.
func (c *centre) newPage(w http.ResponseWriter, r *http.Request, path string) *page {
	p := c.handler.newPage(w, r, "centre")
	if path != "" {
		p.Path = path
	} else {
		p.Path = r.URL.RequestURI()
	}
	p.V["Org"] = strings.TrimSpace(c.Organization)
	return p
}

// render writes a centre page with a status code.
func (c *centre) render(w http.ResponseWriter, status int, name string, p *page) {
	body, err := c.views.render(name, p)
	if err != nil {
		c.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// problem shows why a request cannot be served, in the centre's layout.
// msg is already in the page's language; back names a way on ("" for the
// centre's home).
func (c *centre) problem(w http.ResponseWriter, r *http.Request, status int, titleID, msg string, back ...string) {
	p := c.newPage(w, r, centreIndexPath)
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		p.Path = r.URL.RequestURI()
	}
	p.V["Title"] = p.T(titleID)
	p.V["Message"] = msg
	p.V["BackURL"], p.V["BackLabel"] = centreIndexPath, p.T("centre.problem.back_home")
	if len(back) == 2 {
		p.V["BackURL"], p.V["BackLabel"] = back[0], p.T(back[1])
	}
	c.render(w, status, "centre_problem", p)
}

func (c *centre) serverError(w http.ResponseWriter, r *http.Request, err error) {
	c.Log.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	st := c.stateOf(r)
	c.problem(w, r, http.StatusInternalServerError, "centre.problem.server.title", st.lz.T("centre.problem.server.text"))
}

func (c *centre) notFound(w http.ResponseWriter, r *http.Request) {
	st := c.stateOf(r)
	c.problem(w, r, http.StatusNotFound, "centre.problem.notfound.title", st.lz.T("centre.problem.notfound.text"))
}

func (c *centre) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		st := c.stateOf(r)
		c.problem(w, r, http.StatusMethodNotAllowed, "centre.problem.method.title", st.lz.T("centre.problem.method.text"))
	}
}

// tooMany answers a request over a rate limit: 429, when to come back,
// and a page saying so in the person's language.
func (c *centre) tooMany(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	w.Header().Set("Retry-After", retryAfter(retry))
	st := c.stateOf(r)
	minutes := max(1, int((retry+time.Minute-1)/time.Minute))
	c.problem(w, r, http.StatusTooManyRequests, "centre.problem.limit.title",
		st.lz.T("centre.problem.limit.text", map[string]any{"Count": minutes}))
}

// parseForm reads a posted form; a body over the size limit gets a 413
// page, anything else unreadable a 400, and both end the request.
func (c *centre) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	st := c.stateOf(r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		c.problem(w, r, http.StatusRequestEntityTooLarge, "centre.problem.too_large.title", st.lz.T("centre.problem.too_large.text"))
		return false
	}
	c.problem(w, r, http.StatusBadRequest, "centre.problem.bad_request.title", st.lz.T("centre.problem.bad_request.text"))
	return false
}

// limit counts the request against l for its client; over the limit it
// answers 429 and returns false.
func (c *centre) limit(w http.ResponseWriter, r *http.Request, ls ...*limiter) bool {
	for _, l := range ls {
		if ok, retry := l.allow(c.limits.client(r)); !ok {
			c.tooMany(w, r, retry)
			return false
		}
	}
	return true
}

// centreTokenShape reports whether a token from a link could be one: the
// links carry base64url tokens of a few dozen characters. Anything else is
// a damaged link (400), not one that has expired (410).
func centreTokenShape(tok string) bool {
	if tok == "" || len(tok) > 128 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		ch := tok[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}

// statusURL is the status page of a status token.
func centreStatusURL(token string) string {
	return centreStatusPath + "?token=" + url.QueryEscape(token)
}
