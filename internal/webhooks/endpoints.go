package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/garde-privacy/garde/internal/signature"

	"github.com/garde-privacy/garde/internal/db"
)

// secretPrefix starts every signing secret, so people recognise one.
const secretPrefix = "whsec_"

func newSecret() (string, error) { return signature.NewSecret(secretPrefix) }

// checked is a validated EndpointInput.
type checked struct {
	url         *url.URL
	description string
	events      []string
	active      bool
}

// check validates in: an absolute https URL (http only to this machine,
// for local systems and tests) without credentials, a short description,
// at least one known event.
func check(in EndpointInput) (*checked, error) {
	raw := strings.TrimSpace(in.URL)
	if raw == "" {
		return nil, ErrURLRequired
	}
	if len(raw) > MaxURLLen {
		return nil, ErrURLTooLong
	}
	if strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return nil, ErrURLInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, ErrURLInvalid
	}
	if u.User != nil {
		// They would sit in clear in the database and the pages; the
		// signature is what authenticates Garde.
		return nil, ErrURLCredentials
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, ErrURLNotHTTPS
	}
	u.Fragment, u.RawFragment = "", ""
	desc := strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(desc) > MaxDescriptionLen {
		return nil, ErrDescriptionTooLong
	}
	var events []string
	for _, e := range in.Events {
		e = strings.TrimSpace(e)
		if !Known(e) {
			return nil, ErrEventUnknown
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return nil, ErrEventsRequired
	}
	slices.Sort(events)
	return &checked{url: u, description: desc, events: events, active: in.Active}, nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Create adds an endpoint and returns it with its signing secret, in
// clear this once: only the sealed secret is stored.
func (s *Service) Create(ctx context.Context, actor string, in EndpointInput) (*Endpoint, string, error) {
	c, err := check(in)
	if err != nil {
		return nil, "", err
	}
	secret, err := newSecret()
	if err != nil {
		return nil, "", err
	}
	now := s.clock()
	e := &Endpoint{ID: newID(), URL: c.url.String(), Description: c.description, Events: c.events, Active: c.active, CreatedAt: now, UpdatedAt: now}
	sealed, err := s.box.Seal([]byte(secret), secretContext(e.ID))
	if err != nil {
		return nil, "", err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_endpoints(id, url, description, secret, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.URL, e.Description, sealed, e.Active, now, now); err != nil {
			return fmt.Errorf("webhooks: create: %w", err)
		}
		if err := s.subscribe(ctx, tx, e.ID, e.Events); err != nil {
			return err
		}
		_, err := s.audit.Record(ctx, tx, actor, "webhook.created", target(e.ID), auditDetails(c))
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return e, secret, nil
}

// auditDetails names the receiving host, not the whole URL: URLs may carry
// tokens, and the audit log keeps everything forever.
func auditDetails(c *checked) map[string]any {
	return map[string]any{"host": c.url.Host, "events": c.events, "active": c.active}
}

func (s *Service) subscribe(ctx context.Context, tx *db.Tx, id string, events []string) error {
	if _, err := tx.Exec(ctx, "DELETE FROM webhook_subscriptions WHERE endpoint_id = ?", id); err != nil {
		return fmt.Errorf("webhooks: subscriptions: %w", err)
	}
	for _, ev := range events {
		if _, err := tx.Exec(ctx, "INSERT INTO webhook_subscriptions(endpoint_id, event) VALUES (?, ?)", id, ev); err != nil {
			return fmt.Errorf("webhooks: subscriptions: %w", err)
		}
	}
	return nil
}

// Update changes an endpoint's URL, description, events and whether it is
// active. Deliveries waiting when it is switched off are given up on.
func (s *Service) Update(ctx context.Context, actor, id string, in EndpointInput) (*Endpoint, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	c, err := check(in)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE webhook_endpoints SET url = ?, description = ?, active = ?, updated_at = ? WHERE id = ?",
			c.url.String(), c.description, c.active, now, cid)
		if err != nil {
			return fmt.Errorf("webhooks: update: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrNotFound
		}
		if err := s.subscribe(ctx, tx, cid, c.events); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor, "webhook.updated", target(cid), auditDetails(c))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, cid)
}

// Delete removes an endpoint with its deliveries.
func (s *Service) Delete(ctx context.Context, actor, id string) error {
	cid, ok := canonicalID(id)
	if !ok {
		return ErrNotFound
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var raw string
		if err := tx.QueryRow(ctx, "SELECT url FROM webhook_endpoints WHERE id = ?", cid).Scan(&raw); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return fmt.Errorf("webhooks: delete: %w", err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM webhook_endpoints WHERE id = ?", cid); err != nil {
			return fmt.Errorf("webhooks: delete: %w", err)
		}
		host := ""
		if u, err := url.Parse(raw); err == nil {
			host = u.Host
		}
		_, err := s.audit.Record(ctx, tx, actor, "webhook.deleted", target(cid), map[string]any{"host": host})
		return err
	})
}

// RotateSecret gives an endpoint a new signing secret, returned in clear
// this once. Deliveries sent from now on, retries included, are signed
// with it.
func (s *Service) RotateSecret(ctx context.Context, actor, id string) (string, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return "", ErrNotFound
	}
	secret, err := newSecret()
	if err != nil {
		return "", err
	}
	sealed, err := s.box.Seal([]byte(secret), secretContext(cid))
	if err != nil {
		return "", err
	}
	now := s.clock()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE webhook_endpoints SET secret = ?, secret_rotated_at = ?, updated_at = ? WHERE id = ?", sealed, now, now, cid)
		if err != nil {
			return fmt.Errorf("webhooks: rotate: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrNotFound
		}
		_, err = s.audit.Record(ctx, tx, actor, "webhook.secret_rotated", target(cid), nil)
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

const endpointColumns = "id, url, description, active, secret_rotated_at, created_at, updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanEndpoint(row scanner) (*Endpoint, error) {
	var e Endpoint
	var rotated sql.NullTime
	if err := row.Scan(&e.ID, &e.URL, &e.Description, &e.Active, &rotated, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if rotated.Valid {
		t := rotated.Time.UTC()
		e.SecretRotatedAt = &t
	}
	e.Events = []string{}
	return &e, nil
}

// Get returns an endpoint.
func (s *Service) Get(ctx context.Context, id string) (*Endpoint, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrNotFound
	}
	e, err := scanEndpoint(s.db.QueryRow(ctx, "SELECT "+endpointColumns+" FROM webhook_endpoints WHERE id = ?", cid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("webhooks: get: %w", err)
	}
	if err := s.fillEvents(ctx, map[string]*Endpoint{e.ID: e}); err != nil {
		return nil, err
	}
	return e, nil
}

// List returns every endpoint, oldest first.
func (s *Service) List(ctx context.Context) ([]Endpoint, error) {
	rows, err := s.db.Query(ctx, "SELECT "+endpointColumns+" FROM webhook_endpoints ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("webhooks: list: %w", err)
	}
	var list []*Endpoint
	byID := map[string]*Endpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("webhooks: list: %w", err)
		}
		list = append(list, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("webhooks: list: %w", err)
	}
	if err := s.fillEvents(ctx, byID); err != nil {
		return nil, err
	}
	out := make([]Endpoint, len(list))
	for i, e := range list {
		out[i] = *e
	}
	return out, nil
}

// fillEvents reads the subscriptions of the endpoints given.
func (s *Service) fillEvents(ctx context.Context, byID map[string]*Endpoint) error {
	if len(byID) == 0 {
		return nil
	}
	q := "SELECT endpoint_id, event FROM webhook_subscriptions ORDER BY endpoint_id, event"
	var args []any
	if len(byID) == 1 {
		for id := range byID {
			q, args = "SELECT endpoint_id, event FROM webhook_subscriptions WHERE endpoint_id = ? ORDER BY event", []any{id}
		}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("webhooks: subscriptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, ev string
		if err := rows.Scan(&id, &ev); err != nil {
			return fmt.Errorf("webhooks: subscriptions: %w", err)
		}
		if e := byID[id]; e != nil {
			e.Events = append(e.Events, ev)
		}
	}
	return rows.Err()
}

// Reseal seals again, with the current key, the signing secrets sealed
// with an older one, and returns how many it changed. Run at start-up, it
// completes a rotation of secret_key: once it has run, the old keys can be
// removed from the setting.
func (s *Service) Reseal(ctx context.Context) (int, error) {
	rows, err := s.db.Query(ctx, "SELECT id, secret FROM webhook_endpoints")
	if err != nil {
		return 0, fmt.Errorf("webhooks: reseal: %w", err)
	}
	stale := map[string]string{}
	for rows.Next() {
		var id, sealed string
		if err := rows.Scan(&id, &sealed); err != nil {
			rows.Close()
			return 0, fmt.Errorf("webhooks: reseal: %w", err)
		}
		if !s.box.Current(sealed) {
			stale[id] = sealed
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("webhooks: reseal: %w", err)
	}
	n := 0
	for id, old := range stale {
		plain, err := s.box.Open(old, secretContext(id))
		if err != nil {
			return n, fmt.Errorf("webhooks: the signing secret of endpoint %s: %w", id, err)
		}
		fresh, err := s.box.Seal(plain, secretContext(id))
		if err != nil {
			return n, err
		}
		// Only if unchanged meanwhile: a rotation since the read wins.
		res, err := s.db.Exec(ctx, "UPDATE webhook_endpoints SET secret = ? WHERE id = ? AND secret = ?", fresh, id, old)
		if err != nil {
			return n, fmt.Errorf("webhooks: reseal: %w", err)
		}
		if c, _ := res.RowsAffected(); c == 1 {
			n++
		}
	}
	return n, nil
}
