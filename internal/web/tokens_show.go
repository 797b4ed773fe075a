package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// tokensShow lists the API tokens and the form that creates one.
func (h *handler) tokensShow(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "tokens")
	h.renderTokens(w, r, http.StatusOK, p)
}

func (h *handler) renderTokens(w http.ResponseWriter, r *http.Request, status int, p *page) {
	tokens, err := h.Operators.ListTokens(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p.V["Tokens"] = tokens
	p.V["Scopes"] = scopeChoices(p)
	p.V["ScopesField"] = scopesField
	h.render(w, r, status, "tokens", p)
}

// scopesField is the input the scopes' errors link to: the first checkbox.
var scopesField = "scope-" + scopeKey(operator.Scopes[0].Name)

type scopeChoice struct {
	Name, ID, Label string
	Checked         bool
}

// scopeChoices are the create form's checkboxes, ticked as submitted.
func scopeChoices(p *page) []scopeChoice {
	var picked map[string]bool
	if p.Form != nil {
		picked = p.Form.Picked
	}
	out := make([]scopeChoice, 0, len(operator.Scopes))
	for _, s := range operator.Scopes {
		out = append(out, scopeChoice{
			Name:    s.Name,
			ID:      "scope-" + scopeKey(s.Name),
			Label:   p.T("scope." + s.Name),
			Checked: picked[s.Name],
		})
	}
	return out
}

// scopeKey turns "audit:read" into "audit_read" for ids and message IDs.
func scopeKey(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == ':' {
			b[i] = '_'
		}
	}
	return string(b)
}
