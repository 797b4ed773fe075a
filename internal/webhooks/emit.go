package webhooks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/garde-privacy/garde/internal/db"
)

// Emitter is what a domain calls when something happens that receivers
// may subscribe to; *Service is one, Discard drops everything.
type Emitter interface {
	// Emit queues event for every active endpoint subscribed to it, in
	// tx: nothing is sent if tx rolls back. payload becomes the "data" of
	// the body and must hold no personal data.
	Emit(ctx context.Context, tx *db.Tx, event string, payload any) error
}

// Discard is an Emitter that sends nothing (no webhooks configured, tests).
var Discard Emitter = discard{}

type discard struct{}

func (discard) Emit(context.Context, *db.Tx, string, any) error { return nil }

// body is what receivers get.
type body struct {
	ID        string    `json:"id"`
	Event     string    `json:"event"`
	CreatedAt time.Time `json:"created_at"`
	Data      any       `json:"data"`
}

// Emit stores one delivery per active endpoint subscribed to event, each
// with its sending job, in the caller's transaction. An unregistered event
// or a payload that cannot be encoded is a programming error.
func (s *Service) Emit(ctx context.Context, tx *db.Tx, event string, payload any) error {
	if !Known(event) {
		return fmt.Errorf("webhooks: emit of an unregistered event %q", event)
	}
	rows, err := tx.Query(ctx, `SELECT e.id FROM webhook_endpoints e JOIN webhook_subscriptions s ON s.endpoint_id = e.id
		WHERE s.event = ? AND e.active = ? ORDER BY e.id`, event, true)
	if err != nil {
		return fmt.Errorf("webhooks: emit: %w", err)
	}
	var endpoints []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("webhooks: emit: %w", err)
		}
		endpoints = append(endpoints, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("webhooks: emit: %w", err)
	}
	if len(endpoints) == 0 {
		return nil
	}
	now := s.clock()
	b := body{ID: newID(), Event: event, CreatedAt: now, Data: payload}
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("webhooks: payload of %s: %w", event, err)
	}
	for _, ep := range endpoints {
		if err := s.insertDelivery(ctx, tx, &Delivery{ID: newID(), EndpointID: ep, EventID: b.ID, Event: event, Payload: string(raw), Status: StatusPending, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// insertDelivery stores d with its job.
func (s *Service) insertDelivery(ctx context.Context, tx *db.Tx, d *Delivery) error {
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries(id, endpoint_id, event_id, event, payload, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.EndpointID, d.EventID, d.Event, d.Payload, d.Status, d.CreatedAt, d.UpdatedAt); err != nil {
		return fmt.Errorf("webhooks: store delivery: %w", err)
	}
	if _, err := s.queue.InsertTx(ctx, tx, DeliverArgs{DeliveryID: d.ID}, nil); err != nil {
		return fmt.Errorf("webhooks: enqueue delivery: %w", err)
	}
	return nil
}
