package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// systemForm reads the system form, keyed by input id.
func systemForm(r *http.Request) (*form, requests.SystemInput) {
	f := formByID(r, "system-name", "name", "system-owner", "owner_email", "system-kind", "kind",
		"system-description", "description", "system-active", "active")
	in := requests.SystemInput{
		Name:        f.Values["system-name"],
		OwnerEmail:  f.Values["system-owner"],
		Kind:        requests.SystemKind(f.Values["system-kind"]),
		Description: f.Values["system-description"],
		Active:      f.Values["system-active"] != "",
	}
	return f, in
}

// systemFailed ties a service error to its input and says whether the
// form should be shown again (false: the answer was already written).
func (h *handler) systemFailed(w http.ResponseWriter, r *http.Request, p *page, f *form, err error) bool {
	switch {
	case errors.Is(err, requests.ErrSystemNotFound):
		h.notFound(w, r)
		return false
	case errors.Is(err, requests.ErrForbidden):
		h.forbidden(w, r)
		return false
	}
	le, ok := asLocalized(err)
	if !ok {
		h.serverError(w, r, err)
		return false
	}
	f.add(errField(err, "system-name", "owner", "system-owner", "kind", "system-kind", "description", "system-description"),
		requestMsg(p, le))
	return true
}
