package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/garde-privacy/garde/internal/db"
)

const deliveryColumns = `id, endpoint_id, event_id, event, payload, status, attempts, last_status_code, last_error,
	next_attempt_at, created_at, updated_at, delivered_at`

func scanDelivery(row scanner) (*Delivery, error) {
	var d Delivery
	var next, delivered sql.NullTime
	if err := row.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &d.LastStatusCode,
		&d.LastError, &next, &d.CreatedAt, &d.UpdatedAt, &delivered); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if next.Valid {
		t := next.Time.UTC()
		d.NextAttemptAt = &t
	}
	if delivered.Valid {
		t := delivered.Time.UTC()
		d.DeliveredAt = &t
	}
	return &d, nil
}

// MaxDeliveriesListed bounds Deliveries.
const MaxDeliveriesListed = 500

// Deliveries returns the latest deliveries of an endpoint, newest first
// (at most limit, itself at most MaxDeliveriesListed).
func (s *Service) Deliveries(ctx context.Context, endpointID string, limit int) ([]Delivery, error) {
	cid, ok := canonicalID(endpointID)
	if !ok {
		return nil, ErrNotFound
	}
	if limit <= 0 || limit > MaxDeliveriesListed {
		limit = MaxDeliveriesListed
	}
	rows, err := s.db.Query(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?", cid, limit)
	if err != nil {
		return nil, fmt.Errorf("webhooks: deliveries: %w", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("webhooks: deliveries: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Delivery returns one delivery.
func (s *Service) Delivery(ctx context.Context, id string) (*Delivery, error) {
	cid, ok := canonicalID(id)
	if !ok {
		return nil, ErrDeliveryNotFound
	}
	d, err := scanDelivery(s.db.QueryRow(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE id = ?", cid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrDeliveryNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("webhooks: delivery: %w", err)
	}
	return d, nil
}

// Redeliver sends an event again to the endpoint of one of its
// deliveries, as a new delivery with the same event ID and body (receivers
// that already have it can tell). The endpoint must be active.
func (s *Service) Redeliver(ctx context.Context, actor, deliveryID string) (*Delivery, error) {
	cid, ok := canonicalID(deliveryID)
	if !ok {
		return nil, ErrDeliveryNotFound
	}
	var d *Delivery
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		orig, err := scanDelivery(tx.QueryRow(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE id = ?", cid))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrDeliveryNotFound
		}
		if err != nil {
			return fmt.Errorf("webhooks: redeliver: %w", err)
		}
		var active bool
		if err := tx.QueryRow(ctx, "SELECT active FROM webhook_endpoints WHERE id = ?", orig.EndpointID).Scan(&active); err != nil {
			return fmt.Errorf("webhooks: redeliver: %w", err)
		}
		if !active {
			return ErrInactive
		}
		now := s.clock()
		d = &Delivery{ID: newID(), EndpointID: orig.EndpointID, EventID: orig.EventID, Event: orig.Event, Payload: orig.Payload,
			Status: StatusPending, CreatedAt: now, UpdatedAt: now}
		if err := s.insertDelivery(ctx, tx, d); err != nil {
			return err
		}
		_, err = s.audit.Record(ctx, tx, actor, "webhook.redelivered", target(orig.EndpointID),
			map[string]any{"event": orig.Event, "event_id": orig.EventID, "delivery": d.ID, "of": orig.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
