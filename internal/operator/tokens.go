package operator

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/google/uuid"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise
// (and to find with secret scanners).
const TokenPrefix = "garde_"

const maxTokenNameLen = 100

// A raw token is garde_<32 hex digits of the ID>_<43 base64url characters of
// secret>. The ID finds the row; the secret is checked against its SHA-256.
const (
	tokenIDLen     = 32
	tokenSecretLen = 43
	tokenLen       = len(TokenPrefix) + tokenIDLen + 1 + tokenSecretLen
)

const tokenColumns = "id, name, scopes, operator_id, created_at, expires_at, last_used_at, revoked_at"

// validScope reports whether name is one of Scopes.
func validScope(name string) bool {
	for _, s := range Scopes {
		if s.Name == name {
			return true
		}
	}
	return false
}

// CreateToken makes an API token. The raw token is returned once and never
// stored; keep it in a secret store.
func (s *Service) CreateToken(ctx context.Context, actor string, in NewToken) (string, *Token, error) {
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		return "", nil, ErrTokenNameRequired
	case !validText(name):
		return "", nil, ErrNameInvalid
	case utf8.RuneCountInString(name) > maxTokenNameLen:
		return "", nil, ErrTokenNameLong
	case in.TTL < 0:
		return "", nil, ErrTokenTTLInvalid
	}
	var scopes []string
	for _, sc := range in.Scopes {
		sc = strings.TrimSpace(sc)
		if !validScope(sc) {
			return "", nil, ErrScopeUnknown
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		return "", nil, ErrScopeRequired
	}
	slices.Sort(scopes)

	id := uuid.Must(uuid.NewV7())
	secret, err := randomSecret()
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	t := &Token{ID: id.String(), Name: name, Scopes: scopes, CreatedAt: now}
	if strings.TrimSpace(in.OperatorID) != "" {
		var ok bool
		if t.OperatorID, ok = canonicalID(in.OperatorID); !ok {
			return "", nil, ErrNotFound
		}
	}
	if in.TTL > 0 {
		exp := now.Add(in.TTL)
		t.ExpiresAt = &exp
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var operatorID any
		if t.OperatorID != "" {
			o, err := getTx(ctx, tx, "id", t.OperatorID)
			if err != nil {
				return err
			}
			operatorID = o.ID
		}
		if _, err := tx.Exec(ctx, "INSERT INTO api_tokens (id, name, secret_hash, scopes, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			t.ID, t.Name, digest(secret), strings.Join(scopes, " "), operatorID, now, nullTime(t.ExpiresAt)); err != nil {
			return err
		}
		details := map[string]any{"name": t.Name, "scopes": scopes, "operator_id": t.OperatorID, "expires_at": nil}
		if t.ExpiresAt != nil {
			details["expires_at"] = t.ExpiresAt.Format(time.RFC3339)
		}
		return s.record(ctx, tx, actor, "token.created", "token:"+t.ID, details)
	})
	if err != nil {
		return "", nil, err
	}
	return TokenPrefix + strings.ReplaceAll(t.ID, "-", "") + "_" + secret, t, nil
}

// parseToken splits a raw token into its row ID and secret.
func parseToken(raw string) (id, secret string, ok bool) {
	if len(raw) != tokenLen || !strings.HasPrefix(raw, TokenPrefix) || raw[tokenLen-tokenSecretLen-1] != '_' {
		return "", "", false
	}
	hexID := raw[len(TokenPrefix) : len(TokenPrefix)+tokenIDLen]
	for _, c := range hexID {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", "", false
		}
	}
	u, err := uuid.Parse(hexID)
	if err != nil {
		return "", "", false
	}
	return u.String(), raw[tokenLen-tokenSecretLen:], true
}

func scanToken(row scanner, extra ...any) (*Token, error) {
	var t Token
	var scopes string
	var operatorID sql.NullString
	var expires, used, revoked sql.NullTime
	dest := append([]any{&t.ID, &t.Name, &scopes, &operatorID, &t.CreatedAt, &expires, &used, &revoked}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrTokenNotFound
		}
		return nil, err
	}
	t.Scopes = strings.Fields(scopes)
	t.OperatorID = operatorID.String
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = timePtr(expires), timePtr(used), timePtr(revoked)
	return &t, nil
}

// AuthenticateToken returns the token a bearer presented, or ErrInvalidToken
// when it is malformed, unknown, revoked or expired. Its last use is written
// at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, raw string) (*Token, error) {
	id, secret, ok := parseToken(raw)
	if !ok {
		return nil, ErrInvalidToken
	}
	var hash string
	t, err := scanToken(s.db.QueryRow(ctx, "SELECT "+tokenColumns+", secret_hash FROM api_tokens WHERE id = ?", id), &hash)
	if errors.Is(err, ErrTokenNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(digest(secret)), []byte(hash)) != 1 {
		return nil, ErrInvalidToken
	}
	now := s.now()
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) {
		return nil, ErrInvalidToken
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if _, err := s.db.Exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, t.ID); err != nil {
			return nil, err
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// GetToken returns one token (without its secret), or ErrTokenNotFound.
func (s *Service) GetToken(ctx context.Context, id string) (*Token, error) {
	id, ok := canonicalID(id)
	if !ok {
		return nil, ErrTokenNotFound
	}
	return scanToken(s.db.QueryRow(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE id = ?", id))
}

// ListTokens returns every token, revoked and expired ones included, newest
// first.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.db.Query(ctx, "SELECT "+tokenColumns+" FROM api_tokens ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken makes a token unusable at once. Revoking a revoked token does
// nothing; an unknown ID gives ErrTokenNotFound.
func (s *Service) RevokeToken(ctx context.Context, actor, id string) error {
	id, ok := canonicalID(id)
	if !ok {
		return ErrTokenNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := scanToken(tx.QueryRow(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE id = ?", id))
		if err != nil || t.RevokedAt != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?", s.now(), t.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, "token.revoked", "token:"+t.ID, map[string]any{"name": t.Name})
	})
}
