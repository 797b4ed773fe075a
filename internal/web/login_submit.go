package web

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"

	"github.com/garde-privacy/garde/internal/operator"
)

// loginSubmit checks the credentials, opens a session and goes to the page
// that asked for it (a local path only).
func (h *handler) loginSubmit(w http.ResponseWriter, r *http.Request) {
	p := h.newPage(w, r, "")
	f := newForm(r, "email")
	p.Form = f
	next := localPath(r.PostFormValue("next"))
	p.V["Next"] = next
	p.Path = "/login"
	if next != "" {
		p.Path += "?next=" + url.QueryEscape(next)
	}
	password := r.PostFormValue("password")
	requireFields(p, f, "login-email", "web.field.email", f.Values["email"], "login-password", "web.field.password", password)
	if !f.ok() {
		h.render(w, r, http.StatusUnprocessableEntity, "login", p)
		return
	}
	token, _, err := h.Operators.Login(r.Context(), f.Values["email"], password, h.clientMeta(r))
	switch {
	case errors.Is(err, operator.ErrThrottled):
		f.add("login-email", p.T("web.login.throttled"))
		h.render(w, r, http.StatusTooManyRequests, "login", p)
		return
	case errors.Is(err, operator.ErrInvalidCredentials):
		f.add("login-email", p.T("web.login.invalid"))
		h.render(w, r, http.StatusUnauthorized, "login", p)
		return
	case err != nil:
		if _, ok := asLocalized(err); ok {
			f.addErr(p, err, "login-email", "login-password")
			h.render(w, r, http.StatusUnprocessableEntity, "login", p)
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.setSession(w, token)
	seeOther(w, r, orHome(next))
}

// clientMeta describes the browser for the session list, the login
// throttle and the audit log. Behind a trusted reverse proxy the address is
// the client's, taken from X-Forwarded-For as the privacy centre does.
func (h *handler) clientMeta(r *http.Request) operator.ClientMeta {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := host
	if peer, err := netip.ParseAddr(host); err == nil && trusted(peer.Unmap(), h.Config.TrustedProxies) {
		ip = forwardedFor(r, peer.Unmap(), h.Config.TrustedProxies).String()
	}
	return operator.ClientMeta{IP: ip, UserAgent: r.UserAgent()}
}
