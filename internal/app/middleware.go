package app

import (
	"log/slog"
	"net/http"
	"time"
)

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe logs every request and feeds the metrics. A panic that escapes a
// handler becomes a plain 500 with the stack in the log, never a dropped
// connection.
func (a *App) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				a.Log.Error("panic serving request", "path", r.URL.Path, "panic", p)
				if rec.code == 0 {
					http.Error(rec, "internal error", http.StatusInternalServerError)
				}
			}
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			d := time.Since(start)
			a.Metrics.Observe(r.Pattern, r.Method, code, d)
			if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" {
				a.Log.LogAttrs(r.Context(), levelFor(code), "http",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", code), slog.Duration("duration", d))
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

func levelFor(code int) slog.Level {
	if code >= 500 {
		return slog.LevelError
	}
	return slog.LevelDebug
}
