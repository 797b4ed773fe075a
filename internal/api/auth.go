package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/garde-privacy/garde/internal/operator"
)

// authenticate is the one place tokens and scopes are checked. It reads the
// scopes from the operation's security requirement, the same data the
// OpenAPI document shows, so what is documented is what is enforced.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	scopes, secured := requiredScopes(ctx.Operation())
	if !secured {
		next(ctx)
		return
	}
	st := stateFrom(ctx.Context())
	raw, ok := bearerToken(ctx.Header("Authorization"))
	if !ok {
		deny(ctx, st, NewError(http.StatusUnauthorized, CodeMissingToken), `Bearer realm="garde"`)
		return
	}
	tok, err := s.Operators.AuthenticateToken(ctx.Context(), raw)
	if errors.Is(err, operator.ErrInvalidToken) {
		deny(ctx, st, NewError(http.StatusUnauthorized, CodeInvalidToken), `Bearer realm="garde", error="invalid_token"`)
		return
	}
	if err != nil {
		deny(ctx, st, Internal(err), "")
		return
	}
	for _, scope := range scopes {
		if !tok.Allows(scope) {
			deny(ctx, st, NewError(http.StatusForbidden, CodeInsufficientScope, map[string]any{"Scope": scope}),
				`Bearer realm="garde", error="insufficient_scope", scope="`+scope+`"`)
			return
		}
	}
	if st != nil {
		st.token = tok
	}
	next(ctx)
}

// bearerToken extracts the token of an "Authorization: Bearer …" header
// (the scheme is case-insensitive, RFC 9110). Any other scheme counts as no
// token at all.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// deny answers a request the token check refused, with the RFC 6750
// WWW-Authenticate challenge.
func deny(ctx huma.Context, st *state, e *Error, challenge string) {
	if challenge != "" {
		ctx.SetHeader("WWW-Authenticate", challenge)
	}
	body := errorJSON(st, e)
	ctx.SetHeader("Content-Type", "application/json")
	if st != nil {
		ctx.SetHeader("Content-Language", string(st.lz.Lang))
	}
	ctx.SetStatus(e.status)
	ctx.BodyWriter().Write(body)
}
