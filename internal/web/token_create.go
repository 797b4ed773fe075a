package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
)

// tokenCreate creates an API token and shows its secret, once: the
// response is not cached and the secret is stored only as a hash.
func (h *handler) tokenCreate(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "tokens")
	f := newForm(r, "name", "days")
	f.Picked = map[string]bool{}
	p.Form = f
	requireFields(p, f, "token-name", "web.tokens.name", f.Values["name"])
	var scopes []string
	known := map[string]bool{}
	for _, s := range operator.Scopes {
		known[s.Name] = true
	}
	for _, s := range r.PostForm["scopes"] {
		if !known[s] {
			f.add(scopesField, p.T("web.tokens.scope_unknown"))
			break
		}
		if !f.Picked[s] {
			f.Picked[s] = true
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 && f.Err(scopesField) == "" {
		f.add(scopesField, p.T("web.tokens.scope_required"))
	}
	var ttl time.Duration
	if d := f.Values["days"]; d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3650 {
			f.add("token-days", p.T("web.tokens.days_invalid"))
		} else {
			ttl = time.Duration(n) * 24 * time.Hour
		}
	}
	if !f.ok() {
		h.renderTokens(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	raw, tok, err := h.Operators.CreateToken(r.Context(), actor(st.op), operator.NewToken{
		Name:       f.Values["name"],
		Scopes:     scopes,
		OperatorID: st.op.ID,
		TTL:        ttl,
	})
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.addErr(p, err, "token-name", "token-days")
		h.renderTokens(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	p.Form = nil
	p.V["Created"] = tok
	p.V["Secret"] = raw
	h.renderTokens(w, r, http.StatusOK, p)
}
