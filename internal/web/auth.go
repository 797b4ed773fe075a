package web

import (
	"net/http"
	"net/url"

	"github.com/garde-privacy/garde/internal/operator"
)

// requireRole lets a request through only for a signed-in operator holding
// at least min. Without a session a page asks to sign in (303 to /login,
// coming back afterwards); a form post gets a 401 page, since its data
// cannot survive the detour. The wrong role gets a 403 page.
func (h *handler) requireRole(min operator.Role, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := h.stateOf(r)
		if st.op == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				if st.expired {
					h.setFlash(w, "err", "web.flash.session_expired")
				}
				seeOther(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			h.renderProblem(w, r, http.StatusUnauthorized, "web.problem.unauthorized.title", "web.problem.unauthorized.text")
			return
		}
		if !st.op.Role.AtLeast(min) {
			h.forbidden(w, r)
			return
		}
		next(w, r)
	})
}

// mayTouchOwner reports whether the operator may give, change or take away
// the owner role: only owners may, or an admin could make themselves an
// owner through a second account.
func mayTouchOwner(actor *operator.Operator, roles ...operator.Role) bool {
	if actor.Role == operator.Owner {
		return true
	}
	for _, r := range roles {
		if r == operator.Owner {
			return false
		}
	}
	return true
}

// actor names the signed-in operator in the audit log.
func actor(op *operator.Operator) string { return operator.ActorOf(op.ID) }
