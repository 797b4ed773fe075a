package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

// state is what every page needs to know about its request: who is signed
// in (if anyone) and in which language to answer.
type state struct {
	op      *operator.Operator
	token   string
	expired bool // a session cookie was sent but is no longer valid
	lang    i18n.Lang
	lz      *i18n.Localizer
}

type stateKey struct{}

const maxBody = 64 << 10

// withState resolves the session and the language once per request.
func (h *handler) withState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		// Forms here are a few fields; a larger body is cut off, which
		// leaves the form empty and so refused. Attachment uploads and
		// subscriber lists alone may send a file (bodyLimit).
		r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(r))
		st := &state{}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			op, err := h.Operators.Session(r.Context(), c.Value)
			switch {
			case err == nil:
				st.op, st.token = op, c.Value
			case errors.Is(err, operator.ErrNoSession):
				st.expired = true
				h.clearSession(w)
			default:
				st.lang = h.pickLang(r, nil)
				st.lz = h.Catalog.For(st.lang)
				r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
				h.serverError(w, r, err)
				return
			}
		}
		st.lang = h.pickLang(r, st.op)
		st.lz = h.Catalog.For(st.lang)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

// stateOf returns the request's state; outside withState (never in
// practice) it answers an anonymous request in the default language.
func (h *handler) stateOf(r *http.Request) *state {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{lang: h.def, lz: h.Catalog.For(h.def)}
}

// chosenLang is the language picked with the switch in this browser, or ""
// when none was: a language only guessed from the browser is not saved.
func chosenLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && i18n.Lang(c.Value).Valid() {
		return c.Value
	}
	return ""
}

// pickLang chooses the language of a page: the switch's cookie, then the
// operator's saved choice, then the browser's Accept-Language, then the
// configured default.
func (h *handler) pickLang(r *http.Request, op *operator.Operator) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil && i18n.Lang(c.Value).Valid() {
		return i18n.Lang(c.Value)
	}
	if op != nil && i18n.Lang(op.Locale).Valid() {
		return i18n.Lang(op.Locale)
	}
	return h.Catalog.Match(r.Header.Get("Accept-Language"), h.def)
}
