-- +goose Up
-- Identifiers of the ledger (UUIDs, device ids, subject ids) have no
-- linguistic order: comparing them byte by byte spares every index
-- insertion and lookup the locale's collation rules, which cost about a
-- fifth of an event's insert. Equality and the order of UUIDs and hex
-- device ids are unchanged. The indexes are rebuilt.
ALTER TABLE consent_events
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN subject_id TYPE TEXT COLLATE "C",
    ALTER COLUMN device_id TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE consent_events
    ALTER COLUMN id TYPE TEXT COLLATE "default",
    ALTER COLUMN subject_id TYPE TEXT COLLATE "default",
    ALTER COLUMN device_id TYPE TEXT COLLATE "default";
