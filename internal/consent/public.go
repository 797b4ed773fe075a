package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

// Public serves what the business's sites and browsers reach without a
// token: the banner script and stylesheet, the banner's ledger endpoint
// and the Global Privacy Control support resource.
type Public struct {
	svc     *Service
	cat     *i18n.Catalog
	baseURL string
	log     *slog.Logger
	limit   *rateLimit
}

// PublicOptions configure the public endpoints.
type PublicOptions struct {
	Catalog *i18n.Catalog
	// BaseURL is Garde's public address; the script posts there.
	BaseURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is read.
	TrustedProxies []netip.Prefix
	// EventsPerWindow caps the choices one client may post per Window
	// (DefaultEventsPerWindow and DefaultEventsWindow when 0).
	EventsPerWindow int
	Window          time.Duration
	Log             *slog.Logger
}

// DefaultEventsPerWindow is generous for a person (a few choices a visit)
// and tight for a script filling the ledger.
const DefaultEventsPerWindow = 30

// DefaultEventsWindow is the window of the per-client limit.
const DefaultEventsWindow = 10 * time.Minute

// maxPublicBody caps a banner's post; a real one is a few hundred bytes.
const maxPublicBody = 4 << 10

// gpcLastUpdate is when Garde's Global Privacy Control handling last
// changed (the support resource's lastUpdate).
const gpcLastUpdate = "2026-12-01"

// NewPublic returns the public side of the consent service.
func NewPublic(svc *Service, o PublicOptions) *Public {
	n := o.EventsPerWindow
	if n <= 0 {
		n = DefaultEventsPerWindow
	}
	window := o.Window
	if window <= 0 {
		window = DefaultEventsWindow
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Public{svc: svc, cat: o.Catalog, baseURL: strings.TrimRight(o.BaseURL, "/"), log: log,
		limit: newRateLimit(n, window, o.TrustedProxies)}
}

// Register adds the public routes to mux.
func (p *Public) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+BannerPath, p.script)
	mux.HandleFunc("GET "+BannerCSSPath, p.stylesheet)
	mux.HandleFunc("POST "+EventsPath, p.event)
	mux.HandleFunc("OPTIONS "+EventsPath, p.preflight)
	mux.HandleFunc("GET "+GPCPath, p.gpc)
	if p.svc.signer != nil {
		mux.HandleFunc("GET "+ReceiptKeysPath, p.receiptKeys)
	}
}

// receiptKeys serves the key set that checks signed receipts.
func (p *Public) receiptKeys(w http.ResponseWriter, r *http.Request) {
	set, err := p.svc.ReceiptKeySet(r.Context())
	if err != nil {
		p.svc.log.Error("consent: receipt key set", "err", err)
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/jwk-set+json")
	h.Set("Access-Control-Allow-Origin", "*")
	// Short, so a rotation reaches verifiers soon; a verifier that meets
	// an unknown "kid" should fetch the set again.
	h.Set("Cache-Control", "public, max-age=300")
	w.Write(set)
}

// assetHeaders let any site load the asset, and nothing in it run as a page.
func assetHeaders(w http.ResponseWriter, ct string) {
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	h.Set("Cache-Control", "public, max-age=300")
}

func (p *Public) script(w http.ResponseWriter, r *http.Request) {
	site, err := p.svc.Site(r.Context(), r.URL.Query().Get("site"))
	if err != nil {
		if errors.Is(err, ErrSiteNotFound) {
			http.Error(w, "unknown site", http.StatusNotFound)
			return
		}
		p.log.Error("consent: banner site", "err", err)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	js := BannerScript(p.cat, site, p.baseURL)
	sum := sha256.Sum256(js)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	assetHeaders(w, "text/javascript; charset=utf-8")
	// Revalidated on every page: a new notice version or purpose list must
	// reach the next visitor, and an unchanged script costs a 304.
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(js)
}

func (p *Public) stylesheet(w http.ResponseWriter, r *http.Request) {
	assetHeaders(w, "text/css; charset=utf-8")
	w.Write(bannerCSS)
}

func (p *Public) gpc(w http.ResponseWriter, r *http.Request) {
	assetHeaders(w, "application/json")
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "public, max-age=86400")
	w.Write([]byte(`{"gpc":true,"lastUpdate":"` + gpcLastUpdate + `"}` + "\n"))
}

// GPCOn reads the Sec-GPC request header: on only when a value is exactly
// "1" (any other value, or none, means no signal).
func GPCOn(r *http.Request) bool {
	return slices.Contains(r.Header.Values("Sec-GPC"), "1")
}

// publicEvent is what the banner posts. Only a device identifier: a page
// cannot speak for a named customer.
type publicEvent struct {
	DeviceID      string   `json:"device_id"`
	Granted       []string `json:"granted"`
	Refused       []string `json:"refused"`
	Method        string   `json:"method"`
	Source        string   `json:"source"`
	NoticeVersion string   `json:"notice_version"`
	Language      string   `json:"language"`
	GPC           bool     `json:"gpc"`
}

// cors answers for the site's origins only. A post without Origin comes
// from no browser page; it is let through, since nothing stops a program
// from sending any Origin it likes.
func (p *Public) cors(w http.ResponseWriter, r *http.Request, site *Site) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if !site.AllowsOrigin(origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	return true
}

func (p *Public) preflight(w http.ResponseWriter, r *http.Request) {
	site, err := p.svc.Site(r.Context(), r.PathValue("site"))
	if err != nil || !p.cors(w, r, site) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (p *Public) event(w http.ResponseWriter, r *http.Request) {
	// The language is only read for an error: a choice that is recorded
	// answers with no text.
	fail := func(status int, code string, data map[string]any, details FieldErrors) {
		writeError(w, p.cat.For(p.cat.FromRequest(r, i18n.EN)), status, code, data, details)
	}
	site, err := p.svc.Site(r.Context(), r.PathValue("site"))
	if err != nil {
		if errors.Is(err, ErrSiteNotFound) {
			fail(http.StatusNotFound, ErrSiteNotFound.ID, nil, nil)
			return
		}
		p.log.Error("consent: public event site", "err", err)
		fail(http.StatusServiceUnavailable, "api.error.unavailable", nil, nil)
		return
	}
	if !p.cors(w, r, site) {
		fail(http.StatusForbidden, "consent.error.origin_refused", nil, nil)
		return
	}
	if ok, wait := p.limit.allow(r); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		fail(http.StatusTooManyRequests, "consent.error.rate_limited", nil, nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPublicBody))
	if err != nil {
		fail(http.StatusRequestEntityTooLarge, "api.error.request.body_too_large", map[string]any{"Max": maxPublicBody}, nil)
		return
	}
	// Read in full, the choice counts as arriving until queued, so that a
	// commit about to start waits for it rather than leaving it for a
	// commit of its own (a slow sender is never waited for).
	a := p.svc.arrive()
	defer a.leave()
	var in publicEvent
	if err := decodePublicEvent(body, &in); err != nil {
		fail(http.StatusBadRequest, "api.error.request.malformed", nil, nil)
		return
	}
	fe := FieldErrors{}
	if in.DeviceID == "" {
		fe.add(FieldDevice, ErrHolderNeeded.ID)
	}
	if in.Source != string(SourceBanner) && in.Source != string(SourceGPC) {
		fe.add(FieldSource, "consent.error.source_invalid")
	}
	if len(fe) > 0 {
		fail(http.StatusUnprocessableEntity, "api.error.request.invalid", nil, fe)
		return
	}
	gpc := in.GPC || GPCOn(r)
	granted, refused := in.Granted, in.Refused
	if gpc {
		// The signal is a refusal of sale, sharing and marketing, whatever
		// the page sent.
		for _, o := range OptOutPurposes {
			if slices.Contains(site.Purposes, o) {
				granted = slices.DeleteFunc(slices.Clone(granted), func(s string) bool { return s == string(o) })
				if !slices.Contains(refused, string(o)) {
					refused = append(slices.Clone(refused), string(o))
				}
			}
		}
	}
	e, err := p.svc.record(r.Context(), ActorPublic, EventInput{SiteID: site.ID, DeviceID: in.DeviceID, Granted: granted,
		Refused: refused, Method: in.Method, Source: in.Source, NoticeVersion: in.NoticeVersion, Language: in.Language, GPC: gpc}, a)
	if err != nil {
		var bad FieldErrors
		if errors.As(err, &bad) {
			fail(http.StatusUnprocessableEntity, "api.error.request.invalid", nil, bad)
			return
		}
		p.log.Error("consent: public event", "err", err)
		fail(http.StatusInternalServerError, "api.error.internal", map[string]any{"RequestID": ""}, nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	w.Write(appendRecorded(make([]byte, 0, 96), e))
}

// appendRecorded appends the answer to a recorded choice, as
// encoding/json would write it; the identifier is a UUID and the time is
// RFC 3339, so neither needs escaping.
func appendRecorded(b []byte, e *Event) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, e.ID...)
	b = append(b, `","recorded_at":"`...)
	b = e.RecordedAt.AppendFormat(b, time.RFC3339Nano)
	return append(b, "\"}\n"...)
}

// writeError answers in the API's error format: a stable code and
// localized messages.
func writeError(w http.ResponseWriter, lz *i18n.Localizer, status int, id string, data map[string]any, fe FieldErrors) {
	type detail struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	}
	body := struct {
		Error struct {
			Code    string   `json:"code"`
			Message string   `json:"message"`
			Details []detail `json:"details,omitempty"`
		} `json:"error"`
	}{}
	body.Error.Code = strings.TrimPrefix(id, "api.error.")
	body.Error.Message = lz.T(id, data)
	for _, name := range fe.Ordered() {
		body.Error.Details = append(body.Error.Details, detail{Location: "body." + name, Message: fe[name].Localize(lz)})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
