package api

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/garde-privacy/garde/internal/operator"
)

// resources lists the register function of every resource file. A new
// resource adds its file and one line here.
var resources = []func(*Server){
	registerMe,
	registerOperators,
	registerAudit,
	registerMail,
	registerRequests,
	registerBreaches,
	registerConsent,
	registerInventory,
	registerSuppress,
}

// Values of Route.Scope besides the operator.Scope* names.
const (
	// Public endpoints need no token.
	Public = "public"
	// AnyToken endpoints need a valid token, whatever its scopes.
	AnyToken = "any-token"
)

// Route declares one endpoint. Every field but MaxBodyBytes is required:
// Register panics on a missing one, so a mistake stops start-up (and the
// tests) instead of shipping an undocumented or unguarded endpoint.
type Route struct {
	ID          string // operationId, verb-noun: "list-operators"
	Method      string // http.MethodGet…
	Path        string // below /api/v1, with {name} path parameters: "/operators/{id}"
	Tag         string // the resource, groups operations in the document
	Summary     string // one line
	Description string // optional longer text
	// Scope the token must carry (operator.Scope*), or AnyToken, or Public.
	// It becomes the operation's security requirement in the document, and
	// the authenticate middleware enforces exactly what the document says.
	Scope string
	// MaxBodyBytes caps the request body (huma's default, 1 MiB, when 0).
	MaxBodyBytes int64
}

// Register adds an endpoint. I is the input struct (path:"…", query:"…",
// header:"…" fields and a Body field, validated from their tags before h
// runs); O is the output struct with a Body field. h returns an *Error
// (NewError, DomainError, Internal) or a domain *i18n.Error (sent as a 422);
// any other error is logged and sent as a 500 "internal".
func Register[I, O any](s *Server, r Route, h func(context.Context, *I) (*O, error)) {
	if r.ID == "" || r.Method == "" || r.Path == "" || r.Tag == "" || r.Summary == "" {
		panic(fmt.Sprintf("api: route %s %s: ID, Method, Path, Tag and Summary are required", r.Method, r.Path))
	}
	op := huma.Operation{
		OperationID:  r.ID,
		Method:       r.Method,
		Path:         r.Path,
		Tags:         []string{r.Tag},
		Summary:      r.Summary,
		Description:  r.Description,
		MaxBodyBytes: r.MaxBodyBytes,
	}
	switch r.Scope {
	case Public:
		// No security requirement; an explicit empty list says so in the document.
		op.Security = []map[string][]string{}
	case AnyToken:
		op.Security = []map[string][]string{{securityScheme: {}}}
		op.Errors = []int{http.StatusUnauthorized}
	default:
		if !knownScope(r.Scope) {
			panic(fmt.Sprintf("api: route %s: unknown scope %q", r.ID, r.Scope))
		}
		op.Security = []map[string][]string{{securityScheme: {r.Scope}}}
		op.Errors = []int{http.StatusUnauthorized, http.StatusForbidden}
	}
	if _, ok := reflect.TypeFor[I]().FieldByName("Body"); ok {
		op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if len(op.Errors) == 0 {
		// huma adds 422 and 500 only to a non-empty list.
		op.Errors = []int{http.StatusInternalServerError}
	}
	huma.Register(s.api, op, h)
}

func knownScope(name string) bool {
	return slices.ContainsFunc(operator.Scopes, func(s struct{ Name, Help string }) bool { return s.Name == name })
}

// requiredScopes reads an operation's security requirement: secured is false
// for a public operation; scopes lists what the token must carry.
func requiredScopes(op *huma.Operation) (scopes []string, secured bool) {
	for _, req := range op.Security {
		if s, ok := req[securityScheme]; ok {
			return s, true
		}
	}
	return nil, false
}
