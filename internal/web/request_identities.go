package web

import (
	"context"
	"net/http"
	"time"

	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// The identities section of a request page: the identities an agent added
// besides the verified email, and the form to add one once the person's
// identity is confirmed. Its inputs start with "identities-".

// customKey is the key choice that reads the key from its own input.
const customKey = "custom"

// registerRequestIdentities serves the section's forms.
func (h *handler) registerRequestIdentities(mux *http.ServeMux) {
	if h.Requests == nil {
		return
	}
	mux.Handle("POST /requests/{id}/identities", h.requireRole(operator.Agent, h.requestIdentityAdd))
	mux.Handle("POST /requests/{id}/identities/{key}/remove", h.requireRole(operator.Agent, h.requestIdentityRemove))
}

type identityRow struct {
	Key, Label, Value, Method, Note, By string
	At                                  time.Time
}

type identitiesView struct {
	ReqID   string
	Items   []identityRow
	Add     bool
	Remove  bool
	Keys    []choice
	Methods []choice
}

// identitiesSection fills the section once the request is verified.
func (h *handler) identitiesSection(ctx context.Context, p *page, req *requests.Request) error {
	if req.VerifiedAt == nil || req.PurgedAt != nil {
		return nil
	}
	ids, err := h.Requests.Identities(ctx, req.ID)
	if err != nil {
		return err
	}
	v := &identitiesView{ReqID: req.ID}
	agent := p.Can(operator.Agent) && req.Open()
	v.Remove = agent && len(ids) > 0
	v.Add = agent && req.State != requests.StateIdentityCheck && len(ids) < requests.MaxIdentities
	for _, i := range ids {
		v.Items = append(v.Items, identityRow{Key: i.Key, Label: identityLabel(p, i.Key), Value: i.Value,
			Method: p.T(i.Method.LabelID()), Note: i.Note, By: h.operatorName(ctx, i.AddedBy), At: i.AddedAt})
	}
	for _, k := range requests.IdentityKeys {
		v.Keys = append(v.Keys, choice{k, p.T(requests.IdentityKeyLabelID(k))})
	}
	v.Keys = append(v.Keys, choice{customKey, p.T("identities.key.custom_choice")})
	for _, m := range requests.IdentityMethods {
		v.Methods = append(v.Methods, choice{string(m), p.T(m.LabelID())})
	}
	p.V["Identities"] = v
	return nil
}

// identityLabel names a key: the offered ones by name, the others as
// themselves after the generic label.
func identityLabel(p *page, key string) string {
	id := requests.IdentityKeyLabelID(key)
	if id == "identities.key.custom" {
		return p.T(id, "Key", key)
	}
	return p.T(id)
}

// operatorName shows who added an identity ("operator:ID" as the name).
func (h *handler) operatorName(ctx context.Context, actor string) string {
	if h.Operators == nil {
		return actor
	}
	const prefix = "operator:"
	if len(actor) > len(prefix) && actor[:len(prefix)] == prefix {
		if o, err := h.Operators.Get(ctx, actor[len(prefix):]); err == nil {
			return o.Name
		}
	}
	return actor
}

func (h *handler) requestIdentityAdd(w http.ResponseWriter, r *http.Request) {
	// The text inputs are named as their ids: the field partial shows a
	// value again by name.
	f := formByID(r, "identities-key", "key", "identities-custom", "identities-custom", "identities-value", "identities-value",
		"identities-method", "method", "identities-note", "note")
	key := f.Values["identities-key"]
	def := "identities-value"
	if key == customKey {
		key = f.Values["identities-custom"]
		def = "identities-custom"
	} else if key == "" {
		def = "identities-key"
	}
	pairs := []string{"method", "identities-method", "key", def, "duplicate", def, "reason", "identities-note",
		"not_verified", "identities-title", "too_many", "identities-title", "closed", "identities-title"}
	h.requestAction(w, r, f, "identities.web.added", "identities-value", pairs, func(a requests.Actor, id string) error {
		_, err := h.Requests.AddIdentity(r.Context(), a, id, requests.IdentityInput{
			Key: key, Value: f.Values["identities-value"], Method: requests.IdentityMethod(f.Values["identities-method"]),
			Note: f.Values["identities-note"]})
		return err
	})
}

func (h *handler) requestIdentityRemove(w http.ResponseWriter, r *http.Request) {
	h.requestAction(w, r, nil, "identities.web.removed", "identities-title", nil, func(a requests.Actor, id string) error {
		return h.Requests.RemoveIdentity(r.Context(), a, id, r.PathValue("key"))
	})
}

// statusIdentities are the added identities as the person's status page
// shows them.
func statusIdentities(p *page, ids []requests.Identity) []identityRow {
	var out []identityRow
	for _, i := range ids {
		out = append(out, identityRow{Key: i.Key, Label: identityLabel(p, i.Key), Value: i.Value, Method: p.T(i.Method.LabelID())})
	}
	return out
}
