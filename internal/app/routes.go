package app

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/api"
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
		Outbox: a.Outbox, Requests: a.Requests, Log: a.Log, Version: version.String(),
	}))
	pages, err := web.New(web.Deps{
		Config: a.Config, Catalog: a.Catalog, DB: a.DB, Operators: a.Operators, Audit: a.Audit,
		Outbox: a.Outbox, Log: a.Log, Requests: a.Requests, Webhooks: a.Webhooks,
		Organization: a.Config.Organization,
	})
	if err != nil {
		return nil, err
	}
	mux.Handle("/", pages)
	return a.observe(mux), nil
}
