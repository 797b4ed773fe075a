package web

import (
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// taskRerun runs a failed automatic task of the request again, once its
// cause is fixed.
func (h *handler) taskRerun(w http.ResponseWriter, r *http.Request) {
	taskID := r.PathValue("task")
	h.requestAction(w, r, nil, "fulfil.rerun.flash", "task-rerun-"+taskID, nil, func(a requests.Actor, id string) error {
		return h.Fulfil.Rerun(r.Context(), a, id, taskID)
	})
}
