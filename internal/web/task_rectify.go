package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/requests"
)

// rectifyRows is how many field → value rows the form shows.
const rectifyRows = 5

// rectifyRow is one field → new value row of the form.
type rectifyRow struct {
	N                int
	FieldID, ValueID string
	Field, Value     string
	FieldErr         string
}

// taskRectifyShow shows the form where an agent enters what a
// rectification task corrects.
func (h *handler) taskRectifyShow(w http.ResponseWriter, r *http.Request) {
	h.renderRectify(w, r, http.StatusOK, h.newPage(w, r, "requests"))
}

func (h *handler) renderRectify(w http.ResponseWriter, r *http.Request, status int, p *page) {
	st := h.stateOf(r)
	id, taskID := r.PathValue("id"), r.PathValue("task")
	rf, err := h.Fulfil.RectifyForm(r.Context(), requests.OperatorActor(st.op), id, taskID)
	if err != nil {
		h.rectifyFailed(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = &form{Values: map[string]string{}}
	}
	rows := make([]rectifyRow, rectifyRows)
	for i := range rows {
		n := strconv.Itoa(i + 1)
		rows[i] = rectifyRow{N: i + 1, FieldID: "rectify-field-" + n, ValueID: "rectify-value-" + n}
		rows[i].Field, rows[i].Value = p.FormVal(rows[i].FieldID), p.FormVal(rows[i].ValueID)
		rows[i].FieldErr = p.FormErr(rows[i].FieldID)
	}
	p.Path = requestPath(id) + "/tasks/" + taskID + "/rectify"
	p.V["Form"] = rf
	p.V["Rows"] = rows
	p.V["RequestID"] = id
	p.V["Pending"] = strings.Join(rf.Pending, ", ")
	h.render(w, r, status, "task_rectify", p)
}

// rectifyFailed answers a request for the form that cannot be served.
func (h *handler) rectifyFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, requests.ErrNotFound), errors.Is(err, requests.ErrTaskNotFound):
		h.notFound(w, r)
	case errors.Is(err, requests.ErrForbidden):
		h.forbidden(w, r)
	default:
		// A task that takes no corrections (any more): the request page
		// says why.
		h.requestFailed(w, r, nil, "tasks-title", err)
	}
}

// taskRectifySave saves the corrections and starts the task's job.
func (h *handler) taskRectifySave(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "requests")
	id, taskID := r.PathValue("id"), r.PathValue("task")
	f := &form{Values: map[string]string{}}
	var changes []run.FieldChange
	for i := 1; i <= rectifyRows; i++ {
		n := strconv.Itoa(i)
		field := r.PostFormValue("field_" + n)
		value := r.PostFormValue("value_" + n)
		f.Values["rectify-field-"+n], f.Values["rectify-value-"+n] = field, value
		changes = append(changes, run.FieldChange{Field: field, Value: value})
	}
	p.Form = f
	err := h.Fulfil.Rectify(r.Context(), requests.OperatorActor(st.op), id, taskID, changes)
	if err == nil {
		h.setFlash(w, "ok", "fulfil.rectify.flash")
		seeOther(w, r, requestPath(id))
		return
	}
	le, ok := asLocalized(err)
	if !ok || errors.Is(err, run.ErrNotRectifiable) {
		h.rectifyFailed(w, r, err)
		return
	}
	// The error goes next to the row it names, else the first.
	target := "rectify-field-1"
	if name, _ := le.Data["Field"].(string); name != "" {
		for i := 1; i <= rectifyRows; i++ {
			if k := "rectify-field-" + strconv.Itoa(i); f.Values[k] == name {
				target = k
				break
			}
		}
	}
	f.add(target, p.Msg(err))
	h.renderRectify(w, r, http.StatusUnprocessableEntity, p)
}
