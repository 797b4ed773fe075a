package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/garde-privacy/garde/internal/db"
)

// SQL of the reply templates. They are not part of Store: nothing but the
// database keeps them.

const replyTemplateColumns = `id, name, body_en, body_fr, body_nl, request_type, created_by, created_at, updated_at`

func scanReplyTemplate(row scanner) (*ReplyTemplate, error) {
	var t ReplyTemplate
	var typ string
	err := row.Scan(&t.ID, &t.Name, &t.BodyEN, &t.BodyFR, &t.BodyNL, &typ, &t.CreatedBy, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrReplyTemplateNotFound
		}
		return nil, fmt.Errorf("requests: reply template: %w", err)
	}
	t.RequestType = Type(typ)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func insertReplyTemplate(ctx context.Context, q Querier, t *ReplyTemplate) error {
	_, err := q.Exec(ctx, `INSERT INTO reply_templates(`+replyTemplateColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Name, t.BodyEN, t.BodyFR, t.BodyNL, string(t.RequestType), t.CreatedBy, t.CreatedAt.UTC(), t.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("requests: insert reply template: %w", err)
	}
	return nil
}

func updateReplyTemplate(ctx context.Context, q Querier, t *ReplyTemplate) error {
	res, err := q.Exec(ctx, `UPDATE reply_templates SET name = ?, body_en = ?, body_fr = ?, body_nl = ?, request_type = ?,
		updated_at = ? WHERE id = ?`, t.Name, t.BodyEN, t.BodyFR, t.BodyNL, string(t.RequestType), t.UpdatedAt.UTC(), t.ID)
	if err != nil {
		return fmt.Errorf("requests: update reply template: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrReplyTemplateNotFound
	}
	return nil
}

func deleteReplyTemplate(ctx context.Context, q Querier, id string) error {
	res, err := q.Exec(ctx, "DELETE FROM reply_templates WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("requests: delete reply template: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrReplyTemplateNotFound
	}
	return nil
}

func getReplyTemplate(ctx context.Context, q Querier, id string) (*ReplyTemplate, error) {
	return scanReplyTemplate(q.QueryRow(ctx, `SELECT `+replyTemplateColumns+` FROM reply_templates WHERE id = ?`, id))
}

func listReplyTemplates(ctx context.Context, q Querier) ([]ReplyTemplate, error) {
	rows, err := q.Query(ctx, `SELECT `+replyTemplateColumns+` FROM reply_templates ORDER BY LOWER(name), id`)
	if err != nil {
		return nil, fmt.Errorf("requests: reply templates: %w", err)
	}
	defer rows.Close()
	var out []ReplyTemplate
	for rows.Next() {
		t, err := scanReplyTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// seedReplyTemplates adds the starter templates the first time templates
// are used, if none exists yet. A marker row makes it happen once per
// database: templates an admin deleted do not come back. The cheap read
// first keeps the write lock out of ordinary page views.
func (s *Service) seedReplyTemplates(ctx context.Context) error {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM reply_template_seeds WHERE name = ?", replySeedName).Scan(&n); err != nil {
		return fmt.Errorf("requests: reply template seeds: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		res, err := tx.Exec(ctx, "INSERT INTO reply_template_seeds(name, seeded_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
			replySeedName, now)
		if err != nil {
			return fmt.Errorf("requests: reply template seeds: %w", err)
		}
		if added, _ := res.RowsAffected(); added == 0 {
			return nil // another caller did it
		}
		var existing int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM reply_templates").Scan(&existing); err != nil {
			return fmt.Errorf("requests: reply templates: %w", err)
		}
		if existing > 0 {
			return nil
		}
		for _, in := range starterReplyTemplates {
			t := &ReplyTemplate{ID: newID(), Name: in.Name, BodyEN: in.BodyEN, BodyFR: in.BodyFR, BodyNL: in.BodyNL,
				RequestType: in.RequestType, CreatedBy: SystemActor.String(), CreatedAt: now, UpdatedAt: now}
			if err := insertReplyTemplate(ctx, tx, t); err != nil {
				return err
			}
		}
		_, err = s.audit.Record(ctx, tx, SystemActor.String(), "reply_template.seeded", "reply_templates",
			map[string]any{"count": len(starterReplyTemplates)})
		return err
	})
}

const replySeedName = "starter-v1"
