package api

import (
	"context"
	"log/slog"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/operator"
)

type stateKey struct{}

// state is what the API knows about a request beyond the request itself.
// It is created once per request by the outer handler; the token check
// fills in the token.
type state struct {
	requestID string
	lz        *i18n.Localizer
	log       *slog.Logger
	token     *operator.Token
}

func stateFrom(ctx context.Context) *state {
	s, _ := ctx.Value(stateKey{}).(*state)
	return s
}

// Token returns the API token that authenticated the request, or nil on a
// public endpoint.
func Token(ctx context.Context) *operator.Token {
	if s := stateFrom(ctx); s != nil {
		return s.token
	}
	return nil
}

// Actor is the audit actor of the request: "token:<id>" for the token that
// made it. Endpoints that change something record their audit entry with it.
func Actor(ctx context.Context) string {
	if t := Token(ctx); t != nil {
		return TokenActor(t.ID)
	}
	return ""
}

// TokenActor is the audit actor string of an API token.
func TokenActor(tokenID string) string { return "token:" + tokenID }

// RequestID identifies the request in the log and in internal errors.
func RequestID(ctx context.Context) string {
	if s := stateFrom(ctx); s != nil {
		return s.requestID
	}
	return ""
}

// Localizer is the request's language (from Accept-Language), for handlers
// that put translated text into a response.
func Localizer(ctx context.Context) *i18n.Localizer {
	if s := stateFrom(ctx); s != nil {
		return s.lz
	}
	return nil
}
