-- +goose Up
-- The ledger becomes cheap to append to: one row per event keyed by its
-- time-ordered id (new rows land at the end of the primary key), the
-- purposes packed as space-separated names instead of JSON, one holder
-- index entry per banner event (the device's; the subject's partial index
-- only holds events that name a person), and no derived state table: the
-- current decision per holder and purpose is computed on read from the
-- holder's events. Export and statistics scan the ledger in id order.
CREATE TABLE consent_ledger (
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
    given_at       DATETIME NOT NULL,
    recorded_at    DATETIME NOT NULL
) WITHOUT ROWID;

-- Purpose names are [a-z0-9_], so a JSON array of them unpacks by
-- dropping its punctuation.
INSERT INTO consent_ledger(id, site_id, subject_id, device_id, kind, granted, refused, method, source,
    notice_version, language, gpc, actor, given_at, recorded_at)
SELECT id, site_id, subject_id, device_id, kind,
    replace(replace(replace(replace(granted, '[', ''), ']', ''), '"', ''), ',', ' '),
    replace(replace(replace(replace(refused, '[', ''), ']', ''), '"', ''), ',', ' '),
    method, source, notice_version, language, gpc, actor, given_at, recorded_at
FROM consent_events;

DROP TABLE consent_state;
DROP TRIGGER consent_events_no_update;
DROP TRIGGER consent_events_no_delete;
DROP TABLE consent_events;
ALTER TABLE consent_ledger RENAME TO consent_events;
CREATE INDEX consent_events_device ON consent_events(device_id) WHERE device_id <> '';
CREATE INDEX consent_events_subject ON consent_events(subject_id) WHERE subject_id <> '';

-- +goose StatementBegin
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
CREATE TABLE consent_ledger (
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
    given_at       DATETIME NOT NULL,
    recorded_at    DATETIME NOT NULL
);
INSERT INTO consent_ledger
SELECT id, site_id, subject_id, device_id, kind,
    CASE granted WHEN '' THEN '[]' ELSE '["' || replace(granted, ' ', '","') || '"]' END,
    CASE refused WHEN '' THEN '[]' ELSE '["' || replace(refused, ' ', '","') || '"]' END,
    method, source, notice_version, language, gpc, actor, given_at, recorded_at
FROM consent_events;
DROP TRIGGER consent_events_no_update;
DROP TRIGGER consent_events_no_delete;
DROP TABLE consent_events;
ALTER TABLE consent_ledger RENAME TO consent_events;
CREATE INDEX consent_events_subject ON consent_events(subject_id, recorded_at) WHERE subject_id <> '';
CREATE INDEX consent_events_device ON consent_events(device_id, recorded_at) WHERE device_id <> '';
CREATE INDEX consent_events_recorded ON consent_events(recorded_at, id);
-- +goose StatementBegin
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent_events is append-only');
END;
-- +goose StatementEnd
-- The state table again, rebuilt from the ledger: per holder and purpose,
-- the decision of the event given last (recorded last on a tie).
CREATE TABLE consent_state (
    holder         TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    decision       TEXT NOT NULL,
    event_id       TEXT NOT NULL REFERENCES consent_events(id),
    notice_version TEXT NOT NULL DEFAULT '',
    decided_at     DATETIME NOT NULL,
    PRIMARY KEY (holder, purpose)
);
WITH decisions AS (
    SELECT 's:' || e.subject_id AS holder, p.value AS purpose, 'granted' AS decision, e.id, e.notice_version, e.given_at, e.recorded_at
        FROM consent_events e, json_each(e.granted) p WHERE e.subject_id <> ''
    UNION ALL
    SELECT 's:' || e.subject_id, p.value, 'refused', e.id, e.notice_version, e.given_at, e.recorded_at
        FROM consent_events e, json_each(e.refused) p WHERE e.subject_id <> ''
    UNION ALL
    SELECT 'd:' || e.device_id, p.value, 'granted', e.id, e.notice_version, e.given_at, e.recorded_at
        FROM consent_events e, json_each(e.granted) p WHERE e.device_id <> ''
    UNION ALL
    SELECT 'd:' || e.device_id, p.value, 'refused', e.id, e.notice_version, e.given_at, e.recorded_at
        FROM consent_events e, json_each(e.refused) p WHERE e.device_id <> ''
)
INSERT INTO consent_state(holder, purpose, decision, event_id, notice_version, decided_at)
SELECT holder, purpose, decision, id, notice_version, given_at FROM (
    SELECT decisions.*, row_number() OVER (PARTITION BY holder, purpose
        ORDER BY given_at DESC, recorded_at DESC, id DESC) AS n
    FROM decisions
) latest WHERE n = 1;
