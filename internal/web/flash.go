package web

import (
	"net/http"
	"strings"
)

// A flash is a one-time message shown on the page a redirect leads to. The
// cookie carries only a kind and a message ID, never text, so it cannot be
// used to put arbitrary words on a page.
type flash struct {
	Kind string // "ok" or "err"
	Text string
}

func (h *handler) setFlash(w http.ResponseWriter, kind, id string) {
	http.SetCookie(w, h.cookie(flashCookie, kind+"~"+id, 60))
}

// takeFlash reads and clears the flash of the request.
func (h *handler) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, h.cookie(flashCookie, "", -1))
	kind, id, ok := strings.Cut(c.Value, "~")
	st := h.stateOf(r)
	if !ok || (kind != "ok" && kind != "err") || !h.Catalog.Has(st.lang, id) {
		return nil
	}
	return &flash{Kind: kind, Text: st.lz.T(id)}
}
