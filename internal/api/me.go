package api

import (
	"context"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
)

// TokenInfo describes an API token (never its secret).
type TokenInfo struct {
	ID         string     `json:"id" doc:"Token ID; audit entries name it as token:<id>."`
	Name       string     `json:"name" doc:"What the token is for, as given at creation."`
	Scopes     []string   `json:"scopes" nullable:"false" doc:"Scopes the token carries; admin grants every scope."`
	OperatorID string     `json:"operator_id,omitempty" doc:"Operator who created it; absent when created from the command line."`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at" doc:"When it stops working; null if it never expires."`
	LastUsedAt *time.Time `json:"last_used_at" doc:"Last use, to the minute; null if never used."`
}

func tokenInfo(t *operator.Token) TokenInfo {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return TokenInfo{
		ID: t.ID, Name: t.Name, Scopes: scopes, OperatorID: t.OperatorID,
		CreatedAt: t.CreatedAt.UTC(), ExpiresAt: utc(t.ExpiresAt), LastUsedAt: utc(t.LastUsedAt),
	}
}

func registerMe(s *Server) {
	Register(s, Route{
		ID: "get-me", Method: http.MethodGet, Path: "/me", Tag: "Tokens", Scope: AnyToken,
		Summary:     "Describe the calling token",
		Description: "Returns the token that authenticated the request: a cheap way to check a token works and what it may do.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body TokenInfo }, error) {
		return &struct{ Body TokenInfo }{Body: tokenInfo(Token(ctx))}, nil
	})
}

// utc returns t in UTC (nil stays nil), so every time reads as RFC 3339 with Z.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
