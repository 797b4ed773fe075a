package web

import (
	"errors"
	"net/http"

	"github.com/garde-privacy/garde/internal/requests"
)

// replyTemplateInputs pairs each field of the service with its input id.
var replyTemplateInputs = map[string]string{
	requests.FieldTemplateName:   "tpl-name",
	requests.FieldTemplateBodyEN: "tpl-body-en",
	requests.FieldTemplateBodyFR: "tpl-body-fr",
	requests.FieldTemplateBodyNL: "tpl-body-nl",
	requests.FieldTemplateType:   "tpl-type",
}

// replyTemplateForm reads the template form, keyed by input id.
func replyTemplateForm(r *http.Request) (*form, requests.ReplyTemplateInput) {
	f := formByID(r, "tpl-name", "name", "tpl-body-en", "body_en", "tpl-body-fr", "body_fr",
		"tpl-body-nl", "body_nl", "tpl-type", "request_type")
	return f, requests.ReplyTemplateInput{
		Name:        f.Values["tpl-name"],
		BodyEN:      f.Values["tpl-body-en"],
		BodyFR:      f.Values["tpl-body-fr"],
		BodyNL:      f.Values["tpl-body-nl"],
		RequestType: requests.Type(f.Values["tpl-type"]),
	}
}

// replyTemplateFailed ties a service error to its inputs and says whether
// the form should be shown again (false: the answer was already written).
func (h *handler) replyTemplateFailed(w http.ResponseWriter, r *http.Request, p *page, f *form, err error) bool {
	switch {
	case errors.Is(err, requests.ErrReplyTemplateNotFound):
		h.notFound(w, r)
		return false
	case errors.Is(err, requests.ErrForbidden):
		h.forbidden(w, r)
		return false
	}
	var fe requests.ReplyTemplateErrors
	if errors.As(err, &fe) {
		for _, field := range requests.ReplyTemplateFields {
			if le := fe[field]; le != nil {
				f.add(replyTemplateInputs[field], requestMsg(p, le))
			}
		}
		return true
	}
	le, ok := asLocalized(err)
	if !ok {
		h.serverError(w, r, err)
		return false
	}
	f.add("tpl-name", requestMsg(p, le))
	return true
}
