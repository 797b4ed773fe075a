package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// The back office's newsletter re-permission campaign (seed 002): import
// the subscriber list, follow the counts at each stage, send the next
// batch of emails within the hourly cap, archive who did not confirm by
// their deadline, and look people up. Viewers read; agents and admins act.

const (
	newsletterPath = "/consent/newsletter"
	// newsletterPageSize is how many subscribers one page lists.
	newsletterPageSize = 50
)

// Errors of the campaign's forms.
var (
	errNewsletterNoFile  = i18n.NewError("newsletter.error.no_file")
	errNewsletterTooBig  = i18n.NewError("newsletter.error.upload_too_large", map[string]any{"Max": consent.MaxImportBytes >> 20})
	errNewsletterLang    = i18n.NewError("newsletter.error.lang_invalid")
	errNewsletterCountID = "newsletter.error.count_invalid"
)

func (h *handler) registerNewsletterAdmin(mux *http.ServeMux) {
	if h.Consent == nil {
		return
	}
	mux.Handle("GET "+newsletterPath, h.requireRole(operator.Viewer, h.newsletterShow))
	mux.Handle("POST "+newsletterPath+"/import", h.requireRole(operator.Agent, h.newsletterImport))
	mux.Handle("POST "+newsletterPath+"/send", h.requireRole(operator.Agent, h.newsletterSend))
	mux.Handle("POST "+newsletterPath+"/archive", h.requireRole(operator.Agent, h.newsletterArchive))
}

// newsletterStage is one stage with its count, linked to its list.
type newsletterStage struct {
	Status, Label string
	Count         int
	Current       bool
}

// newsletterRow is a subscriber as the table shows them.
type newsletterRow struct {
	consent.SubscriberRow
	StageLabel, HowLabel string
}

func (h *handler) newsletterShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "newsletter")
	h.renderNewsletter(w, r, http.StatusOK, p)
}

// renderNewsletter fills the page from the campaign and the list asked
// for in the query, then renders it with status.
func (h *handler) renderNewsletter(w http.ResponseWriter, r *http.Request, status int, p *page) {
	ctx := r.Context()
	c, err := h.Consent.Campaign(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	filter := consent.SubscriberQuery{Search: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Limit: newsletterPageSize}
	if !slices.Contains(consent.SubStatuses, filter.Status) {
		filter.Status = ""
	}
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = min(max(1, pageNo), 1_000_000)
	filter.Offset = (pageNo - 1) * newsletterPageSize
	subs, total, err := h.Consent.Subscribers(ctx, filter)
	if err != nil {
		h.serverError(w, r, err)
		return
	}

	stages := make([]newsletterStage, 0, len(consent.SubStatuses))
	for _, st := range consent.SubStatuses {
		stages = append(stages, newsletterStage{Status: st, Label: p.T("newsletter.stage." + st), Count: c.Counts[st],
			Current: st == filter.Status})
	}
	rows := make([]newsletterRow, len(subs))
	for i, s := range subs {
		rows[i] = newsletterRow{SubscriberRow: s, StageLabel: p.T("newsletter.stage." + s.Status), HowLabel: p.T("newsletter.how." + s.HowAdded)}
	}
	p.V["Campaign"] = c
	p.V["Stages"] = stages
	p.V["Rows"] = rows
	p.V["Filter"] = filter
	p.V["Filtered"] = filter.Search != "" || filter.Status != ""
	p.V["Total"] = total
	if len(rows) > 0 {
		p.V["Shown"] = p.T("newsletter.web.shown", "From", filter.Offset+1, "To", filter.Offset+len(rows), "Total", total)
	}
	link := func(n int) string {
		v := url.Values{}
		if filter.Search != "" {
			v.Set("q", filter.Search)
		}
		if filter.Status != "" {
			v.Set("status", filter.Status)
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return newsletterPath + "#subscribers-title"
		}
		return newsletterPath + "?" + v.Encode() + "#subscribers-title"
	}
	if pageNo > 1 {
		p.V["Prev"] = link(pageNo - 1)
	}
	if filter.Offset+len(rows) < total {
		p.V["Next"] = link(pageNo + 1)
	}
	p.V["SendMax"] = min(c.Remaining(), c.Counts[consent.SubToAsk])
	if p.Form == nil || p.Form.Values["count"] == "" {
		p.V["SendCount"] = strconv.Itoa(min(c.Remaining(), c.Counts[consent.SubToAsk]))
	} else {
		p.V["SendCount"] = p.Form.Values["count"]
	}
	sendLang := p.Lang
	if p.Form != nil && i18n.Lang(p.Form.Values["language"]).Valid() {
		sendLang = i18n.Lang(p.Form.Values["language"])
	}
	langs := make([]langChoice, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		langs = append(langs, langChoice{Code: l, Name: l.Name(), Current: l == sendLang})
	}
	p.V["SendLangs"] = langs
	if _, ok := p.V["Pasted"]; !ok {
		p.V["Pasted"] = ""
	}
	h.render(w, r, status, "consent_newsletter_admin", p)
}

// newsletterImport imports a list only when every line is right, so a
// person fixes the file and sends it again rather than hunting for what
// was left out.
func (h *handler) newsletterImport(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "newsletter")
	p.Path = newsletterPath
	body, pasted, err := newsletterUpload(r)
	var res *consent.ImportResult
	if err == nil {
		res, err = h.Consent.ImportSubscribersStrict(r.Context(), actor(st.op), body)
	}
	if err != nil || res.Refused > 0 {
		// A refused pasted list comes back in its field, to be corrected.
		p.V["Pasted"] = pasted
	}
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		p.V["ImportError"] = p.Msg(err)
		h.renderNewsletter(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if res.Refused > 0 {
		lines := make([]string, len(res.Errors))
		for i, le := range res.Errors {
			lines[i] = p.T("newsletter.web.import_line", "Line", le.Line, "Message", p.Msg(le.Err))
		}
		p.V["ImportError"] = p.T("newsletter.web.import_refused", "N", res.Refused)
		p.V["LineErrors"] = lines
		if more := res.Refused - len(res.Errors); more > 0 {
			p.V["MoreErrors"] = p.T("newsletter.web.import_more", "N", more)
		}
		h.renderNewsletter(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	// Shown on this answer rather than after a redirect: the figures are
	// this import's, and sending the same list again changes nothing.
	p.V["Imported"] = p.T("newsletter.web.imported", "Rows", res.Rows, "Subscribed", res.Subscribed, "ToAsk", res.ToAsk,
		"Skipped", res.Skipped)
	h.renderNewsletter(w, r, http.StatusOK, p)
}

// newsletterUpload returns the list sent as the "file" part, or else
// pasted in the "csv" field (then also returned as pasted).
func newsletterUpload(r *http.Request) (list io.Reader, pasted string, err error) {
	tooBig := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxBody); err != nil {
			if tooBig(err) {
				return nil, "", errNewsletterTooBig
			}
			return nil, "", errNewsletterNoFile
		}
		if file, _, err := r.FormFile("file"); err == nil {
			defer file.Close()
			data, err := io.ReadAll(file)
			if err != nil {
				return nil, "", errNewsletterNoFile
			}
			if strings.TrimSpace(string(data)) != "" {
				return strings.NewReader(string(data)), "", nil
			}
		}
	} else if err := r.ParseForm(); err != nil {
		if tooBig(err) {
			return nil, "", errNewsletterTooBig
		}
		return nil, "", errNewsletterNoFile
	}
	text := r.PostFormValue("csv")
	if strings.TrimSpace(text) == "" {
		return nil, "", errNewsletterNoFile
	}
	return strings.NewReader(text), text, nil
}

// newsletterSend queues the next batch of re-permission emails through
// the outbox; the service keeps to the hourly cap.
func (h *handler) newsletterSend(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "newsletter")
	p.Path = newsletterPath
	f := newForm(r, "language", "count")
	p.Form = f
	lang := i18n.Lang(f.Values["language"])
	if !lang.Valid() {
		f.add("send-language", p.Msg(errNewsletterLang))
	}
	n, err := strconv.Atoi(f.Values["count"])
	if err != nil || n < 1 || n > consent.RepermissionPerHour {
		f.add("send-count", p.T(errNewsletterCountID, "Max", consent.RepermissionPerHour))
	}
	if !f.ok() {
		h.renderNewsletter(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	sent, err := h.Consent.SendRepermission(r.Context(), actor(st.op), lang, n)
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.add("send-count", p.Msg(err))
		h.renderNewsletter(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if sent > 0 {
		h.setFlash(w, "ok", "newsletter.web.flash.sent")
	} else {
		h.setFlash(w, "err", "newsletter.web.flash.none_sent")
	}
	seeOther(w, r, newsletterPath)
}

// newsletterArchive archives the subscribers asked whose deadline passed.
func (h *handler) newsletterArchive(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	n, err := h.Consent.ArchiveUnconfirmed(r.Context(), actor(st.op))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if n > 0 {
		h.setFlash(w, "ok", "newsletter.web.flash.archived")
	} else {
		h.setFlash(w, "err", "newsletter.web.flash.none_archived")
	}
	seeOther(w, r, newsletterPath)
}
