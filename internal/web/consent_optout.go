package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/consent"
)

// The "do not sell or share" and "limit the use of my sensitive personal
// information" pages of the privacy centre. A person opts out for this
// browser, and for their email address if they give it; a browser sending
// Global Privacy Control is opted out as soon as it opens either page.

const (
	optOutSellPath      = "/privacy/do-not-sell"
	optOutSensitivePath = "/privacy/limit-sensitive"
	// deviceCookie identifies this browser in the consent ledger; it holds
	// a random value and nothing else.
	deviceCookie = "garde_device"
)

var deviceValue = regexp.MustCompile(`^[0-9a-f]{32}$`)

// optOutPages serves both pages with the centre's layout.
type optOutPages struct{ *centre }

func registerConsentPages(mux *http.ServeMux, h *handler) {
	if h.Consent == nil {
		return
	}
	o := optOutPages{&centre{handler: h, views: mustLoadConsentViews(), limits: newCentreLimits(h.Config, nil)}}
	for p, kind := range map[string]consent.OptOutKind{optOutSellPath: consent.DoNotSell, optOutSensitivePath: consent.LimitSensitive} {
		mux.Handle("GET "+p, o.public(func(w http.ResponseWriter, r *http.Request) { o.show(w, r, kind, p) }))
		mux.Handle("POST "+p, o.public(func(w http.ResponseWriter, r *http.Request) { o.submit(w, r, kind, p) }))
	}
	mux.Handle("GET "+consent.PathNewsletterConfirm, o.public(o.newsletterShow))
	mux.Handle("POST "+consent.PathNewsletterConfirm, o.public(o.newsletterConfirm))
}

// mustLoadConsentViews parses the opt-out pages with the centre's layout
// and its problem page.
func mustLoadConsentViews() *views {
	base := template.Must(template.New("centre_layout.html").Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/centre_layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFiles, "templates/consent_optout*.html")
	if err != nil {
		panic(err)
	}
	more, err := fs.Glob(templateFiles, "templates/consent_newsletter*.html")
	if err != nil {
		panic(err)
	}
	names = append(names, more...)
	v := &views{pages: map[string]*template.Template{}}
	for _, name := range append(names, "templates/centre_problem.html") {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFiles, name))
		v.pages[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return v
}

// device returns this browser's identifier, giving it one (for 13 months,
// the longest the CNIL accepts for such a cookie) when it has none.
func (o optOutPages) device(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil && deviceValue.MatchString(c.Value) {
		return c.Value
	}
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	c := o.cookie(deviceCookie, id, int((395 * 24 * time.Hour).Seconds()))
	c.Path = "/privacy"
	http.SetCookie(w, c)
	return id
}

func (o optOutPages) page(w http.ResponseWriter, r *http.Request, kind consent.OptOutKind, at string) *page {
	p := o.newPage(w, r, at)
	p.V["Kind"] = string(kind)
	p.V["Action"] = at
	p.V["Other"] = optOutSensitivePath
	if kind == consent.LimitSensitive {
		p.V["Other"] = optOutSellPath
	}
	return p
}

func (o optOutPages) show(w http.ResponseWriter, r *http.Request, kind consent.OptOutKind, at string) {
	if !o.limit(w, r, o.limits.links) {
		return
	}
	p := o.page(w, r, kind, at)
	if consent.GPCOn(r) {
		// The signal is the opt-out: record it once for this browser.
		dev := o.device(w, r)
		st, err := o.Consent.Check(r.Context(), consent.Holder{DeviceID: dev}, string(kind.Purposes()[0]))
		if err != nil {
			o.serverError(w, r, err)
			return
		}
		if st.Decision != consent.Refused {
			if _, err := o.Consent.OptOut(r.Context(), consent.OptOutInput{Kind: kind, DeviceID: dev, GPC: true,
				Language: string(p.Lang), Source: consent.SourceGPC}); err != nil {
				o.serverError(w, r, err)
				return
			}
		}
		p.V["GPC"] = true
	}
	o.render(w, http.StatusOK, "consent_optout", p)
}

func (o optOutPages) submit(w http.ResponseWriter, r *http.Request, kind consent.OptOutKind, at string) {
	if !o.parseForm(w, r) || !o.limit(w, r, o.limits.posts) {
		return
	}
	p := o.page(w, r, kind, at)
	f := newForm(r, "email")
	p.Form = f
	e, err := o.Consent.OptOut(r.Context(), consent.OptOutInput{Kind: kind, Email: f.Values["email"],
		DeviceID: o.device(w, r), GPC: consent.GPCOn(r), Language: string(p.Lang), Source: consent.SourceForm})
	if err != nil {
		if !errors.Is(err, consent.ErrEmailInvalid) {
			o.serverError(w, r, err)
			return
		}
		f.add("optout-email", p.Msg(err))
		o.render(w, http.StatusUnprocessableEntity, "consent_optout", p)
		return
	}
	p.Form = nil
	p.V["EventID"] = e.ID
	p.V["Email"] = e.SubjectID
	o.render(w, http.StatusOK, "consent_optout_done", p)
}

// newsletterShow is the page of the re-permission link. It changes
// nothing: mail scanners open links, only the person presses the button.
func (o optOutPages) newsletterShow(w http.ResponseWriter, r *http.Request) {
	if !o.limit(w, r, o.limits.verify) {
		return
	}
	token := r.URL.Query().Get("token")
	sub, err := o.Consent.LookupConfirmation(r.Context(), token)
	if err != nil {
		o.newsletterProblem(w, r, err)
		return
	}
	p := o.newPage(w, r, "")
	p.V["Email"], p.V["Token"] = sub.Email, token
	o.render(w, http.StatusOK, "consent_newsletter", p)
}

func (o optOutPages) newsletterConfirm(w http.ResponseWriter, r *http.Request) {
	if !o.parseForm(w, r) || !o.limit(w, r, o.limits.verify) {
		return
	}
	token := r.PostFormValue("token")
	p := o.newPage(w, r, consent.PathNewsletterConfirm+"?token="+url.QueryEscape(token))
	sub, err := o.Consent.ConfirmSubscription(r.Context(), token, string(p.Lang))
	if err != nil {
		o.newsletterProblem(w, r, err)
		return
	}
	p.V["Email"] = sub.Email
	o.render(w, http.StatusOK, "consent_newsletter_done", p)
}

func (o optOutPages) newsletterProblem(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, consent.ErrLinkInvalid) {
		o.serverError(w, r, err)
		return
	}
	st := o.stateOf(r)
	o.problem(w, r, http.StatusNotFound, "consent.newsletter.title", st.lz.T(consent.ErrLinkInvalid.ID))
}
