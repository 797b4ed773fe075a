package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/requests"
)

// suppressListShow shows the entries in force (?lifted=1: all of them),
// the check of an address and, for agents, the form adding one.
func (h *handler) suppressListShow(w http.ResponseWriter, r *http.Request) {
	h.renderSuppressList(w, r, http.StatusOK, h.newPage(w, r, "suppressions"))
}

// checkResult is the answer to "is this address on the list?".
type checkResult struct {
	Email    string
	Found    bool
	Purposes string
}

func (h *handler) renderSuppressList(w http.ResponseWriter, r *http.Request, status int, p *page) {
	ctx := r.Context()
	lifted := r.URL.Query().Get("lifted") == "1"
	entries, err := h.Suppress.List(ctx, suppress.Filter{Lifted: lifted})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var actors []string
	for _, e := range entries {
		actors = append(actors, e.LiftedBy)
	}
	names, err := h.suppressNames(ctx, p, actors)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	rows := make([]entryRow, 0, len(entries))
	for i := range entries {
		rows = append(rows, h.entryRow(p, &entries[i], names))
	}
	p.Path = "/suppressions"
	if lifted {
		p.Path += "?lifted=1"
	}
	p.V["Rows"] = rows
	p.V["Lifted"] = lifted
	p.V["Add"] = purposesField(p, "add-purposes", nil)
	if _, ok := p.V["Checked"]; !ok {
		p.V["Checked"] = (*checkResult)(nil)
	}
	h.render(w, r, status, "suppress_list", p)
}

// suppressCheck answers whether an address is on the list.
func (h *handler) suppressCheck(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "suppressions")
	p.Form = formByID(r, "check-email", "email")
	email := p.Form.Values["check-email"]
	entries, err := h.Suppress.Check(r.Context(), email)
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		p.Form.add("check-email", p.Msg(err))
		h.renderSuppressList(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	res := &checkResult{Email: strings.ToLower(email), Found: len(entries) > 0}
	if res.Found {
		res.Purposes = purposeLabels(p, suppress.Stopped(entries))
	}
	p.V["Checked"] = res
	h.renderSuppressList(w, r, http.StatusOK, p)
}

// suppressAdd puts an address on the list by an agent's decision.
func (h *handler) suppressAdd(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "suppressions")
	f := formByID(r, "add-email", "email", "add-note", "note")
	purposes := postedPurposes(r, f, "add-purposes")
	p.Form = f
	_, err := h.Suppress.AddManual(r.Context(), requests.OperatorActor(st.op).String(), suppress.ManualInput{
		Email: f.Values["add-email"], Purposes: purposes, Note: f.Values["add-note"]})
	if err == nil {
		h.setFlash(w, "ok", "suppress.web.added")
		seeOther(w, r, "/suppressions")
		return
	}
	if _, ok := asLocalized(err); !ok {
		h.serverError(w, r, err)
		return
	}
	f.add(suppressField(err, "add"), p.Msg(err))
	h.renderSuppressList(w, r, http.StatusUnprocessableEntity, p)
}

// suppressField is the input an error of the add or edit form is about.
func suppressField(err error, prefix string) string {
	le, _ := asLocalized(err)
	switch {
	case le == nil:
		return prefix + "-purposes"
	case strings.HasPrefix(le.ID, "suppress.error.email"):
		return prefix + "-email"
	case le.ID == "suppress.error.note_long":
		return prefix + "-note"
	case le.ID == "suppress.error.purpose_invalid":
		return prefix + "-purposes-other"
	}
	return prefix + "-purposes"
}

// errEntryGone reports the errors that mean the entry cannot be changed
// from this page any more.
func errEntryGone(err error) bool {
	return errors.Is(err, suppress.ErrNotFound)
}
