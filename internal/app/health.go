package app

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// healthz says the process answers; it touches nothing else so that a slow
// database never gets a live process restarted.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says the instance can serve: database reachable and fully migrated.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	status, code, detail := "ready", http.StatusOK, ""
	if err := a.DB.Ping(ctx); err != nil {
		status, code, detail = "database_unreachable", http.StatusServiceUnavailable, oneLine(err)
	} else if pending, err := a.DB.Pending(ctx); err != nil {
		status, code, detail = "database_unreachable", http.StatusServiceUnavailable, oneLine(err)
	} else if pending {
		status, code = "migrations_pending", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	body := map[string]string{"status": status, "database": string(a.DB.Dialect)}
	if detail != "" {
		a.Log.Warn("not ready", "status", status, "err", detail)
	}
	_ = json.NewEncoder(w).Encode(body)
}
