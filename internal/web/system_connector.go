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
		p.Form = &form{Values: map[string]string{}}
		if c != nil {
			p.Form.Values["connector-dataset"] = c.Dataset
		}
	}
	p.Path = "/systems/" + sys.ID + "/connector"
	p.V["System"] = sys
	p.V["Connector"] = c
	p.V["Automatic"] = sys.Kind == requests.SystemAutomatic
	h.render(w, r, status, "system_connector", p)
}

func (h *handler) connectorSave(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "systems")
	f := formByID(r, "connector-dataset", "dataset", "connector-url", "url")
	// The dataset is YAML: keep its indentation as typed.
	f.Values["connector-dataset"] = strings.TrimRight(r.PostFormValue("dataset"), " \t\r\n")
	p.Form = f
	_, err := h.Fulfil.SetConnector(r.Context(), requests.OperatorActor(st.op), r.PathValue("id"),
		run.ConnectorInput{Dataset: f.Values["connector-dataset"], URL: f.Values["connector-url"]})
	// The URL may hold a password: it is never written back into the page.
	delete(f.Values, "connector-url")
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
		if strings.HasPrefix(le.ID, "fulfil.error.url") {
			field = "connector-url"
		}
		f.add(field, p.Msg(err))
	}
	h.renderConnector(w, r, http.StatusUnprocessableEntity, p)
}
