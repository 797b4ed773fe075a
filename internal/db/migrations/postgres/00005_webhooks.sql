-- +goose Up
-- Receivers of outgoing webhooks. The signing secret is sealed with the
-- instance's secret key (never stored in clear): it is shown once, when
-- created or rotated.
CREATE TABLE webhook_endpoints (
    id                TEXT PRIMARY KEY,
    url               TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    secret            TEXT NOT NULL,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    secret_rotated_at TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

-- The events each endpoint receives.
CREATE TABLE webhook_subscriptions (
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event       TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, event)
);
CREATE INDEX webhook_subscriptions_event ON webhook_subscriptions(event, endpoint_id);

-- One event sent to one endpoint. The payload is the exact body sent (it
-- carries identifiers, never a person's details); event_id is the same for
-- every endpoint and every redelivery of one event, so receivers can drop
-- duplicates.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    next_attempt_at  TIMESTAMPTZ,
    locked_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, created_at);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE webhook_endpoints;
