package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/operator"
)

// The back office's consent page: choices over the last months by purpose
// and language (a chart and its table), the banner sites with their
// snippet, and the proof export.

// HasConsent says whether the consent pages are served (for the navigation).
func (p *page) HasConsent() bool { return p.h.Consent != nil }

// statsMonths is how far back the consent page counts.
const statsMonths = 6

func (h *handler) registerConsentAdmin(mux *http.ServeMux) {
	if h.Consent == nil {
		return
	}
	mux.Handle("GET /consent", h.requireRole(operator.Viewer, h.consentShow))
	mux.Handle("POST /consent/sites", h.requireRole(operator.Admin, h.consentSiteCreate))
	mux.Handle("GET /consent/export", h.requireRole(operator.Admin, h.consentExport))
	mux.Handle("POST /consent/receipt-keys", h.requireRole(operator.Admin, h.consentRotateKey))
	mux.Handle("GET /consent/sites/{id}", h.requireRole(operator.Admin, h.consentSiteEdit))
	mux.Handle("POST /consent/sites/{id}", h.requireRole(operator.Admin, h.consentSiteUpdate))
	h.registerConsentPreview(mux)
}

// consentBar is one cell of the chart: a purpose's share of grants.
type consentBar struct {
	Granted, Refused int
	Percent          int
	// GrantedWidth and RefusedWidth are the bar's parts, in SVG units.
	GrantedWidth, RefusedWidth string
}

// consentRow is a month or a language with a bar per purpose.
type consentRow struct {
	Label string
	Bars  []consentBar
}

// consentChart is one table of bars: by month or by language.
type consentChart struct {
	Caption, Head string
	Rows          []consentRow
}

// siteView is a site as the page lists it.
type siteView struct {
	consent.Site
	OriginList string
}

const barWidth = 120.0

func bar(t consent.Tally) consentBar {
	b := consentBar{Granted: t.Granted, Refused: t.Refused, Percent: int(t.Rate()*100 + 0.5)}
	g := 0.0
	if t.Granted+t.Refused > 0 {
		g = barWidth * t.Rate()
	}
	b.GrantedWidth, b.RefusedWidth = strconv.FormatFloat(g, 'f', 1, 64), strconv.FormatFloat(barWidth-g, 'f', 1, 64)
	return b
}

func rows(keys []string, label func(string) string, by map[string]map[consent.Purpose]consent.Tally, ps []consent.Purpose) []consentRow {
	out := make([]consentRow, 0, len(keys))
	for _, k := range keys {
		r := consentRow{Label: label(k)}
		for _, p := range ps {
			r.Bars = append(r.Bars, bar(by[k][p]))
		}
		out = append(out, r)
	}
	return out
}

func (h *handler) consentShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "consent")
	h.renderConsent(w, r, http.StatusOK, p)
}

func (h *handler) renderConsent(w http.ResponseWriter, r *http.Request, status int, p *page) {
	now := time.Now().UTC()
	from := time.Date(now.Year(), now.Month()-statsMonths+1, 1, 0, 0, 0, 0, time.UTC)
	st, err := h.Consent.Stats(r.Context(), from, now.Add(time.Minute))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sites, err := h.Consent.Sites(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var names []string
	for _, pp := range st.Purposes {
		id := "consent.purpose." + string(pp)
		if h.Catalog.Has(p.Lang, id) {
			names = append(names, p.T(id))
		} else {
			names = append(names, string(pp))
		}
	}
	p.V["Events"] = st.Events
	p.V["Purposes"] = names
	p.V["Charts"] = []consentChart{
		{Caption: p.T("consent.web.by_month"), Head: p.T("consent.web.month"),
			Rows: rows(st.Months, func(m string) string { return m }, st.ByMonth, st.Purposes)},
		{Caption: p.T("consent.web.by_language"), Head: p.T("consent.web.language"),
			Rows: rows(st.Languages, func(l string) string { return strings.ToUpper(l) }, st.ByLang, st.Purposes)},
	}
	views := make([]siteView, len(sites))
	for i := range sites {
		views[i] = siteView{Site: sites[i], OriginList: strings.Join(sites[i].Origins, ", ")}
	}
	p.V["Sites"] = views
	if p.Can(operator.Admin) {
		// An instance built without a signer has no keys to show.
		keys, err := h.Consent.ReceiptKeys(r.Context())
		if err != nil && !errors.Is(err, consent.ErrReceiptUnsigned) {
			h.serverError(w, r, err)
			return
		}
		p.V["ReceiptKeys"] = keys
	}
	p.V["Base"] = h.Config.PublicURL()
	p.V["ExportFrom"] = from.Format(time.DateOnly)
	p.V["ExportTo"] = now.Format(time.DateOnly)
	h.render(w, r, status, "consent_admin", p)
}

// siteFields map the service's fields to the form's inputs.
var siteFields = map[string]string{
	consent.FieldName: "site-name", consent.FieldOrigins: "site-origins", consent.FieldPurposes: "site-purposes",
	consent.FieldNotice: "site-notice", consent.FieldReask: "site-reask", consent.FieldPolicy: "site-policy",
}

// siteForm reads the site form; ok is false when a field could not be
// read at all (the months), with the error added.
func siteForm(r *http.Request, p *page) (*form, consent.SiteInput) {
	f := newForm(r, "name", "origins", "purposes", "notice_version", "reask_months", "policy_url")
	f.Values["site-origins"] = f.Values["origins"]
	p.Form = f
	reask := 0
	if v := f.Values["reask_months"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.add("site-reask", p.T("consent.error.reask_invalid", "Max", consent.MaxReaskMonths))
		}
		reask = n
	}
	return f, consent.SiteInput{Name: f.Values["name"], Origins: strings.Fields(f.Values["origins"]),
		Purposes:      strings.Fields(strings.ReplaceAll(f.Values["purposes"], ",", " ")),
		NoticeVersion: f.Values["notice_version"], ReaskMonths: reask, PolicyURL: f.Values["policy_url"]}
}

// siteSaved reports the outcome of a save: true when done, false with the
// errors on the form; a failure that is not the input's answers itself.
func (h *handler) siteSaved(w http.ResponseWriter, r *http.Request, p *page, f *form, err error) (done, answered bool) {
	var fe consent.FieldErrors
	switch {
	case errors.As(err, &fe):
		for _, name := range fe.Ordered() {
			f.add(siteFields[name], p.Msg(fe[name]))
		}
		return false, false
	case err != nil:
		h.serverError(w, r, err)
		return false, true
	}
	return true, false
}

func (h *handler) consentSiteCreate(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "consent")
	f, in := siteForm(r, p)
	if f.ok() {
		_, err := h.Consent.CreateSite(r.Context(), "operator:"+p.Op.ID, in)
		done, answered := h.siteSaved(w, r, p, f, err)
		if answered {
			return
		}
		if done {
			h.setFlash(w, "ok", "consent.web.site_created")
			seeOther(w, r, "/consent")
			return
		}
	}
	h.renderConsent(w, r, http.StatusUnprocessableEntity, p)
}

// consentSiteEdit shows a site's configuration in the form.
func (h *handler) consentSiteEdit(w http.ResponseWriter, r *http.Request) {
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
	purposes := make([]string, len(site.Purposes))
	for i, pp := range site.Purposes {
		purposes[i] = string(pp)
	}
	p.Form = &form{Values: map[string]string{"name": site.Name, "origins": strings.Join(site.Origins, "\n"),
		"site-origins": strings.Join(site.Origins, "\n"), "purposes": strings.Join(purposes, " "),
		"notice_version": site.NoticeVersion, "reask_months": strconv.Itoa(site.ReaskMonths), "policy_url": site.PolicyURL}}
	h.renderSiteEdit(w, r, http.StatusOK, p, site)
}

func (h *handler) renderSiteEdit(w http.ResponseWriter, r *http.Request, status int, p *page, site *consent.Site) {
	p.V["Site"] = site
	setPreview(w, r, p, site)
	h.render(w, r, status, "consent_admin", p)
}

func (h *handler) consentSiteUpdate(w http.ResponseWriter, r *http.Request) {
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
	f, in := siteForm(r, p)
	if f.ok() {
		_, err := h.Consent.UpdateSite(r.Context(), "operator:"+p.Op.ID, site.ID, in)
		done, answered := h.siteSaved(w, r, p, f, err)
		if answered {
			return
		}
		if done {
			h.setFlash(w, "ok", "consent.web.site_updated")
			seeOther(w, r, "/consent")
			return
		}
	}
	h.renderSiteEdit(w, r, http.StatusUnprocessableEntity, p, site)
}

// consentExport sends the ledger of a period as a file; the service audits
// who took it.
func (h *handler) consentExport(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	q := r.URL.Query()
	from, err1 := time.Parse(time.DateOnly, q.Get("from"))
	to, err2 := time.Parse(time.DateOnly, q.Get("to"))
	format := consent.ExportFormat(q.Get("format"))
	if err1 != nil || err2 != nil || (format != consent.ExportCSV && format != consent.ExportJSON) || to.Before(from) {
		h.setFlash(w, "err", "consent.web.export_invalid")
		seeOther(w, r, "/consent")
		return
	}
	ct := "application/json"
	if format == consent.ExportCSV {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="consent-%s-%s.%s"`, q.Get("from"), q.Get("to"), format))
	// The end day is included.
	if _, err := h.Consent.Export(r.Context(), "operator:"+st.op.ID, w, format, from, to.AddDate(0, 0, 1)); err != nil {
		h.Log.Error("web: consent export", "err", err)
	}
}

// consentRotateKey starts a new receipt signing key; the earlier ones stay
// published, so nothing already signed stops checking.
func (h *handler) consentRotateKey(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	if _, err := h.Consent.RotateReceiptKey(r.Context(), actor(st.op)); err != nil {
		if errors.Is(err, consent.ErrReceiptUnsigned) {
			h.setFlash(w, "err", "consent.error.receipt_unsigned")
			seeOther(w, r, "/consent")
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.setFlash(w, "ok", "consent.web.keys_rotated")
	seeOther(w, r, "/consent")
}
