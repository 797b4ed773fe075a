// Package api serves Garde's JSON API under /api/v1: bearer-token
// authentication with scopes, one error format for every failure, and an
// OpenAPI 3.1 document generated from the same declarations that route and
// guard each endpoint.
//
// Each resource lives in its own file (me.go, operators.go, audit.go,
// mail.go…) with a register function listed in resources (route.go); an
// endpoint is one Register call naming the scope it needs.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// Prefix is where the application mounts the API; handlers see full paths.
const Prefix = "/api/v1"

// securityScheme is the name of the bearer scheme in the OpenAPI document.
const securityScheme = "bearer"

// Deps are the services the API serves.
type Deps struct {
	Config    *config.Config
	Catalog   *i18n.Catalog
	Operators *operator.Service
	Audit     *audit.Log
	Outbox    *mail.Outbox
	Requests  *requests.Service
	Log       *slog.Logger
	Version   string

	// Consent is the consent ledger; nil answers its endpoints with 503.
	Consent *consent.Service
	// Breaches is the breach register; nil answers its endpoints with 503.
	Breaches *breach.Service
	// Inventory and Docs keep the data inventory and its documents; nil
	// answers their endpoints with 503.
	Inventory *inventory.Service
	Docs      *docs.Service
	// Suppress is the suppression list; nil answers its endpoints with 503.
	Suppress *suppress.Service
}

// Server holds the huma API being built and the services endpoints use.
// Register functions receive it.
type Server struct {
	Deps
	api huma.API
}

// New returns the handler of everything under /api/v1.
func New(deps Deps) http.Handler {
	return newHandler(deps, resources...)
}

// newHandler builds the API with the given resources; tests add their own.
func newHandler(deps Deps, register ...func(*Server)) *handler {
	if deps.Catalog == nil {
		deps.Catalog = i18n.MustLoad()
	}
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	if deps.Version == "" {
		deps.Version = "dev"
	}
	def := i18n.EN
	if deps.Config != nil && i18n.Lang(deps.Config.DefaultLanguage).Valid() {
		def = i18n.Lang(deps.Config.DefaultLanguage)
	}

	mux := &recordingMux{ServeMux: http.NewServeMux()}
	s := &Server{Deps: deps}
	s.api = humago.NewWithPrefix(mux, Prefix, s.config())
	s.api.UseMiddleware(s.authenticate)
	for _, r := range register {
		r(s)
	}
	return &handler{mux: mux, api: s.api, cat: deps.Catalog, def: def, log: deps.Log}
}

func (s *Server) config() huma.Config {
	c := huma.DefaultConfig("Garde API", s.Version)
	// No docs page (it loads its script from a CDN), no schema routes and no
	// "$schema" links in responses: the document is the one reference.
	c.DocsPath = ""
	c.SchemasPath = ""
	c.CreateHooks = nil
	c.OpenAPIPath = "/openapi"
	// A misspelt filter (?limt=5) must fail loudly, not return everything.
	c.RejectUnknownQueryParameters = true
	c.Info.Description = "Garde's JSON API. Authenticate with an API token created by an operator " +
		"(`garde token create`), sent as `Authorization: Bearer garde_…`. Each operation names the " +
		"scope it needs; the `admin` scope grants all of them. Errors are " +
		"`{\"error\":{\"code\",\"message\",\"details\"}}` with a stable code and a message in the " +
		"language of Accept-Language (en, fr or nl)."
	server := Prefix
	if s.Config != nil && s.Config.BaseURL != "" {
		server = strings.TrimRight(s.Config.BaseURL, "/") + Prefix
	}
	c.Servers = []*huma.Server{{URL: server}}
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		securityScheme: {
			Type:         "http",
			Scheme:       "bearer",
			BearerFormat: "garde_…",
			Description:  "An API token. The scopes an operation requires are listed in its security requirement.",
		},
	}
	c.Transformers = []huma.Transformer{localizeErrors}
	return c
}

// OpenAPI returns the document of the API being built (for tests and tools).
func (s *Server) OpenAPI() *huma.OpenAPI { return s.api.OpenAPI() }

// recordingMux is the ServeMux the API routes on; it remembers every
// pattern so a test can prove none is missing from the document.
type recordingMux struct {
	*http.ServeMux
	patterns []string
}

func (m *recordingMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}
