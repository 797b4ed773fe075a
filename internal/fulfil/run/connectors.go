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
	"github.com/garde-privacy/garde/internal/fulfil/plan"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
)

// maxDatasetLen bounds the dataset text an operator pastes.
const maxDatasetLen = 1 << 20

// Connector is how Garde reaches an automatic system: the dataset that
// describes its tables and where its database is. The URL itself stays
// sealed; URLHint is it with the password hidden.
type Connector struct {
	SystemID   string
	Dataset    string
	DatasetKey string
	URLHint    string
	UpdatedBy  string
	UpdatedAt  time.Time
}

// ConnectorInput is what saving a connector takes. An empty URL keeps the
// one saved before (it is never shown back, so it is not re-entered).
type ConnectorInput struct {
	Dataset string
	URL     string
}

func urlContext(systemID string) string { return "fulfil.connector:" + systemID }

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
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
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

// SetConnector saves the dataset and connection of an automatic system.
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
	set, err := checkDataset(in.Dataset)
	if err != nil {
		return nil, err
	}
	url := strings.TrimSpace(in.URL)
	old, err := s.Connector(ctx, sys.ID)
	if err != nil && !errors.Is(err, ErrNoConnector) {
		return nil, err
	}
	if url == "" && old == nil {
		return nil, ErrURLRequired
	}
	var sealed string
	c := &Connector{SystemID: sys.ID, Dataset: in.Dataset, DatasetKey: set.Datasets[0].FidesKey,
		UpdatedBy: actor.String(), UpdatedAt: s.now()}
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
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if old == nil {
			_, err = tx.Exec(ctx, `INSERT INTO fulfil_connectors
				(system_id, dataset, dataset_key, url_sealed, url_hint, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				c.SystemID, c.Dataset, c.DatasetKey, sealed, c.URLHint, c.UpdatedBy, c.UpdatedAt)
		} else if sealed != "" {
			_, err = tx.Exec(ctx, `UPDATE fulfil_connectors SET dataset = ?, dataset_key = ?, url_sealed = ?, url_hint = ?,
				updated_by = ?, updated_at = ? WHERE system_id = ?`,
				c.Dataset, c.DatasetKey, sealed, c.URLHint, c.UpdatedBy, c.UpdatedAt, c.SystemID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE fulfil_connectors SET dataset = ?, dataset_key = ?, updated_by = ?, updated_at = ?
				WHERE system_id = ?`, c.Dataset, c.DatasetKey, c.UpdatedBy, c.UpdatedAt, c.SystemID)
		}
		if err != nil {
			return fmt.Errorf("fulfil: save connector: %w", err)
		}
		_, err = s.audit.Record(ctx, tx, actor.String(), "fulfil.connector_set", "system:"+sys.ID, map[string]any{
			"dataset": c.DatasetKey, "connection": c.URLHint, "url_changed": sealed != ""})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Connector returns a system's connector, or ErrNoConnector.
func (s *Service) Connector(ctx context.Context, systemID string) (*Connector, error) {
	var c Connector
	err := s.db.QueryRow(ctx, `SELECT system_id, dataset, dataset_key, url_hint, updated_by, updated_at
		FROM fulfil_connectors WHERE system_id = ?`, systemID).
		Scan(&c.SystemID, &c.Dataset, &c.DatasetKey, &c.URLHint, &c.UpdatedBy, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoConnector
	}
	if err != nil {
		return nil, fmt.Errorf("fulfil: connector: %w", err)
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, nil
}

// openConnector reads a connector with its URL unsealed.
func (s *Service) openConnector(ctx context.Context, systemID string) (*Connector, string, error) {
	c, err := s.Connector(ctx, systemID)
	if err != nil {
		return nil, "", err
	}
	var sealed string
	if err := s.db.QueryRow(ctx, "SELECT url_sealed FROM fulfil_connectors WHERE system_id = ?", systemID).Scan(&sealed); err != nil {
		return nil, "", fmt.Errorf("fulfil: connector: %w", err)
	}
	url, err := s.box.Open(sealed, urlContext(systemID))
	if err != nil {
		return nil, "", fmt.Errorf("fulfil: the connection of this system cannot be unsealed with the current secret key: %w", err)
	}
	return c, string(url), nil
}
