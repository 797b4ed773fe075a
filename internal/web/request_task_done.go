package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// requestTaskDone marks a manual task of the request done, with an
// optional note, for an owner who answered by other means.
func (h *handler) requestTaskDone(w http.ResponseWriter, r *http.Request) {
	taskID := r.PathValue("task")
	field := "task-note-" + taskID
	f := formByID(r, field, "note")
	h.requestAction(w, r, f, "web.requests.flash.task_done", field, nil, func(a requests.Actor, id string) error {
		// The task must belong to this request: a task ID from another
		// request in this URL is unknown here.
		tasks, err := h.Requests.Tasks(r.Context(), id)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.ID == taskID {
				return h.Requests.CompleteTask(r.Context(), a, taskID, f.Values[field])
			}
		}
		return requests.ErrNotFound
	})
}
