package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/i18n"
)

// A request is found by its verified email. Once the person's identity is
// confirmed, an agent may add the other identities the business's systems
// know the person by (a phone number, a customer or account id, any key a
// dataset declares as fides_meta.identity), each with how it was
// confirmed; the fulfilment runs look the person up by all of them.

// Identity keys offered by the forms; any other plain key is accepted too.
const (
	IdentityPhone      = "phone_number"
	IdentityCustomerID = "customer_id"
	IdentityAccountID  = "account_id"
)

// IdentityKeys lists the offered keys in the order forms show them.
var IdentityKeys = []string{IdentityPhone, IdentityCustomerID, IdentityAccountID}

// Limits of added identities.
const (
	MaxIdentities       = 10
	MaxIdentityValueLen = 200
)

// identityKeyPattern is the shape of a dataset's identity names: lower
// case, digits and underscores.
var identityKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Errors of added identities; the ID is the stable code.
var (
	ErrIdentityKeyInvalid    = i18n.NewError("identities.error.key_invalid")
	ErrIdentityKeyEmail      = i18n.NewError("identities.error.key_email")
	ErrIdentityValueRequired = i18n.NewError("identities.error.value_required")
	ErrIdentityValueLong     = i18n.NewError("identities.error.value_long", map[string]any{"Max": MaxIdentityValueLen})
	ErrIdentityPhoneInvalid  = i18n.NewError("identities.error.phone_invalid")
	ErrIdentityNotVerified   = i18n.NewError("identities.error.not_verified")
	ErrIdentityTooMany       = i18n.NewError("identities.error.too_many", map[string]any{"Max": MaxIdentities})
	ErrIdentityNotFound      = i18n.NewError("identities.error.not_found")
)

// ErrIdentityDuplicate is a key the request already has.
func ErrIdentityDuplicate(key string) *i18n.Error {
	return i18n.NewError("identities.error.duplicate", map[string]any{"Key": key})
}

// Identity is one identity added to a request.
type Identity struct {
	Key     string
	Value   string
	Method  IdentityMethod
	Note    string
	AddedBy string
	AddedAt time.Time
}

// LabelID is the message naming the key; keys of the business's own get
// the generic label.
func (i Identity) LabelID() string { return IdentityKeyLabelID(i.Key) }

// IdentityKeyLabelID names an identity key in the reader's language.
func IdentityKeyLabelID(key string) string {
	for _, k := range IdentityKeys {
		if k == key {
			return "identities.key." + key
		}
	}
	return "identities.key.custom"
}

// IdentityInput is what adding an identity takes.
type IdentityInput struct {
	Key    string
	Value  string
	Method IdentityMethod
	Note   string
}

// CheckIdentity validates and normalizes an identity: a plain key other
// than email, a one-line value, a phone number in international form (a
// national one read in the request's region).
func CheckIdentity(key, value, region string) (string, string, error) {
	key = strings.TrimSpace(key)
	if key == "email" {
		return "", "", ErrIdentityKeyEmail
	}
	if !identityKeyPattern.MatchString(key) {
		return "", "", ErrIdentityKeyInvalid
	}
	value, err := checkLine(value, MaxIdentityValueLen, ErrIdentityValueRequired, ErrIdentityValueLong)
	if err != nil {
		return "", "", err
	}
	if key == IdentityPhone {
		var ok bool
		if value, ok = normalizePhone(value, region); !ok {
			return "", "", ErrIdentityPhoneInvalid
		}
	}
	return key, value, nil
}

// EventIdentityAdded and EventIdentityRemoved mark the changes on the
// timeline.
const (
	EventIdentityAdded   EventKind = "identity_added"
	EventIdentityRemoved EventKind = "identity_removed"
)

// identityWritable refuses changes before the identity is confirmed and
// after the request ended.
func identityWritable(r *Request) error {
	if !r.Open() || r.PurgedAt != nil {
		return ErrClosed
	}
	if r.VerifiedAt == nil || r.State == StateIdentityCheck {
		return ErrIdentityNotVerified
	}
	return nil
}

// AddIdentity adds a confirmed identity to a verified request. The audit
// entry names the key and the method, never the value.
func (s *Service) AddIdentity(ctx context.Context, actor Actor, requestID string, in IdentityInput) (*Identity, error) {
	if _, _, err := CheckIdentity(in.Key, in.Value, ""); err != nil && !errors.Is(err, ErrIdentityPhoneInvalid) {
		return nil, err
	}
	if !in.Method.Valid() {
		return nil, ErrMethodInvalid
	}
	note, err := optionalNote(in.Note)
	if err != nil {
		return nil, err
	}
	var id *Identity
	err = s.change(ctx, actor, requestID, func(tx *db.Tx, r *Request) error {
		if err := identityWritable(r); err != nil {
			return err
		}
		key, value, err := CheckIdentity(in.Key, in.Value, r.Region)
		if err != nil {
			return err
		}
		id = &Identity{Key: key, Value: value, Method: in.Method, Note: note, AddedBy: actor.String(), AddedAt: s.now()}
		have, err := s.identities(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.Key == key {
				return ErrIdentityDuplicate(key)
			}
		}
		if len(have) >= MaxIdentities {
			return ErrIdentityTooMany
		}
		if _, err := tx.Exec(ctx, `INSERT INTO request_identities
			(request_id, identity_key, identity_value, method, note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.ID, id.Key, id.Value, string(id.Method), id.Note, id.AddedBy, id.AddedAt); err != nil {
			return fmt.Errorf("requests: add identity: %w", err)
		}
		data := map[string]any{"key": key, "method": string(in.Method)}
		if _, err := s.event(ctx, tx, r, EventIdentityAdded, actor, Internal, note, data); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.identity_added", r, map[string]any{"key": key, "method": string(in.Method)})
	})
	if err != nil {
		return nil, err
	}
	return id, nil
}

// RemoveIdentity takes an added identity off an open request (one added
// by mistake would otherwise lead the runs to someone else's data).
func (s *Service) RemoveIdentity(ctx context.Context, actor Actor, requestID, key string) error {
	return s.change(ctx, actor, requestID, func(tx *db.Tx, r *Request) error {
		if !r.Open() || r.PurgedAt != nil {
			return ErrClosed
		}
		res, err := tx.Exec(ctx, "DELETE FROM request_identities WHERE request_id = ? AND identity_key = ?", r.ID, key)
		if err != nil {
			return fmt.Errorf("requests: remove identity: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return ErrIdentityNotFound
		}
		if _, err := s.event(ctx, tx, r, EventIdentityRemoved, actor, Internal, "", map[string]any{"key": key}); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "request.identity_removed", r, map[string]any{"key": key})
	})
}

// Identities lists the identities added to a request, by key.
func (s *Service) Identities(ctx context.Context, requestID string) ([]Identity, error) {
	cid, ok := canonicalID(requestID)
	if !ok {
		return nil, ErrNotFound
	}
	return s.identities(ctx, s.db, cid)
}

type queryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Service) identities(ctx context.Context, q queryer, requestID string) ([]Identity, error) {
	rows, err := q.Query(ctx, `SELECT identity_key, identity_value, method, note, added_by, added_at
		FROM request_identities WHERE request_id = ? ORDER BY identity_key`, requestID)
	if err != nil {
		return nil, fmt.Errorf("requests: identities: %w", err)
	}
	defer rows.Close()
	var out []Identity
	for rows.Next() {
		var i Identity
		var m string
		if err := rows.Scan(&i.Key, &i.Value, &m, &i.Note, &i.AddedBy, &i.AddedAt); err != nil {
			return nil, fmt.Errorf("requests: identities: %w", err)
		}
		i.Method, i.AddedAt = IdentityMethod(m), i.AddedAt.UTC()
		out = append(out, i)
	}
	return out, rows.Err()
}

// purgeIdentities deletes a request's identities with its personal data.
func (s *Service) purgeIdentities(ctx context.Context, tx *db.Tx, requestID string) error {
	_, err := tx.Exec(ctx, "DELETE FROM request_identities WHERE request_id = ?", requestID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("requests: purge identities: %w", err)
	}
	return nil
}
