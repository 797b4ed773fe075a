package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/operator"
)

// setupShow shows the first-start form that creates the owner account.
func (h *handler) setupShow(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" {
		h.renderProblem(w, r, http.StatusBadRequest, "web.setup.invalid.title", "web.setup.missing.text")
		return
	}
	needs, err := h.Operators.NeedsSetup(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !needs {
		h.renderProblem(w, r, http.StatusGone, "web.setup.done.title", "web.setup.done.text")
		return
	}
	if err := h.Operators.CheckSetupToken(r.Context(), token); err != nil {
		h.setupTokenProblem(w, r, err)
		return
	}
	p := h.newPage(w, r, "")
	p.V["Token"] = token
	h.render(w, r, http.StatusOK, "setup", p)
}

// setupTokenProblem answers a setup link that cannot be used: 410 for a
// dead link (expired, used, or Garde already set up), 500 otherwise.
func (h *handler) setupTokenProblem(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, operator.ErrSetupInvalid) {
		h.renderProblem(w, r, http.StatusGone, "web.setup.invalid.title", "web.setup.invalid.text")
		return
	}
	h.serverError(w, r, err)
}
