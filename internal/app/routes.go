package app

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/api"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/version"
	"github.com/garde-privacy/garde/internal/web"
)

// Handler builds the HTTP handler of the whole instance.
func (a *App) Handler() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.Handle("/api/v1/", api.New(api.Deps{
		Config: a.Config, Catalog: a.Catalog, Operators: a.Operators, Audit: a.Audit,
		Outbox: a.Outbox, Requests: a.Requests, Log: a.Log, Version: version.String(), Consent: a.Consent, Breaches: a.Breaches,
		Inventory: a.Inventory, Docs: a.Docs, Suppress: a.Suppress,
	}))
	consent.NewPublic(a.Consent, consent.PublicOptions{Catalog: a.Catalog, BaseURL: a.Config.PublicURL(),
		TrustedProxies: a.Config.TrustedProxies, EventsPerWindow: a.Config.ConsentRateLimit,
		Window: a.Config.ConsentRateWindow, Log: a.Log}).Register(mux)
	pages, err := web.New(web.Deps{
		Config: a.Config, Catalog: a.Catalog, DB: a.DB, Operators: a.Operators, Audit: a.Audit,
		Outbox: a.Outbox, Log: a.Log, Requests: a.Requests, Webhooks: a.Webhooks, Breaches: a.Breaches,
		Organization: a.Config.Organization, Consent: a.Consent,
		Inventory: a.Inventory, Docs: a.Docs, Fulfil: a.Fulfil, Suppress: a.Suppress,
	})
	if err != nil {
		return nil, err
	}
	mux.Handle("/", pages)
	return a.observe(mux), nil
}
