package web

import (
	"net/http"
	"net/mail"

	"github.com/garde-privacy/garde/internal/db"
	gmail "github.com/garde-privacy/garde/internal/mail"
)

// mailTestSubmit queues the "test" email to an address, to check the SMTP
// settings end to end; its fate shows in the outbox list.
func (h *handler) mailTestSubmit(w http.ResponseWriter, r *http.Request) {
	st := h.stateOf(r)
	p := h.newPage(w, r, "mail")
	f := newForm(r, "to")
	p.Form = f
	to := f.Values["to"]
	requireFields(p, f, "test-to", "web.mail.test_to", to)
	if to != "" {
		if a, err := mail.ParseAddress(to); err != nil || a.Name != "" {
			f.add("test-to", p.T("web.mail.to_invalid"))
		}
	}
	if !f.ok() {
		h.renderMail(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	err := h.DB.InTx(r.Context(), func(tx *db.Tx) error {
		_, err := h.Outbox.Enqueue(r.Context(), tx, gmail.Message{
			To:       to,
			Lang:     st.lang,
			Template: gmail.TemplateTest,
		})
		return err
	})
	if err != nil {
		if _, ok := asLocalized(err); !ok {
			h.serverError(w, r, err)
			return
		}
		f.addErr(p, err, "test-to")
		h.renderMail(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	h.setFlash(w, "ok", "web.flash.test_queued")
	seeOther(w, r, "/mail")
}
