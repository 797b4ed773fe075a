package web

import (
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/i18n"
)

const (
	sessionCookie = "garde_session"
	langCookie    = "garde_lang"
	flashCookie   = "garde_flash"
)

func (h *handler) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   h.Config.SecureCookie(),
		SameSite: http.SameSiteLaxMode,
	}
}

// setSession stores the session token in a browser-session cookie; the
// server side decides when the session expires.
func (h *handler) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, h.cookie(sessionCookie, token, 0))
}

func (h *handler) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, h.cookie(sessionCookie, "", -1))
}

// setLang remembers the switch's choice in this browser for a year.
func (h *handler) setLang(w http.ResponseWriter, l i18n.Lang) {
	http.SetCookie(w, h.cookie(langCookie, string(l), int((365*24*time.Hour).Seconds())))
}
