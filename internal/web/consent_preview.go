package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// The banner's live preview. The back office's policy forbids every
// script, so the banner runs in a page of its own, framed by the site's
// page: that page may run Garde's /banner.js and nothing else, and may
// send nothing, so a click in the preview records no choice.

func (h *handler) registerConsentPreview(mux *http.ServeMux) {
	if h.Consent == nil {
		return
	}
	mux.Handle("GET /consent/sites/{id}/preview", h.requireRole(operator.Admin, h.consentSitePreview))
}

// previewCSP lets the preview run the banner script and load its
// stylesheet (from this origin or the public address the script names),
// be framed by the back office only, and connect nowhere.
func previewCSP(publicURL string) string {
	styles := "'self'"
	if u, err := url.Parse(publicURL); err == nil && u.Scheme != "" && u.Host != "" {
		styles += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'none'; script-src 'self'; style-src " + styles + "; img-src 'self' data:; connect-src 'none'; " +
		"form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
}

// siteEditCSP is the back office's policy, with the preview frame allowed.
const siteEditCSP = csp + "; frame-src 'self'"

// previewLang is the language asked for (?lang=), else the operator's.
func previewLang(r *http.Request, def i18n.Lang) i18n.Lang {
	if l := i18n.Lang(r.URL.Query().Get("lang")); l.Valid() {
		return l
	}
	return def
}

// consentSitePreview shows the banner of a site, with its saved
// configuration, on a blank page in the chosen language.
func (h *handler) consentSitePreview(w http.ResponseWriter, r *http.Request) {
	site, err := h.Consent.Site(r.Context(), r.PathValue("id"))
	if errors.Is(err, consent.ErrSiteNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p := h.newPage(w, r, "consent")
	lang := previewLang(r, p.Lang)
	lz := h.Catalog.For(lang)
	p.V["Site"] = site
	p.V["PreviewLang"] = string(lang)
	p.V["Heading"] = lz.T("consent.web.preview.page_title", map[string]any{"Name": site.Name})
	p.V["Text"] = lz.T("consent.web.preview.page_text")
	hd := w.Header()
	hd.Set("Content-Security-Policy", previewCSP(h.Config.PublicURL()))
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	// A choice made in an earlier preview would hide the banner: the
	// preview always starts from a visitor who has not answered yet.
	if _, err := r.Cookie(consent.CookieName); err == nil {
		http.SetCookie(w, &http.Cookie{Name: consent.CookieName, Path: "/", MaxAge: -1})
	}
	h.render(w, r, http.StatusOK, "consent_preview", p)
}

// previewChoice is a language the site page offers for the preview.
type previewChoice struct {
	Code, Name string
	Current    bool
}

// setPreview prepares the preview frame of the site's page.
func setPreview(w http.ResponseWriter, r *http.Request, p *page, site *consent.Site) {
	lang := previewLang(r, p.Lang)
	var choices []previewChoice
	for _, l := range i18n.Langs {
		choices = append(choices, previewChoice{Code: string(l), Name: l.Name(), Current: l == lang})
	}
	p.V["PreviewLangs"] = choices
	p.V["PreviewURL"] = "/consent/sites/" + url.PathEscape(site.ID) + "/preview?lang=" + string(lang)
	w.Header().Set("Content-Security-Policy", siteEditCSP)
}
