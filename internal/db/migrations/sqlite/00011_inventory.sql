-- +goose Up
-- The data inventory is edited and imported as one YAML document; each save
-- is a new numbered revision, so a published document names the exact
-- inventory it was written from and earlier answers are never lost.
CREATE TABLE inventory_revisions (
    revision   BIGINT PRIMARY KEY,
    body       TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

-- Published documents (privacy plan, privacy policy, record of
-- processing), one row per version and language. A version is never
-- changed; the current one is the highest version of (doc, lang).
-- incomplete records that the completeness check failed and the publisher
-- overrode it; missing lists what was missing (JSON array).
CREATE TABLE documents (
    id                 TEXT PRIMARY KEY,
    doc                TEXT NOT NULL,
    lang               TEXT NOT NULL,
    version            BIGINT NOT NULL,
    inventory_revision BIGINT NOT NULL REFERENCES inventory_revisions(revision),
    body_md            TEXT NOT NULL,
    body_html          TEXT NOT NULL,
    effective_date     TEXT NOT NULL,
    incomplete         BOOLEAN NOT NULL,
    missing            TEXT NOT NULL,
    published_by       TEXT NOT NULL,
    published_at       DATETIME NOT NULL,
    UNIQUE (doc, lang, version)
);

-- +goose Down
DROP TABLE documents;
DROP TABLE inventory_revisions;
