package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Serve starts the job workers and answers HTTP on ln until ctx ends, then
// shuts down gracefully: in-flight requests and jobs get time to finish.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	if err := a.Queue.Start(ctx); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go a.maintain(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if qerr := a.Queue.Stop(shutdown); qerr != nil && !errors.Is(qerr, context.Canceled) {
		a.Log.Warn("stopping jobs", "err", qerr)
	}
	return err
}

// maintain runs the instance's housekeeping: SQLite WAL checkpoints and
// purging of expired sessions.
func (a *App) maintain(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.DB.Maintain(ctx); err != nil {
				a.Log.Warn("database maintenance", "err", err)
			}
			if err := a.Operators.PurgeExpired(ctx); err != nil {
				a.Log.Warn("purging expired sessions", "err", err)
			}
		}
	}
}
