package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/garde-privacy/garde/internal/i18n"
)

// handler is the API's entry point: it gives each request an ID and a
// language, turns panics into a JSON 500, and answers unknown paths and
// wrong methods in the API's error format rather than the mux's plain text.
type handler struct {
	mux *recordingMux
	api huma.API
	cat *i18n.Catalog
	def i18n.Lang
	log *slog.Logger
}

// probeMethods are tried to tell a wrong method (405) from an unknown path (404).
var probeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := &state{
		requestID: requestID(r),
		lz:        h.cat.For(h.cat.Match(r.Header.Get("Accept-Language"), h.def)),
		log:       h.log,
	}
	w.Header().Set("X-Request-ID", st.requestID)
	r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
	tw := &trackingWriter{ResponseWriter: w}
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p) // the server's way to drop a connection on purpose
		}
		st.log.Error("api: panic", "request_id", st.requestID, "method", r.Method, "path", r.URL.Path,
			"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if !tw.wrote {
			writeError(tw, st, NewError(http.StatusInternalServerError, CodeInternal))
		}
	}()

	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(tw, r)
		return
	}
	var allowed []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		writeError(tw, st, NewError(http.StatusNotFound, CodeRouteNotFound))
		return
	}
	tw.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(tw, st, NewError(http.StatusMethodNotAllowed, CodeMethodNotAllowed,
		map[string]any{"Method": r.Method, "Allowed": strings.Join(allowed, ", ")}))
}

// An incoming X-Request-ID is kept when it is short and plain (a proxy's),
// otherwise a new one is made.
var plainRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); plainRequestID.MatchString(id) {
		return id
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// render localizes e for the request and logs the cause of a server error.
func render(st *state, e *Error) *Error {
	if st == nil {
		st = &state{lz: i18n.MustLoad().For(i18n.EN), log: slog.New(slog.DiscardHandler)}
	}
	if e.cause != nil {
		st.log.Error("api: internal error", "request_id", st.requestID, "code", e.Err.Code, "err", e.cause.Error())
	}
	return e.localized(st.lz, st.requestID)
}

// localizeErrors is the huma transformer that renders errors huma writes
// (validation, body parsing, errors returned by handlers).
func localizeErrors(ctx huma.Context, _ string, v any) (any, error) {
	e, ok := v.(*Error)
	if !ok {
		return v, nil
	}
	st := stateFrom(ctx.Context())
	if st != nil {
		ctx.SetHeader("Content-Language", string(st.lz.Lang))
	}
	return render(st, e), nil
}

// writeError writes an error outside huma's own response path.
func writeError(w http.ResponseWriter, st *state, e *Error) {
	body := errorJSON(st, e)
	w.Header().Set("Content-Type", "application/json")
	if st != nil {
		w.Header().Set("Content-Language", string(st.lz.Lang))
	}
	w.WriteHeader(e.status)
	w.Write(body)
}

func errorJSON(st *state, e *Error) []byte {
	body, err := json.Marshal(render(st, e))
	if err != nil {
		// Only a value a handler put in the message data could cause this.
		return []byte(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
	}
	return append(body, '\n')
}

// trackingWriter notes whether the response has started, so a panic after
// that point does not write a second status.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (huma sets read
// deadlines through it).
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
