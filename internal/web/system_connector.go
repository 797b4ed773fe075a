package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// registerSystemConnector serves the page where an admin gives an automatic
// system its dataset and connection URL.
func (h *handler) registerSystemConnector(mux *http.ServeMux) {
	if h.Requests == nil || h.Fulfil == nil {
		return
	}
	mux.Handle("GET /systems/{id}/connector", h.requireRole(operator.Admin, h.connectorShow))
	mux.Handle("POST /systems/{id}/connector", h.requireRole(operator.Admin, h.connectorSave))
	mux.Handle("POST /requests/{id}/tasks/{task}/rerun", h.requireRole(operator.Agent, h.taskRerun))
	mux.Handle("GET /requests/{id}/tasks/{task}/rectify", h.requireRole(operator.Agent, h.taskRectifyShow))
	mux.Handle("POST /requests/{id}/tasks/{task}/rectify", h.requireRole(operator.Agent, h.taskRectifySave))
}

func (h *handler) connectorShow(w http.ResponseWriter, r *http.Request) {
	h.renderConnector(w, r, http.StatusOK, h.newPage(w, r, "systems"))
}

func (h *handler) renderConnector(w http.ResponseWriter, r *http.Request, status int, p *page) {
	sys, err := h.Requests.GetSystem(r.Context(), r.PathValue("id"))
	if errors.Is(err, requests.ErrSystemNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	c, err := h.Fulfil.Connector(r.Context(), sys.ID)
	if err != nil && !errors.Is(err, run.ErrNoConnector) {
		h.serverError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = &form{Values: map[string]string{"connector-kind": run.KindDatabase}}
		if c != nil {
			p.Form.Values["connector-dataset"] = c.Dataset
			p.Form.Values["connector-kind"] = c.Kind
		}
	}
	p.Path = "/systems/" + sys.ID + "/connector"
	p.V["System"] = sys
	p.V["Connector"] = c
	p.V["Automatic"] = sys.Kind == requests.SystemAutomatic
	p.V["HTTP"] = p.Form.Values["connector-kind"] == run.KindHTTP
	p.V["Saved"] = map[string]bool{
		run.KindDatabase: c != nil && c.Kind == run.KindDatabase,
		run.KindHTTP:     c != nil && c.Kind == run.KindHTTP,
	}
	h.render(w, r, status, "system_connector", p)
}

func (h *handler) connectorSave(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "systems")
	f := formByID(r, "connector-kind", "kind", "connector-dataset", "dataset", "connector-url", "url",
		"connector-endpoint", "endpoint", "connector-secret", "secret")
	// The dataset is YAML: keep its indentation as typed.
	f.Values["connector-dataset"] = strings.TrimRight(r.PostFormValue("dataset"), " \t\r\n")
	if f.Values["connector-kind"] == "" {
		f.Values["connector-kind"] = run.KindDatabase
	}
	p.Form = f
	c, err := h.Fulfil.SetConnector(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"), run.ConnectorInput{
		Kind: f.Values["connector-kind"], Dataset: f.Values["connector-dataset"], URL: f.Values["connector-url"],
		Endpoint: f.Values["connector-endpoint"], Secret: f.Values["connector-secret"], NewSecret: r.PostFormValue("new_secret") != ""})
	// The URL may hold a password, the secret is one: neither is written
	// back into the page.
	delete(f.Values, "connector-url")
	delete(f.Values, "connector-secret")
	if err == nil && c.Secret != "" {
		// The secret Garde made is shown this once (pages are not cached).
		p.Form = nil
		p.V["Secret"] = c.Secret
		h.renderConnector(w, r, http.StatusOK, p)
		return
	}
	if err == nil {
		h.setFlash(w, "ok", "fulfil.connector.saved")
		seeOther(w, r, "/systems/"+r.PathValue("id")+"/connector")
		return
	}
	var bad *run.InvalidDataset
	switch {
	case errors.Is(err, requests.ErrSystemNotFound):
		h.notFound(w, r)
		return
	case errors.Is(err, requests.ErrForbidden):
		h.forbidden(w, r)
		return
	case errors.As(err, &bad):
		f.add("connector-dataset", bad.Localize(p.lz))
	default:
		le, ok := asLocalized(err)
		if !ok {
			h.serverError(w, r, err)
			return
		}
		field := "connector-dataset"
		switch {
		case strings.HasPrefix(le.ID, "fulfil.error.url"):
			field = "connector-url"
		case strings.HasPrefix(le.ID, "fulfil.error.endpoint"):
			field = "connector-endpoint"
		case strings.HasPrefix(le.ID, "fulfil.error.secret"):
			field = "connector-secret"
		case le.ID == run.ErrKind.ID:
			field = "connector-kind"
		}
		f.add(field, p.Msg(err))
	}
	h.renderConnector(w, r, http.StatusUnprocessableEntity, p)
}
