package run

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/fulfil/connect"
	"github.com/garde-privacy/garde/internal/fulfil/dataset"
	"github.com/garde-privacy/garde/internal/fulfil/httpconn"
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// maxDatasetLen bounds the dataset text an operator pastes.
const maxDatasetLen = 1 << 20

// Kinds of connector.
const (
	KindDatabase = "database"
	KindHTTP     = "http"
)

// Connector is how Garde reaches an automatic system: either its database
// (the dataset that describes its tables and the connection URL) or an
// HTTP endpoint of the business with the secret that signs the calls. The
// URL and the secret stay sealed; URLHint is the URL with any password
// hidden.
type Connector struct {
	SystemID string
	Kind     string
	Dataset  string
	// DatasetKey names the system in access packages: the dataset's
	// fides_key, or for HTTP a key made from the system's name.
	DatasetKey string
	URLHint    string
	UpdatedBy  string
	UpdatedAt  time.Time
	// Secret is the HTTP signing secret Garde just made, in clear this
	// once; empty otherwise.
	Secret string
}

// HTTP reports whether the connector calls an endpoint.
func (c *Connector) HTTP() bool { return c.Kind == KindHTTP }

// ConnectorInput is what saving a connector takes. An empty URL (or
// endpoint, or secret) keeps the one saved before (it is never shown back,
// so it is not re-entered).
type ConnectorInput struct {
	Kind    string // KindDatabase when empty
	Dataset string
	URL     string
	// Endpoint and Secret are for HTTP. Without a secret entered, Garde
	// makes one when there is none yet or NewSecret is set.
	Endpoint  string
	Secret    string
	NewSecret bool
}

func urlContext(systemID string) string { return "fulfil.connector:" + systemID }

func secretContext(systemID string) string { return "fulfil.connector.secret:" + systemID }

func isAdmin(a requests.Actor) bool {
	switch a.Kind {
	case requests.ActorToken:
		return a.ID != ""
	case requests.ActorOperator:
		return a.ID != "" && a.Role.AtLeast(operator.Admin)
	}
	return false
}

// checkDataset parses and checks the dataset text: exactly one dataset,
// which an email address leads into.
func checkDataset(text string) (*dataset.Set, error) {
	if strings.TrimSpace(text) == "" {
		return nil, ErrDatasetRequired
	}
	if len(text) > maxDatasetLen {
		return nil, ErrDatasetTooLarge
	}
	ds, err := dataset.Parse("dataset", []byte(text))
	if err == nil && len(ds) != 1 {
		return nil, ErrDatasetOne
	}
	var set *dataset.Set
	if err == nil {
		set, err = dataset.Check(ds)
	}
	var ps dataset.Problems
	if errors.As(err, &ps) {
		return nil, &InvalidDataset{Problems: ps}
	}
	if err != nil {
		return nil, err
	}
	p, err := plan.Build(set, []plan.Identity{{Key: "email", Value: "someone@example.org"}})
	if err != nil || len(p.Steps) == 0 {
		return nil, ErrDatasetNoEmail
	}
	return set, nil
}

// checkURL accepts the connection URLs the connectors open.
func checkURL(u string) error {
	switch {
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"), strings.HasPrefix(u, "mysql://"):
		return nil
	case strings.HasPrefix(u, "sqlite://"):
		path := strings.TrimPrefix(u, "sqlite://")
		if !filepath.IsAbs(path) || strings.ContainsAny(path, "?#") {
			return ErrURLSQLitePath
		}
		return nil
	}
	return ErrURLScheme
}

// SetConnector saves the connector of an automatic system.
func (s *Service) SetConnector(ctx context.Context, actor requests.Actor, systemID string, in ConnectorInput) (*Connector, error) {
	if !isAdmin(actor) {
		return nil, requests.ErrForbidden
	}
	sys, err := s.requests.GetSystem(ctx, systemID)
	if err != nil {
		return nil, err
	}
	if sys.Kind != requests.SystemAutomatic {
		return nil, ErrNotAutomatic
	}
	old, err := s.Connector(ctx, sys.ID)
	if err != nil && !errors.Is(err, ErrNoConnector) {
		return nil, err
	}
	switch in.Kind {
	case "", KindDatabase:
		return s.setDatabase(ctx, actor, sys, old, in)
	case KindHTTP:
		return s.setHTTP(ctx, actor, sys, old, in)
	}
	return nil, ErrKind
}

func (s *Service) setDatabase(ctx context.Context, actor requests.Actor, sys *requests.System, old *Connector, in ConnectorInput) (*Connector, error) {
	set, err := checkDataset(in.Dataset)
	if err != nil {
		return nil, err
	}
	url := strings.TrimSpace(in.URL)
	// A URL saved for another kind is no database URL to keep.
	if old != nil && old.Kind != KindDatabase {
		old = nil
	}
	if url == "" && old == nil {
		return nil, ErrURLRequired
	}
	c := &Connector{SystemID: sys.ID, Kind: KindDatabase, Dataset: in.Dataset, DatasetKey: set.Datasets[0].FidesKey,
		UpdatedBy: actor.String(), UpdatedAt: s.now()}
	var sealed string
	if url != "" {
		if err := checkURL(url); err != nil {
			return nil, err
		}
		if sealed, err = s.box.Seal([]byte(url), urlContext(sys.ID)); err != nil {
			return nil, fmt.Errorf("fulfil: seal connection: %w", err)
		}
		c.URLHint = connect.Redact(url)
	} else {
		c.URLHint = old.URLHint
	}
	if err := s.save(ctx, actor, c, sealed, "", map[string]any{
		"kind": c.Kind, "dataset": c.DatasetKey, "connection": c.URLHint, "url_changed": sealed != ""}); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) setHTTP(ctx context.Context, actor requests.Actor, sys *requests.System, old *Connector, in ConnectorInput) (*Connector, error) {
	if old != nil && old.Kind != KindHTTP {
		old = nil
	}
	raw := strings.TrimSpace(in.Endpoint)
	if raw == "" && old == nil {
		return nil, ErrEndpointRequired
	}
	c := &Connector{SystemID: sys.ID, Kind: KindHTTP, DatasetKey: systemKey(sys.Name), UpdatedBy: actor.String(), UpdatedAt: s.now()}
	var sealedURL, sealedSecret string
	var err error
	if raw != "" {
		u, err := checkEndpoint(raw)
		if err != nil {
			return nil, err
		}
		if sealedURL, err = s.box.Seal([]byte(u), urlContext(sys.ID)); err != nil {
			return nil, fmt.Errorf("fulfil: seal endpoint: %w", err)
		}
		c.URLHint = u
	} else {
		c.URLHint = old.URLHint
	}
	secret := strings.TrimSpace(in.Secret)
	switch {
	case secret != "":
		if err := checkSecret(secret); err != nil {
			return nil, err
		}
	case old == nil || in.NewSecret:
		if secret, err = httpconn.NewSecret(); err != nil {
			return nil, err
		}
		c.Secret = secret
	}
	if secret != "" {
		if sealedSecret, err = s.box.Seal([]byte(secret), secretContext(sys.ID)); err != nil {
			return nil, fmt.Errorf("fulfil: seal secret: %w", err)
		}
	}
	if err := s.save(ctx, actor, c, sealedURL, sealedSecret, map[string]any{
		"kind": c.Kind, "endpoint": c.URLHint, "url_changed": sealedURL != "", "secret_changed": sealedSecret != ""}); err != nil {
		return nil, err
	}
	return c, nil
}

// save writes the connector; an empty sealed value keeps the one stored.
func (s *Service) save(ctx context.Context, actor requests.Actor, c *Connector, sealedURL, sealedSecret string, audit map[string]any) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO fulfil_connectors
			(system_id, kind, dataset, dataset_key, url_sealed, url_hint, secret_sealed, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (system_id) DO UPDATE SET kind = excluded.kind, dataset = excluded.dataset,
			dataset_key = excluded.dataset_key, url_hint = excluded.url_hint,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			c.SystemID, c.Kind, c.Dataset, c.DatasetKey, sealedURL, c.URLHint, sealedSecret, c.UpdatedBy, c.UpdatedAt)
		if err == nil && sealedURL != "" {
			_, err = tx.Exec(ctx, "UPDATE fulfil_connectors SET url_sealed = ? WHERE system_id = ?", sealedURL, c.SystemID)
		}
		if err == nil && sealedSecret != "" {
			_, err = tx.Exec(ctx, "UPDATE fulfil_connectors SET secret_sealed = ? WHERE system_id = ?", sealedSecret, c.SystemID)
		}
		if err == nil && c.Kind == KindDatabase {
			// A database connector has no signing secret.
			_, err = tx.Exec(ctx, "UPDATE fulfil_connectors SET secret_sealed = '' WHERE system_id = ?", c.SystemID)
		}
		if err != nil {
			return fmt.Errorf("fulfil: save connector: %w", err)
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "fulfil.connector_set", "system:"+c.SystemID, audit)
		return err
	})
}

// Connector returns a system's connector, or ErrNoConnector.
func (s *Service) Connector(ctx context.Context, systemID string) (*Connector, error) {
	var c Connector
	err := s.db.QueryRow(ctx, `SELECT system_id, kind, dataset, dataset_key, url_hint, updated_by, updated_at
		FROM fulfil_connectors WHERE system_id = ?`, systemID).
		Scan(&c.SystemID, &c.Kind, &c.Dataset, &c.DatasetKey, &c.URLHint, &c.UpdatedBy, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoConnector
	}
	if err != nil {
		return nil, fmt.Errorf("fulfil: connector: %w", err)
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, nil
}

// opened is a connector with its URL and secret unsealed.
type opened struct {
	*Connector
	url    string
	secret []byte
}

// openConnector reads a connector with its URL (and secret) unsealed.
func (s *Service) openConnector(ctx context.Context, systemID string) (*opened, error) {
	c, err := s.Connector(ctx, systemID)
	if err != nil {
		return nil, err
	}
	var sealedURL, sealedSecret string
	if err := s.db.QueryRow(ctx, "SELECT url_sealed, secret_sealed FROM fulfil_connectors WHERE system_id = ?", systemID).
		Scan(&sealedURL, &sealedSecret); err != nil {
		return nil, fmt.Errorf("fulfil: connector: %w", err)
	}
	url, err := s.box.Open(sealedURL, urlContext(systemID))
	if err != nil {
		return nil, fmt.Errorf("fulfil: the connection of this system cannot be unsealed with the current secret key: %w", err)
	}
	o := &opened{Connector: c, url: string(url)}
	if c.HTTP() {
		if o.secret, err = s.box.Open(sealedSecret, secretContext(systemID)); err != nil {
			return nil, fmt.Errorf("fulfil: the signing secret of this system cannot be unsealed with the current secret key: %w", err)
		}
	}
	return o, nil
}
