-- +goose Up
-- The breach register: one row per incident. The facts and the risk
-- assessments per law are JSON documents (their shape follows the laws, not
-- the schema); the columns beside them are what lists sort and filter on.
CREATE TABLE breaches (
    id           TEXT PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    state        TEXT NOT NULL,
    title        TEXT NOT NULL,
    occurred_at  DATETIME NOT NULL,
    aware_at     DATETIME NOT NULL,
    facts        TEXT NOT NULL,
    assessments  TEXT NOT NULL,
    closed_at    DATETIME,
    close_note   TEXT NOT NULL DEFAULT '',
    retain_until DATETIME,
    version      INTEGER NOT NULL,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX breaches_state_aware ON breaches(state, aware_at);

-- The timeline: every change, with what it changed.
CREATE TABLE breach_events (
    id        TEXT PRIMARY KEY,
    breach_id TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    at        DATETIME NOT NULL,
    kind      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    body      TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX breach_events_breach ON breach_events(breach_id, at);

-- Notification drafts: every saved text is a new version, never an update.
CREATE TABLE breach_drafts (
    id         TEXT PRIMARY KEY,
    breach_id  TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    obligation TEXT NOT NULL,
    language   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (breach_id, obligation, language, version)
);

-- Notices sent: to an authority (with the reference it gave) or to people;
-- several phases per obligation when information follows later.
CREATE TABLE breach_notifications (
    id          TEXT PRIMARY KEY,
    breach_id   TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    obligation  TEXT NOT NULL,
    phase       INTEGER NOT NULL,
    sent_at     DATETIME NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at DATETIME NOT NULL,
    UNIQUE (breach_id, obligation, phase)
);

-- Notices emailed to the persons concerned, one row per email in the
-- outbox, so the incident shows which went out.
CREATE TABLE breach_notice_emails (
    id         TEXT PRIMARY KEY,
    breach_id  TEXT NOT NULL REFERENCES breaches(id) ON DELETE CASCADE,
    obligation TEXT NOT NULL,
    outbox_id  TEXT NOT NULL,
    email      TEXT NOT NULL,
    language   TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX breach_notice_emails_breach ON breach_notice_emails(breach_id, obligation);

-- +goose Down
DROP TABLE breach_notice_emails;
DROP TABLE breach_notifications;
DROP TABLE breach_drafts;
DROP TABLE breach_events;
DROP TABLE breaches;
