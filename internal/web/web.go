// Package web serves Garde's back office: server-rendered pages for the
// operators (setup, login, dashboard, account, operators, API tokens, audit
// log, mail outbox) in English, French and Dutch. Pages work without
// JavaScript and carry no inline script or style, so a strict
// Content-Security-Policy holds.
package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// Deps are the parts the back office works with.
type Deps struct {
	Config    *config.Config
	Catalog   *i18n.Catalog
	DB        *db.DB
	Operators *operator.Service
	Audit     *audit.Log
	Outbox    *mail.Outbox
	Log       *slog.Logger
	// Requests runs data subject requests; without it the request and
	// system pages are not served.
	Requests *requests.Service
	// Webhooks manages outgoing webhooks; nil leaves their pages out.
	Webhooks *webhooks.Service
	// Breaches keeps the breach register; nil leaves its pages out.
	Breaches *breach.Service
	// Consent records opt-outs from the centre's "do not sell or share"
	// and "limit sensitive" pages; nil leaves those pages out.
	Consent *consent.Service
	// Inventory and Docs keep the data inventory and publish the privacy
	// documents; nil leaves their pages out.
	Inventory *inventory.Service
	Docs      *docs.Service
	// Fulfil keeps the connections of automatic systems; nil leaves
	// their page out.
	Fulfil *run.Service
	// Suppress is the suppression list; nil leaves its pages out.
	Suppress *suppress.Service
	// Organization is the business's name, shown on the public privacy
	// centre; empty shows none.
	Organization string
}

// handler holds the dependencies shared by every page handler.
type handler struct {
	Deps
	views *views
	def   i18n.Lang
}

// New returns the back office, to be mounted at "/".
func New(deps Deps) (http.Handler, error) {
	if deps.Config == nil || deps.Catalog == nil || deps.DB == nil || deps.Operators == nil ||
		deps.Audit == nil || deps.Outbox == nil {
		return nil, errors.New("web: missing dependency")
	}
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	def := i18n.Lang(deps.Config.DefaultLanguage)
	if !def.Valid() {
		def = i18n.EN
	}
	h := &handler{Deps: deps, views: v, def: def}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{file}", h.staticServe)

	mux.HandleFunc("GET /setup", h.setupShow)
	mux.HandleFunc("POST /setup", h.setupSubmit)
	mux.HandleFunc("GET /login", h.loginShow)
	mux.HandleFunc("POST /login", h.loginSubmit)
	mux.HandleFunc("POST /logout", h.logoutSubmit)
	mux.HandleFunc("POST /language", h.languageSubmit)

	mux.Handle("GET /{$}", h.requireRole(operator.Viewer, h.dashboardShow))
	mux.Handle("GET /account", h.requireRole(operator.Viewer, h.accountShow))
	mux.Handle("POST /account/password", h.requireRole(operator.Viewer, h.passwordSubmit))

	mux.Handle("GET /operators", h.requireRole(operator.Admin, h.operatorsShow))
	mux.Handle("POST /operators", h.requireRole(operator.Admin, h.operatorCreate))
	mux.Handle("POST /operators/{id}/role", h.requireRole(operator.Admin, h.operatorRoleSubmit))
	mux.Handle("POST /operators/{id}/disable", h.requireRole(operator.Admin, h.operatorDisable))
	mux.Handle("POST /operators/{id}/enable", h.requireRole(operator.Admin, h.operatorEnable))

	mux.Handle("GET /tokens", h.requireRole(operator.Admin, h.tokensShow))
	mux.Handle("POST /tokens", h.requireRole(operator.Admin, h.tokenCreate))
	mux.Handle("POST /tokens/{id}/revoke", h.requireRole(operator.Admin, h.tokenRevoke))

	mux.Handle("GET /audit", h.requireRole(operator.Admin, h.auditShow))
	mux.Handle("POST /audit/verify", h.requireRole(operator.Admin, h.auditVerify))

	mux.Handle("GET /mail", h.requireRole(operator.Admin, h.mailShow))
	mux.Handle("POST /mail/test", h.requireRole(operator.Admin, h.mailTestSubmit))

	h.registerRequests(mux)
	h.registerWebhooks(mux)
	h.registerReplyTemplates(mux)
	h.registerBreaches(mux)
	registerCentre(mux, h)
	registerConsentPages(mux, h)
	h.registerConsentAdmin(mux)
	h.registerNewsletterAdmin(mux)
	h.registerInventory(mux)
	h.registerDocs(mux)
	h.registerSystemConnector(mux)
	h.registerSuppress(mux)
	h.registerRequestIdentities(mux)

	// Anything else is a localized 404 rather than the mux's plain text.
	mux.HandleFunc("/", h.notFound)

	// Cross-site POSTs are refused before any handler runs (Sec-Fetch-Site or
	// Origin against Host); the session cookie is SameSite=Lax on top.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOriginDenied))

	return securityHeaders(h.withState(cop.Handler(mux))), nil
}
