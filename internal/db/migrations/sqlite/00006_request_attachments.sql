-- +goose Up
-- Files an agent adds to a request (a scan of an identity document, a
-- letter). The content is sealed with the instance's secret key and kept in
-- the database so every instance sees it. At closure the content is blanked
-- unless the operator chose to keep the file; the retention purge blanks
-- the rest. The row stays, without name or content, as a record.
CREATE TABLE request_attachments (
    id           TEXT PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      TEXT NOT NULL DEFAULT '',
    keep         BOOLEAN NOT NULL DEFAULT FALSE,
    uploaded_by  TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    deleted_at   DATETIME
);
CREATE INDEX request_attachments_request ON request_attachments(request_id, created_at);

-- Times the clock of a request stood still while the business waited for a
-- clarification from the person (laws that allow it: UK GDPR). Dates are
-- civil dates (midnight UTC); resumed_on is NULL while the clock is stopped.
CREATE TABLE request_pauses (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    paused_on   DATETIME NOT NULL,
    resumed_on  DATETIME,
    question    TEXT NOT NULL DEFAULT '',
    paused_by   TEXT NOT NULL,
    resumed_by  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE INDEX request_pauses_request ON request_pauses(request_id, paused_on);

-- +goose Down
DROP TABLE request_pauses;
DROP TABLE request_attachments;
