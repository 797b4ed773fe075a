-- +goose Up
-- The suppression list: people who asked the business, by a data subject
-- request (restriction, objection, opt-out of sale, limit sensitive) or
-- through an agent, to stop using their data for some purposes. The
-- person is kept as a keyed hash of their normalised email address, so an
-- entry outlives the purge of its request without keeping the address.
-- purposes is a space-separated list; "*" stands for every purpose but
-- the necessary one. An entry is never deleted: it is lifted.
CREATE TABLE suppressions (
    id            TEXT PRIMARY KEY,
    identity_hash TEXT NOT NULL,
    purposes      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    request_id    TEXT UNIQUE REFERENCES requests(id) ON DELETE SET NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    lifted_at     TIMESTAMPTZ,
    lifted_by     TEXT NOT NULL DEFAULT '',
    lift_cause    TEXT NOT NULL DEFAULT '',
    lift_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX suppressions_identity ON suppressions (identity_hash) WHERE lifted_at IS NULL;
CREATE INDEX suppressions_created ON suppressions (created_at);

-- Every change of an entry, append-only: what it stopped before and
-- after, who changed it and why.
CREATE TABLE suppression_changes (
    id             TEXT PRIMARY KEY,
    suppression_id TEXT NOT NULL REFERENCES suppressions(id),
    at             TIMESTAMPTZ NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    purposes       TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX suppression_changes_entry ON suppression_changes (suppression_id, at);

-- +goose Down
DROP TABLE suppression_changes;
DROP TABLE suppressions;
