package web

import (
	"net/http"
	"strconv"

	"github.com/garde-privacy/garde/internal/inventory"
)

// qCookieRow is a cookie as the step lists it.
type qCookieRow struct {
	Index                         int
	Name, Provider, Purpose, Days string
}

func (h *handler) qCookiesShow(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "cookies", inv, base)
	p.Form = &form{Values: map[string]string{"purpose": "necessary"}, Picked: map[string]bool{}}
	h.renderQCookies(w, r, http.StatusOK, p, inv)
}

func (h *handler) renderQCookies(w http.ResponseWriter, r *http.Request, status int, p *page, inv *inventory.Inventory) {
	var rows []qCookieRow
	for i, c := range inv.Cookies {
		rows = append(rows, qCookieRow{Index: i, Name: c.Name, Provider: c.Provider,
			Purpose: p.T("inventory.cookie_purpose." + c.Purpose), Days: strconv.Itoa(c.DurationDays)})
	}
	p.V["Cookies"] = rows
	p.V["Purposes"] = qChoices("purpose", inventory.CookiePurposes, func(v string) string { return p.T("inventory.cookie_purpose." + v) },
		map[string]bool{p.Form.Values["purpose"]: true})
	h.render(w, r, status, "inventory_q_cookies", p)
}

func (h *handler) qCookieAdd(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if inv == nil {
		seeOther(w, r, qPaths[0].path)
		return
	}
	p := h.qPage(w, r, "cookies", inv, base)
	f := newForm(r, "name", "provider", "purpose", "days")
	p.Form = f
	v := f.Values
	requireFields(p, f, "q-cookie-name", "inventory.q.cookie.name", v["name"])
	if !containsStr(inventory.CookiePurposes, v["purpose"]) {
		f.add("q-purpose-necessary", p.T("inventory.q.cookie.purpose_required"))
	}
	days := 0
	if v["days"] != "" {
		n, err := strconv.Atoi(v["days"])
		if err != nil || n < 0 || n > 36500 {
			f.add("q-days", p.T("inventory.q.cookie.bad_days"))
		}
		days = n
	}
	if f.ok() {
		inv.Cookies = append(inv.Cookies, inventory.Cookie{Name: v["name"], Provider: v["provider"], Purpose: v["purpose"], DurationDays: days})
		if h.qSave(w, r, p, f, "q-cookie-name", inv, "inventory.q.flash.saved", "/inventory/questionnaire/cookies") {
			return
		}
		inv.Cookies = inv.Cookies[:len(inv.Cookies)-1]
	}
	h.renderQCookies(w, r, http.StatusUnprocessableEntity, p, inv)
}

func (h *handler) qCookieDelete(w http.ResponseWriter, r *http.Request) {
	inv, base, err := h.qLoad(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	i, perr := strconv.Atoi(r.PathValue("index"))
	if inv == nil || perr != nil || i < 0 || i >= len(inv.Cookies) {
		h.notFound(w, r)
		return
	}
	inv.Cookies = append(inv.Cookies[:i:i], inv.Cookies[i+1:]...)
	p := h.qPage(w, r, "cookies", inv, base)
	f := &form{Values: map[string]string{}, Picked: map[string]bool{}}
	p.Form = f
	if !h.qSave(w, r, p, f, "q-cookie-name", inv, "inventory.q.flash.deleted", "/inventory/questionnaire/cookies") {
		h.renderQCookies(w, r, http.StatusUnprocessableEntity, p, inv)
	}
}
