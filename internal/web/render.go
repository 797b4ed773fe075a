package web

import (
	"net/http"
)

// render writes a page with a status code.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	body, err := h.views.render(name, p)
	if err != nil {
		h.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// renderProblem shows a page explaining why the request cannot be served.
func (h *handler) renderProblem(w http.ResponseWriter, r *http.Request, status int, titleID, msgID string) {
	p := h.newPage(w, r, "")
	p.V["Title"] = p.T(titleID)
	p.V["Message"] = p.T(msgID)
	p.V["Status"] = status
	h.render(w, r, status, "problem", p)
}

// serverError logs an unexpected failure and shows a page without details.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.Log.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.renderProblem(w, r, http.StatusInternalServerError, "web.problem.server.title", "web.problem.server.text")
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderProblem(w, r, http.StatusNotFound, "web.problem.notfound.title", "web.problem.notfound.text")
}

func (h *handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.renderProblem(w, r, http.StatusForbidden, "web.problem.forbidden.title", "web.problem.forbidden.text")
}

func (h *handler) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	h.Log.Warn("web: cross-origin request refused", "method", r.Method, "path", r.URL.Path,
		"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	h.renderProblem(w, r, http.StatusForbidden, "web.problem.crossorigin.title", "web.problem.crossorigin.text")
}

// seeOther ends a POST with a redirect to a GET page (no resubmission on reload).
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
