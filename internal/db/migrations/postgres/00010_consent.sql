-- +goose Up
-- Sites that show the consent banner: where it may run (origins, for CORS),
-- which purposes it asks about, the notice version people answer, how long
-- a choice holds before the banner asks again, and the policy page.
CREATE TABLE consent_sites (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    origins        TEXT NOT NULL,
    purposes       TEXT NOT NULL,
    notice_version TEXT NOT NULL,
    reask_months   INTEGER NOT NULL,
    policy_url     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- The ledger: one row per choice or withdrawal, never changed nor removed
-- (the trigger below refuses it), so it proves what was chosen and when.
CREATE TABLE consent_events (
    id             TEXT PRIMARY KEY,
    site_id        TEXT NOT NULL DEFAULT '',
    subject_id     TEXT NOT NULL DEFAULT '',
    device_id      TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    granted        TEXT NOT NULL,
    refused        TEXT NOT NULL,
    method         TEXT NOT NULL,
    source         TEXT NOT NULL,
    notice_version TEXT NOT NULL DEFAULT '',
    language       TEXT NOT NULL DEFAULT '',
    gpc            BOOLEAN NOT NULL DEFAULT FALSE,
    actor          TEXT NOT NULL DEFAULT '',
    given_at       TIMESTAMPTZ NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_events_subject ON consent_events(subject_id, recorded_at) WHERE subject_id <> '';
CREATE INDEX consent_events_device ON consent_events(device_id, recorded_at) WHERE device_id <> '';
CREATE INDEX consent_events_recorded ON consent_events(recorded_at, id);

-- +goose StatementBegin
CREATE FUNCTION consent_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent_events is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

-- The current decision per person or device and purpose, derived from the
-- ledger as events arrive. holder is "s:<subject id>" or "d:<device id>".
CREATE TABLE consent_state (
    holder         TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    decision       TEXT NOT NULL,
    event_id       TEXT NOT NULL REFERENCES consent_events(id),
    notice_version TEXT NOT NULL DEFAULT '',
    decided_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (holder, purpose)
);

-- Newsletter subscribers brought in from another tool, and the campaign
-- that asks those who never opted in to confirm (seed 002). how_added is
-- active (they asked for it), passive (added by someone else) or unknown.
-- status: subscribed (opted in), to_ask, asked, confirmed, archived.
CREATE TABLE consent_subscribers (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    subscribed_at TIMESTAMPTZ,
    how_added     TEXT NOT NULL,
    status        TEXT NOT NULL,
    token_hash    TEXT UNIQUE,
    asked_at      TIMESTAMPTZ,
    deadline      TIMESTAMPTZ,
    confirmed_at  TIMESTAMPTZ,
    archived_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_subscribers_status ON consent_subscribers(status, created_at);

-- +goose Down
DROP TABLE consent_subscribers;
DROP TABLE consent_state;
DROP TRIGGER consent_events_append_only ON consent_events;
DROP FUNCTION consent_events_append_only();
DROP TABLE consent_events;
DROP TABLE consent_sites;
