package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/requests"
)

// requestCompose is the reply composer: the agent picks a template (a GET
// form, no script), Garde fills it in the person's language, and the text
// goes into the same reply form as on the request's page, to be edited and
// sent.
func (h *handler) requestCompose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, err := h.Requests.Get(ctx, r.PathValue("id"))
	if errors.Is(err, requests.ErrNotFound) || (err == nil && req.PurgedAt != nil) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	list, err := h.Requests.ReplyTemplates(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	p := h.newPage(w, r, "requests")
	status := http.StatusOK
	chosen := strings.TrimSpace(r.URL.Query().Get("template"))
	f := &form{Values: map[string]string{"compose-template": chosen}}
	if chosen != "" {
		body, err := h.Requests.RenderReplyTemplate(ctx, chosen, req.ID)
		switch le, ok := asLocalized(err); {
		case err == nil:
			f.Values["reply-body"] = body
		case errors.Is(err, requests.ErrReplyTemplateNotFound):
			// A deleted template, or a link typed by hand.
			f.add("compose-template", requestMsg(p, le))
			status = http.StatusBadRequest
		case ok && errors.Is(err, requests.ErrNotFound):
			h.notFound(w, r)
			return
		default:
			h.serverError(w, r, err)
			return
		}
	}
	p.Form = f
	lang := req.Language
	if !lang.Valid() {
		lang = i18n.EN
	}
	p.V["Req"] = req
	p.V["Language"] = p.T("web.compose.language." + string(lang))
	p.V["Templates"] = composeChoices(p, req.Type, list)
	p.V["CanReply"] = req.VerifiedAt != nil
	h.render(w, r, status, "request_compose", p)
}

// composeChoices lists the templates for the select: those meant for the
// request's kind first, then those for any request, then the rest, each
// group by name.
func composeChoices(p *page, typ requests.Type, list []requests.ReplyTemplate) []choice {
	rank := func(t requests.ReplyTemplate) int {
		switch t.RequestType {
		case typ:
			return 0
		case "":
			return 1
		}
		return 2
	}
	sorted := slices.Clone(list)
	slices.SortStableFunc(sorted, func(a, b requests.ReplyTemplate) int { return rank(a) - rank(b) })
	out := make([]choice, 0, len(sorted))
	for _, t := range sorted {
		label := t.Name
		if t.RequestType != "" {
			label += " (" + p.T(t.RequestType.LabelID()) + ")"
		}
		out = append(out, choice{Value: t.ID, Label: label})
	}
	return out
}
