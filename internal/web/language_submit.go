package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/i18n"
)

// languageSubmit is the language switch: the choice is kept in a cookie for
// this browser and, for a signed-in operator, saved on the account so any
// other browser they sign in from follows it.
func (h *handler) languageSubmit(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Lang(r.PostFormValue("lang"))
	back := localPath(r.PostFormValue("next"))
	if back == "" {
		back = refererPath(r)
	}
	if !lang.Valid() {
		h.renderProblem(w, r, http.StatusBadRequest, "web.problem.badrequest.title", "web.lang.invalid")
		return
	}
	if st := h.stateOf(r); st.op != nil {
		if err := h.Operators.SetLocale(r.Context(), st.op.ID, lang); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.setLang(w, lang)
	seeOther(w, r, orHome(back))
}
