-- +goose Up
-- Server-side secrets generated on first use (the HMAC key of status links
-- and verification codes). Never logged, never sent anywhere.
CREATE TABLE secret_keys (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- The systems that hold personal data and must act on each request: one
-- task per active system is created when a request is verified.
CREATE TABLE systems (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    owner_email TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE requests (
    id                  TEXT PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,
    type                TEXT NOT NULL,
    state               TEXT NOT NULL,
    email               TEXT NOT NULL,
    name                TEXT NOT NULL,
    phone               TEXT NOT NULL DEFAULT '',
    subject             TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    account_id          TEXT NOT NULL DEFAULT '',
    region              TEXT NOT NULL,
    law_id              TEXT NOT NULL,
    language            TEXT NOT NULL,
    source              TEXT NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    verified_at         TIMESTAMPTZ,
    due_date            TIMESTAMPTZ NOT NULL,
    legal_due_date      TIMESTAMPTZ,
    acknowledge_by      TIMESTAMPTZ,
    internal_target     TIMESTAMPTZ,
    extension_limit     TIMESTAMPTZ,
    extension_notice_by TIMESTAMPTZ,
    extended_at         TIMESTAMPTZ,
    extension_reason    TEXT NOT NULL DEFAULT '',
    assignee_id         TEXT REFERENCES operators(id) ON DELETE SET NULL,
    identity_method     TEXT NOT NULL DEFAULT '',
    identity_note       TEXT NOT NULL DEFAULT '',
    identity_checked_by TEXT NOT NULL DEFAULT '',
    identity_checked_at TIMESTAMPTZ,
    closed_at           TIMESTAMPTZ,
    outcome             TEXT NOT NULL DEFAULT '',
    close_note          TEXT NOT NULL DEFAULT '',
    rejection_reason    TEXT NOT NULL DEFAULT '',
    verify_token_hash   TEXT UNIQUE,
    verify_code_hash    TEXT NOT NULL DEFAULT '',
    verify_expires_at   TIMESTAMPTZ,
    verify_attempts     INTEGER NOT NULL DEFAULT 0,
    verify_sends        INTEGER NOT NULL DEFAULT 0,
    verify_sent_at      TIMESTAMPTZ,
    purged_at           TIMESTAMPTZ,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX requests_queue ON requests(due_date, id);
CREATE INDEX requests_state ON requests(state, due_date);
CREATE INDEX requests_email ON requests(email);
CREATE INDEX requests_closed ON requests(closed_at) WHERE purged_at IS NULL;

-- The timeline of a request: every state change, email, note, reply and
-- task, in order. Visibility says whether the subject sees it.
CREATE TABLE request_events (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    visibility  TEXT NOT NULL CHECK (visibility IN ('internal','subject')),
    body        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_request ON request_events(request_id, at, id);

CREATE TABLE request_tasks (
    id               TEXT PRIMARY KEY,
    request_id       TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    system_id        TEXT REFERENCES systems(id) ON DELETE SET NULL,
    system_name      TEXT NOT NULL,
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL,
    assignee_email   TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    done_at          TIMESTAMPTZ,
    done_by          TEXT NOT NULL DEFAULT '',
    token_hash       TEXT UNIQUE,
    token_expires_at TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX request_tasks_request ON request_tasks(request_id, created_at);

-- +goose Down
DROP TABLE request_tasks;
DROP TABLE request_events;
DROP TABLE requests;
DROP TABLE systems;
DROP TABLE secret_keys;
